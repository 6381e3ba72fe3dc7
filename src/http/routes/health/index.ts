/** GET /healthz (liveness), /readyz (readiness), /metrics (Prometheus). Not rate limited. */
import type { FastifyReply } from 'fastify';
import type { App } from '../../types.js';
import { healthzRoute, metricsRoute, opsConfig, readyzRoute } from './schemas.js';

export default async function healthRoutes(app: App): Promise<void> {
  app.get('/healthz', { schema: healthzRoute, config: opsConfig, handler: healthz });
  app.get('/readyz', { schema: readyzRoute, config: opsConfig, handler: readyz });
  app.get('/metrics', { schema: metricsRoute, config: opsConfig, handler: metrics });

  async function healthz() {
    return { status: 'ok' as const };
  }

  async function readyz(_req: unknown, reply: FastifyReply) {
    const model = app.models.current !== undefined;
    const pipeline = app.pipeline ? app.pipeline.running : null;
    const draining = app.lifecycle.draining;
    const ready = model && pipeline !== false && !draining;
    return reply.status(ready ? 200 : 503).send({ ready, checks: { model, pipeline, draining }, modelVersion: app.models.version });
  }

  async function metrics(_req: unknown, reply: FastifyReply) {
    const text = await app.metrics.text();
    return reply.type(app.metrics.contentType).send(text);
  }
}
