/** GET /v1/clusters: what each cluster looks like, for choosing the one to keep (the reference app's way). */
import type { FastifyRequest } from 'fastify';
import { clusterSummaries } from '../../../clustering/describe.js';
import type { App } from '../../types.js';
import { clustersRoute, type ClustersQueryT } from './schemas.js';

export default async function clustersRoutes(app: App): Promise<void> {
  app.get('/v1/clusters', { schema: clustersRoute, handler: listClusters });

  async function listClusters(req: FastifyRequest<{ Querystring: ClustersQueryT }>) {
    const { model } = app.models.current;
    const summaries = clusterSummaries(model, { top: req.query.top ?? 10, samples: req.query.samples ?? 3 });
    return {
      modelVersion: model.version,
      clusters: summaries.map((c) => ({ ...c, recent: app.hub.recent(c.cluster) })),
    };
  }
}
