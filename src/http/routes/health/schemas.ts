import { Type } from '@fastify/type-provider-typebox';
import { NoQuery } from '../../schemas.js';

export const HealthReply = Type.Object({ status: Type.Literal('ok') });

export const ReadyReply = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Object({
    model: Type.Boolean({ description: 'A model is loaded' }),
    pipeline: Type.Union([Type.Boolean(), Type.Null()], { description: 'The embedded pipeline runs (null: the service has none)' }),
    draining: Type.Boolean({ description: 'Shutdown has started' }),
  }),
  modelVersion: Type.Integer(),
});

const noLimit = { rateLimit: false } as const;

export const healthzRoute = {
  tags: ['ops'],
  summary: 'Liveness: the process answers',
  querystring: NoQuery,
  response: { 200: HealthReply },
};

export const readyzRoute = {
  tags: ['ops'],
  summary: 'Readiness: a model is loaded, the pipeline (if any) runs, and shutdown has not started (else 503)',
  querystring: NoQuery,
  response: { 200: ReadyReply, 503: ReadyReply },
};

export const metricsRoute = {
  tags: ['ops'],
  summary: 'Prometheus metrics (text exposition format)',
  querystring: NoQuery,
  produces: ['text/plain'],
  response: { 200: Type.String() },
};

export const opsConfig = noLimit;
