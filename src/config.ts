/**
 * Every default lives here. Environment variables and CLI flags are parsed into typed, validated config;
 * bad values fail at start-up with a ConfigError naming the setting.
 */
import type { Distance } from './clustering/distance.js';
import type { InitMode } from './clustering/init.js';
import type { UnknownPolicy } from './clustering/model.js';
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
  numFeatures: 1 << 14,
  hash: 'spark3',
  ngrams: [1, 2],
  cleanup: 'tweet',
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
  labelMinShare: 0,
  unknown: { minLetters: 1, maxDistance: null, minMargin: null },
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
    train: { distance: 'euclidean', maxIterations: 20, k: 10, unknown: { minLetters: 0, maxDistance: null, minMargin: null } },
    description: "the Spark reference app: raw bigram counts, 1000 features, euclidean k-means",
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
});
