/** GET /v1/stats: counts and top hashtags per cluster over the pipeline's current window. */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../types.js';
import { statsRoute, type StatsQueryT } from './schemas.js';

export default async function statsRoutes(app: App): Promise<void> {
  app.get('/v1/stats', { schema: statsRoute, handler: windowStats });

  async function windowStats(req: FastifyRequest<{ Querystring: StatsQueryT }>) {
    const pipeline = app.pipeline;
    if (!pipeline) return { pipeline: 'absent' as const, windowMs: 0, slideMs: 0, asOf: 0, total: 0, clusters: [] };
    const s = pipeline.stats();
    const top = req.query.top;
    return {
      pipeline: pipeline.running ? ('running' as const) : ('stopped' as const),
      windowMs: s.windowMs,
      slideMs: s.slideMs,
      asOf: s.asOf,
      total: s.total,
      clusters: s.clusters.map((c) => ({ ...c, topHashtags: top === undefined ? c.topHashtags : c.topHashtags.slice(0, top) })),
    };
  }
}
