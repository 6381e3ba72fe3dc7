import { Type } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../errors.js';
import { NoQuery, Nullable } from '../../schemas.js';

export const FeatureSettingsSchema = Type.Object({
  numFeatures: Type.Integer(),
  hash: Type.String(),
  ngrams: Type.Array(Type.Integer()),
  cleanup: Type.String(),
  lowercase: Type.Boolean(),
  tf: Type.String(),
  idf: Type.Boolean(),
  norm: Type.String(),
});

export const BackendSchema = Type.Object({
  name: Type.String({ description: 'tensorflow (native), wasm or cpu' }),
  simd: Type.Optional(Type.Boolean()),
  skipped: Type.Array(Type.Object({ name: Type.String(), reason: Type.String() }), { description: 'Backends tried first that could not start' }),
});

export const TrainingSummary = Type.Object({
  texts: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer()),
  iterations: Type.Integer(),
  converged: Type.Boolean(),
  cost: Type.Number(),
  init: Type.String(),
  runs: Type.Integer(),
  seed: Type.Integer(),
  maxIterations: Type.Integer(),
  epsilon: Type.Number(),
  backend: Type.String({ description: 'Backend the model was trained on' }),
  durationMs: Type.Number(),
  input: Type.Optional(Type.String()),
});

export const ModelInfo = Type.Object({
  version: Type.Integer({ description: 'Model version: 1 when trained, +1 per published update or saved upload' }),
  createdAt: Type.String(),
  source: Type.String({ description: 'Where the running model came from: a path, "upload", or the pipeline' }),
  loadedAt: Type.String({ description: 'When it was swapped in (ISO 8601)' }),
  backend: Nullable(BackendSchema),
  k: Type.Integer(),
  distance: Type.String(),
  features: FeatureSettingsSchema,
  featuresText: Type.String(),
  labels: Type.Array(Nullable(Type.String())),
  unknown: Type.Object({ minLetters: Type.Integer(), maxDistance: Nullable(Type.Number()), minMargin: Nullable(Type.Number()) }),
  updates: Type.Integer({ description: 'StreamingKMeans batches folded in since training' }),
  training: Nullable(TrainingSummary),
});

export const SwapReply = Type.Object({
  version: Type.Integer(),
  previousVersion: Type.Integer(),
  source: Type.String(),
  k: Type.Integer(),
  labels: Type.Array(Nullable(Type.String())),
});

export const UploadBody = Type.Object(
  { format: Type.String(), formatVersion: Type.Integer() },
  { additionalProperties: true, description: 'A tweetlang model file (what `tweetlang train` writes); validated completely before it is used' },
);

export const getModelRoute = {
  tags: ['model'],
  summary: 'The model in use: version, backend, k, features, training stats, updates applied',
  querystring: NoQuery,
  response: { 200: ModelInfo, ...errorReplies(400) },
};

const admin: { security: Array<Record<string, string[]>> } = { security: [{ adminKey: [] }, { bearer: [] }] };

export const reloadRoute = {
  tags: ['admin'],
  summary: 'Reload the newest model from the model store (or the seed model) and swap it in',
  ...admin,
  querystring: NoQuery,
  response: { 200: SwapReply, ...errorReplies(400, 401, 403, 503) },
};

export const uploadRoute = {
  tags: ['admin'],
  summary: 'Upload a model file: validated, saved atomically as the next store version, swapped in',
  ...admin,
  querystring: NoQuery,
  body: UploadBody,
  response: { 200: SwapReply, ...errorReplies(400, 401, 403, 413, 415, 503) },
};
