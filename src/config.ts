/**
 * Every default lives here. Environment variables and CLI flags are parsed into typed, validated config;
 * bad values fail at start-up with a ConfigError naming the setting.
 */
import type { Distance } from './clustering/distance.js';
import type { InitMode } from './clustering/init.js';
import type { AugmentSettings, SeedingSettings, UnknownPolicy } from './clustering/model.js';
import { EnvReader } from './config-env.js';
import { ConfigError } from './errors.js';
import { SPARK_FEATURES, type FeatureSettings } from './features/settings.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Project root (works from src/ and from dist/src/). */
export const PROJECT_ROOT = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..') : path.resolve(here, '..');
})();

/** The bundled default model, loaded when no --model is given. */
export const DEFAULT_MODEL_PATH = path.join(PROJECT_ROOT, 'models', 'default.json');
/** The bundled sample stream that `npm start` replays. */
export const SAMPLE_STREAM_PATH = path.join(PROJECT_ROOT, 'models', 'sample-stream.jsonl');

/** Best measured feature settings (docs/QUALITY.md). */
export const DEFAULT_FEATURES: Readonly<FeatureSettings> = Object.freeze({
  numFeatures: 1 << 13,
  hash: 'spark3',
  ngrams: [1, 2, 3],
  cleanup: 'tweet-nohashtags',
  lowercase: true,
  tf: 'log',
  idf: true,
  norm: 'l2',
});

export interface TrainDefaults {
  k: number;
  maxIterations: number;
  epsilon: number;
  init: InitMode;
  initSteps: number;
  runs: number;
  seed: number;
  distance: Distance;
  /** A cluster carries a label only when its majority language has at least this share. */
  labelMinShare: number;
  /** Seeded k-means from labelled texts (null: unsupervised init); k then follows from the seeds. */
  seeding: SeedingSettings | null;
  /** Training-time augmentation of labelled sentences towards tweet length (null: none). */
  augment: AugmentSettings | null;
  unknown: UnknownPolicy;
}

export const DEFAULT_TRAIN: Readonly<TrainDefaults> = Object.freeze({
  k: 20,
  maxIterations: 20,
  epsilon: 1e-4,
  init: 'k-means||',
  initSteps: 2,
  runs: 1,
  seed: 1,
  distance: 'cosine',
  labelMinShare: 0.5,
  seeding: { perLanguage: 1, background: 20, refine: 0, kindWeights: { udhr: 0.25 } },
  augment: { fragmentWords: 8, maxFragments: 4, stripAccents: false, background: false, kinds: ['web'] },
  unknown: { minLetters: 4, maxDistance: 0.9, minMargin: 0.005, unlabelledBias: 0.02 },
});

export interface Preset {
  features: FeatureSettings;
  train: Partial<TrainDefaults>;
  description: string;
}

export const PRESETS: Record<string, Preset> = {
  default: { features: { ...DEFAULT_FEATURES }, train: {}, description: 'best measured settings (docs/QUALITY.md)' },
  spark: {
    features: { ...SPARK_FEATURES },
    train: { distance: 'euclidean', maxIterations: 20, k: 10, seeding: null, augment: null, labelMinShare: 0, unknown: { minLetters: 0, maxDistance: null, minMargin: null } },
    description: "the Spark reference app: raw bigram counts, 1000 features, euclidean k-means",
  },
  unsupervised: {
    features: { ...DEFAULT_FEATURES, numFeatures: 1 << 14, cleanup: 'tweet' },
    train: { k: 60, seeding: null, augment: null, labelMinShare: 0.6 },
    description: 'best setting that ignores lang while clustering (k 60, labels merged by language; docs/QUALITY.md row k60-purity)',
  },
};

export function presetNamed(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new ConfigError('E_BAD_OPTION', `unknown preset ${JSON.stringify(name)}; presets: ${Object.keys(PRESETS).join(', ')}`);
  return p;
}

/** Streaming defaults (`tweetlang stream`, the embedded pipeline). */
export interface StreamDefaults {
  batchMs: number;
  /** Most records one batch takes from the source. */
  maxBatch: number;
  /** Window of the per-cluster counts and top hashtags (stats(), --window). */
  windowMs: number;
  slideMs: number;
  topHashtags: number;
  /** Checkpoint every N batches (and on stop). */
  checkpointEvery: number;
  /** StreamingKMeans: publish a model version every N batches. */
  publishEvery: number;
  /** How often a model path / store folder is checked for a new model. */
  modelPollMs: number;
  /** How often a watched folder is listed. */
  dirPollMs: number;
  /** Retries of a sink write that failed with a retriable error, and the first wait (doubling). */
  sinkRetries: number;
  sinkRetryMs: number;
  /** Warn (E_SOURCE_STALLED) when a source that has not ended gave no record for this long; 0: never. */
  stallWarnMs: number;
  /** Longest stretch (ms) of a batch's work on the main thread before the event loop gets a turn. */
  sliceMs: number;
}

