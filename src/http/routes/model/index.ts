/**
 * GET /v1/model, and the admin routes POST /v1/model/reload and PUT /v1/model. The admin routes exist only
 * when TWEETLANG_ADMIN_KEY is set and long enough; otherwise they are not registered (404) and the log says why.
 */
import type { FastifyRequest } from 'fastify';
import { describeModel } from '../../../clustering/describe.js';
import { backendInfo } from '../../../linalg/backend.js';
import { adminKeyProblem, requireAdminKey } from '../../auth.js';
import type { App } from '../../types.js';
import { getModelRoute, reloadRoute, uploadRoute } from './schemas.js';

export default async function modelRoutes(app: App): Promise<void> {
  app.get('/v1/model', { schema: getModelRoute, handler: getModel });

  const problem = adminKeyProblem(app.httpConfig.adminKey);
  if (problem) {
    app.log.warn(`admin routes (POST /v1/model/reload, PUT /v1/model) are disabled: ${problem}`);
    return;
  }
  const onRequest = requireAdminKey(app.httpConfig.adminKey as string);
  app.post('/v1/model/reload', { schema: reloadRoute, onRequest, handler: reloadModel });
  app.put('/v1/model', { schema: uploadRoute, onRequest, bodyLimit: app.httpConfig.modelUploadLimit, handler: uploadModel });

  async function getModel() {
    const { model, source, loadedAt } = app.models.current;
    const backend = backendInfo();
    const t = model.training;
    return {
      ...describeModel(model),
      source,
      loadedAt: new Date(loadedAt).toISOString(),
      backend: backend ? { name: backend.name, ...(backend.simd === undefined ? {} : { simd: backend.simd }), skipped: backend.skipped } : null,
      training: t
        ? {
            texts: t.texts,
            skipped: t.skipped,
            iterations: t.iterations,
            converged: t.converged,
            cost: t.cost,
            init: t.init,
            runs: t.runs,
            seed: t.seed,
            maxIterations: t.maxIterations,
            epsilon: t.epsilon,
            backend: t.backend,
            durationMs: t.durationMs,
            ...(t.input === undefined ? {} : { input: t.input }),
          }
        : null,
    };
  }

  async function reloadModel() {
    const result = await app.modelAdmin.reload();
    app.hub.clearRecent();
    return result;
  }

  async function uploadModel(req: FastifyRequest<{ Body: unknown }>) {
    const result = await app.modelAdmin.upload(req.body);
    app.hub.clearRecent();
    return result;
  }
}
