/** POST /v1/predict: cluster, label and distance of each text, with the model in use. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.js';
import type { App } from '../../types.js';
import { predictSchemas, type PredictBodyT } from './schemas.js';

export default async function predictRoutes(app: App): Promise<void> {
  const { route } = predictSchemas(app.httpConfig);
  app.post('/v1/predict', {
    schema: route,
    config: { validationCodes: { maxItems: 'E_TOO_MANY_TEXTS', maxLength: 'E_TEXT_TOO_LONG', minLength: 'E_EMPTY_TEXT', minItems: 'E_NO_TEXTS' } },
    handler: predict,
  });

  app.addHook('onResponse', function countPredict(_req: FastifyRequest, reply: FastifyReply, done: () => void) {
    app.metrics.predictRequests.inc({ outcome: reply.statusCode < 400 ? 'ok' : reply.statusCode < 500 ? 'rejected' : 'error' });
    done();
  });

  async function predict(req: FastifyRequest<{ Body: PredictBodyT }>) {
    const { text, texts } = req.body;
    if (text !== undefined && texts !== undefined) throw new HttpError(400, 'E_TEXT_AND_TEXTS', 'send either "text" or "texts", not both');
    if (text === undefined && texts === undefined) throw new HttpError(400, 'E_NO_TEXTS', 'send {"text": "..."} or {"texts": ["...", ...]}');
    const list = texts ?? [text as string];
    // one snapshot for the whole request: every text is answered by the same model version
    const { model, predictor } = app.models.current;
    const predictions = predictor.predictMany(list);
    app.metrics.predictTexts.inc(list.length);
    return { modelVersion: model.version, predictions };
  }
}