export const DEFAULT_STREAM: Readonly<StreamDefaults> = Object.freeze({
  batchMs: 1000,
  maxBatch: 10_000,
  windowMs: 20_000,
  slideMs: 10_000,
  topHashtags: 10,
  checkpointEvery: 10,
  publishEvery: 10,
  modelPollMs: 1000,
  dirPollMs: 1000,
  sinkRetries: 3,
  sinkRetryMs: 200,
  stallWarnMs: 60_000,
  sliceMs: 5,
});

// ---------------------------------------------------------------------------------------------------
// HTTP service (services/api): env variables, defaults and validation. docs/API.md lists them all.

export interface SseConfig {
  /** Events queued per subscriber before the oldest are dropped (skip-ahead). */
  queueSize: number;
  /** Concurrent /v1/stream clients; more get 503. */
  maxClients: number;
  /** Heartbeat comment interval. */
  heartbeatMs: number;
  /** A subscriber that keeps dropping events for this long is disconnected. */
  maxBehindMs: number;
  /** Recent texts kept per cluster for GET /v1/clusters. */
  recentPerCluster: number;
}

export interface HttpConfig {
  port: number;
  host: string;
  /** Largest request body (bytes) on every route but the model upload. */
  bodyLimit: number;
  /** Largest model upload (PUT /v1/model), bytes. */
  modelUploadLimit: number;
  /** Texts per POST /v1/predict request. */
  maxTexts: number;
  /** Length of one text, in code points (an emoji counts once). */
  maxTextLength: number;
  /** Admin API key (TWEETLANG_ADMIN_KEY); admin routes are off unless it has at least 16 characters. */
  adminKey: string | undefined;
  /** Requests per window per client address on /v1 routes; 0 turns rate limiting off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Origins allowed by CORS; empty = CORS off (same-origin only). "*" allows any origin. */
  corsOrigins: string[];
  /** Trust X-Forwarded-For (behind a reverse proxy) for client addresses. */
  trustProxy: boolean;
  sse: SseConfig;
}

/** The shortest admin key the service accepts. */
export const MIN_ADMIN_KEY_LENGTH = 16;

export const DEFAULT_SSE: Readonly<SseConfig> = Object.freeze({
  queueSize: 1000,
  maxClients: 100,
  heartbeatMs: 15_000,
  maxBehindMs: 10_000,
  recentPerCluster: 5,
});

export const DEFAULT_HTTP: Readonly<HttpConfig> = Object.freeze({
  port: 3000,
  host: '127.0.0.1',
  bodyLimit: 1024 * 1024,
  modelUploadLimit: 64 * 1024 * 1024,
  maxTexts: 1000,
  maxTextLength: 10_000,
  adminKey: undefined,
  rateLimitMax: 6000,
  rateLimitWindowMs: 60_000,
  corsOrigins: [],
  trustProxy: false,
  sse: DEFAULT_SSE,
});

