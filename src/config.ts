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