export interface ApiConfig {
  http: HttpConfig;
  model: {
    /** Seed model (file or store folder) used while the store is empty (TWEETLANG_MODEL). */
    path: string;
    /** Versioned model store: uploads are saved here, reloads read its newest version (TWEETLANG_MODEL_STORE). */
    storeDir: string;
  };
  /** The pipeline embedded in the API service (replays a JSONL stream in a loop). */
  embedded: {
    enabled: boolean;
    streamPath: string;
    /** Records per second replayed. */
    rate: number;
    /** Where the pipeline checkpoints (empty: no checkpoints). */
    checkpointDir: string;
    /** StreamingKMeans on the embedded stream: new model versions go to the model store (TWEETLANG_STREAMING_UPDATE). */
    update: boolean;
    /** Decay factor of those updates (TWEETLANG_DECAY, 0..1). */
    decay: number;
    /** Worker threads that classify the stream (TWEETLANG_CLASSIFY_THREADS; 0: the main thread, in time slices). */
    classifyThreads: number;
  };
  logLevel: string;
  /** Longest graceful shutdown before the process exits anyway (TWEETLANG_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
}

/** Reads the API service's settings from the environment; throws ConfigError (E_CONFIG) naming the bad variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = new EnvReader(env);
  const d = DEFAULT_HTTP;
  const http: HttpConfig = {
    port: e.int('PORT', d.port, 0, 65535),
    host: e.string('HOST', d.host),
    bodyLimit: e.bytes('TWEETLANG_BODY_LIMIT', d.bodyLimit, 1024, 1024 ** 3),
    modelUploadLimit: e.bytes('TWEETLANG_MODEL_UPLOAD_LIMIT', d.modelUploadLimit, 1024, 4 * 1024 ** 3),
    maxTexts: e.int('TWEETLANG_MAX_TEXTS', d.maxTexts, 1, 1_000_000),
    maxTextLength: e.int('TWEETLANG_MAX_TEXT_LENGTH', d.maxTextLength, 1, 10_000_000),
    adminKey: e.optionalString('TWEETLANG_ADMIN_KEY'),
    rateLimitMax: e.int('TWEETLANG_RATE_LIMIT', d.rateLimitMax, 0, 1_000_000_000),
    rateLimitWindowMs: e.int('TWEETLANG_RATE_LIMIT_WINDOW_MS', d.rateLimitWindowMs, 1, 86_400_000),
    corsOrigins: e.list('TWEETLANG_CORS_ORIGINS', d.corsOrigins),
    trustProxy: e.bool('TWEETLANG_TRUST_PROXY', d.trustProxy),
    sse: {
      queueSize: e.int('TWEETLANG_SSE_QUEUE', DEFAULT_SSE.queueSize, 1, 1_000_000),
      maxClients: e.int('TWEETLANG_SSE_MAX_CLIENTS', DEFAULT_SSE.maxClients, 1, 100_000),
      heartbeatMs: e.int('TWEETLANG_SSE_HEARTBEAT_MS', DEFAULT_SSE.heartbeatMs, 100, 3_600_000),
      maxBehindMs: e.int('TWEETLANG_SSE_MAX_BEHIND_MS', DEFAULT_SSE.maxBehindMs, 0, 3_600_000),
      recentPerCluster: e.int('TWEETLANG_RECENT_PER_CLUSTER', DEFAULT_SSE.recentPerCluster, 0, 1000),
    },
  };
  if (http.bodyLimit > http.modelUploadLimit) {
    throw new ConfigError('E_CONFIG', 'TWEETLANG_MODEL_UPLOAD_LIMIT must be at least TWEETLANG_BODY_LIMIT', {
      details: { variable: 'TWEETLANG_MODEL_UPLOAD_LIMIT' },
    });
  }
  for (const o of http.corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
      throw new ConfigError('E_CONFIG', `TWEETLANG_CORS_ORIGINS must list origins like https://example.com or * (got ${JSON.stringify(o)})`, {
        details: { variable: 'TWEETLANG_CORS_ORIGINS' },
      });
    }
  }
  const level = e.string('LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new ConfigError('E_CONFIG', `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got ${JSON.stringify(level)})`, {
      details: { variable: 'LOG_LEVEL' },
    });
  }
  return {
    http,
    model: {
      path: path.resolve(e.string('TWEETLANG_MODEL', DEFAULT_MODEL_PATH)),
      storeDir: path.resolve(e.string('TWEETLANG_MODEL_STORE', path.join(PROJECT_ROOT, 'data', 'models'))),
    },
    embedded: {
      enabled: e.bool('TWEETLANG_EMBEDDED_PIPELINE', true),
      streamPath: path.resolve(e.string('TWEETLANG_SAMPLE_STREAM', SAMPLE_STREAM_PATH)),
      rate: e.number('TWEETLANG_REPLAY_RATE', 50, 0.1, 1_000_000),
      checkpointDir: e.string('TWEETLANG_CHECKPOINT_DIR', ''),
      update: e.bool('TWEETLANG_STREAMING_UPDATE', false),
      decay: e.number('TWEETLANG_DECAY', 1, 0, 1),
      classifyThreads: e.int('TWEETLANG_CLASSIFY_THREADS', 0, 0, 256),
    },
    logLevel: level,
    shutdownTimeoutMs: e.int('TWEETLANG_SHUTDOWN_TIMEOUT_MS', 15_000, 100, 3_600_000),
  };
}

/** Kafka topics, groups and timings of the distributed deployment (docs/OPERATIONS.md). */
export const DEFAULT_KAFKA = Object.freeze({
  statsTopic: 'tweetlang.stats',
  modelTopic: 'tweetlang.model',
  updaterGroup: 'tweetlang-updater',
  collectGroup: 'tweetlang-collect',
  /** A round closes this long after its first statistics at the latest. */
  roundGraceMs: 10_000,
  /** A member silent for this long is no longer waited for. */
  memberTimeoutMs: 30_000,
  /** How often the updater folds closed rounds and publishes. */
  updaterTickMs: 500,
});

/** Twitter API v2 defaults. */
export const DEFAULT_TWITTER = Object.freeze({
  apiBase: 'https://api.twitter.com/2/',
  /** The API sends a keep-alive every ~20 s: silence longer than this is a dead connection. */
  keepAliveTimeoutMs: 30_000,
});
