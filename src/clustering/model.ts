/**
 * The model: centers, feature settings (and IDF weights), distance, per-cluster weight and label, the
 * unknown policy, training stats. One versioned JSON file; float arrays are base64 float32 so that a
 * model round-trips exactly. `parseModel` validates everything and names the first problem it finds.
 */
import { ModelError } from '../errors.js';
import { validateFeatureSettings, type FeatureSettings } from '../features/settings.js';
import { base64ToFloat32, float32ToBase64, isBase64 } from '../linalg/base64.js';
import { DISTANCES, type Distance } from './distance.js';

export const MODEL_FORMAT = 'tweetlang-model';
export const MODEL_FORMAT_VERSION = 1;

/** When a prediction gets `label: null`. */
export interface UnknownPolicy {
  /** Fewer letters than this after clean-up: unknown. */
  minLetters: number;
  /** Farther than this from the nearest center: unknown (null: no limit). */
  maxDistance: number | null;
  /** Nearest other-label center closer than nearest + minMargin: unknown (null: off). */
  minMargin: number | null;
  /**
   * Added to the distance of centers without a label when choosing the nearest center (default 0): a text
   * goes to an unknown-language center only when that one beats every labelled center by this much. A prior
   * for the known languages, which dominate a real feed. Absent in older models.
   */
  unlabelledBias?: number;
}

export const DEFAULT_UNKNOWN: Readonly<UnknownPolicy> = Object.freeze({ minLetters: 1, maxDistance: null, minMargin: null });

export interface TrainingStats {
  texts: number;
  skipped: Record<string, number>;
  iterations: number;
  converged: boolean;
  cost: number;
  costHistory: number[];
  init: string;
  runs: number;
  seed: number;
  maxIterations: number;
  epsilon: number;
  backend: string;
  durationMs: number;
  input?: string;
  /** Per cluster: language -> count of training texts (when texts had `lang`). */
  languages?: Array<Record<string, number>>;
  /**
   * The languages the model was trained to label (texts of other languages, if any, trained clusters
   * labelled null). Evaluation treats texts in these languages as known even when no cluster carries
   * their label. Absent in older models: the labels stand in.
   */
  knownLanguages?: string[];
  /** Seeded k-means from labelled texts, when used (training/seeding.ts). */
  seeding?: SeedingSettings;
  /** Training-time augmentation, when used (training/augment.ts). */
  augment?: AugmentSettings;
}

/** Training-time augmentation towards the register of tweets (training/augment.ts). */
export interface AugmentSettings {
  /** Words per piece (0: no pieces). Texts of unspaced scripts are cut every 3 x this many characters. */
  fragmentWords: number;
  /** At most this many pieces per text (its first ones). */
  maxFragments: number;
  /** Add a copy without the accents of Latin letters to texts that have some. */
  stripAccents: boolean;
  /** Augment texts of languages outside the labelled ones (the unknown-language background) too. */
  background: boolean;
  /** Kinds of text (the records' `kind`) that are augmented. */
  kinds: string[];
}

/** Seeded k-means from labelled texts (training/seeding.ts). */
export interface SeedingSettings {
  /** Sub-centers per labelled language. */
  perLanguage: number;
  /** Centers for texts of languages outside the labelled ones; they get label null. */
  background: number;
  /** Global Lloyd iterations after seeding; 0 keeps the seeds (constrained: each text stays with its language). */
  refine: number;
  /**
   * Weight of a text in its language's seed center by its `kind` (tweet, web, udhr...; absent: 1). The
   * default weighs udhr sentences (legal prose) down, so that languages without tweets are not pulled
   * towards formal register (docs/QUALITY.md).
   */
  kindWeights?: Record<string, number>;
}

export interface ClusterModel {
  /** Model version: 1 when trained, +1 for each published update. */
  version: number;
  createdAt: string;
  features: FeatureSettings;
  /** IDF weights (numFeatures) when features.idf. */
  idf: Float32Array | null;
  distance: Distance;
  k: number;
  /** [k, numFeatures] row-major. */
  centers: Float32Array;
  /** Points each cluster stands for (training counts, then decayed streaming weights). */
  weights: number[];
  labels: Array<string | null>;
  unknown: UnknownPolicy;
  training: TrainingStats | null;
  /** StreamingKMeans batches folded in since training. */
  updates: number;
  /** A representative n-gram for hashed buckets (most frequent at training), for inspection. */
  terms: Record<number, string>;
  /** A few training texts per cluster, for inspection. */
  samples: string[][];
}

export function modelToJSON(m: ClusterModel): Record<string, unknown> {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: m.version,
    createdAt: m.createdAt,
    k: m.k,
    dim: m.features.numFeatures,
    distance: m.distance,
    features: m.features,
    idf: m.idf ? { dtype: 'float32', data: float32ToBase64(m.idf) } : null,
    centers: { dtype: 'float32', shape: [m.k, m.features.numFeatures], data: float32ToBase64(m.centers) },
    weights: m.weights,
    labels: m.labels,
    unknown: m.unknown,
    updates: m.updates,
    training: m.training,
    terms: m.terms,
    samples: m.samples,
  };
}

export function serializeModel(m: ClusterModel): string {
  return JSON.stringify(modelToJSON(m));
}

function bad(msg: string, code = 'E_MODEL_INVALID'): never {
  throw new ModelError(code, `invalid model: ${msg}`);
}

function finiteArray(a: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) bad(`${what} holds a non-finite value at ${i}`);
}

function decodeFloat32(v: unknown, what: string, expected: number): Float32Array {
  if (typeof v !== 'object' || v === null) bad(`${what} must be an object {dtype, data}`);
  const o = v as Record<string, unknown>;
  if (o.dtype !== 'float32') bad(`${what}.dtype must be "float32"`);
  if (!isBase64(o.data)) bad(`${what}.data must be base64`);
  const arr = base64ToFloat32(o.data as string);
  if (!arr) bad(`${what}.data is not a whole number of float32 values`);
  if (arr.length !== expected) bad(`${what} holds ${arr.length} values, expected ${expected}`);
  finiteArray(arr, what);
  return arr;
}

function validateUnknown(v: unknown): UnknownPolicy {
  if (v === undefined) return { ...DEFAULT_UNKNOWN };
  if (typeof v !== 'object' || v === null) bad('unknown must be an object');
  const u = v as Record<string, unknown>;
  const minLetters = u.minLetters ?? DEFAULT_UNKNOWN.minLetters;
  if (typeof minLetters !== 'number' || !Number.isInteger(minLetters) || minLetters < 0) bad('unknown.minLetters must be an integer >= 0');
  const opt = (name: string): number | null => {
    const x = u[name] ?? null;
    if (x !== null && (typeof x !== 'number' || !Number.isFinite(x) || x < 0)) bad(`unknown.${name} must be null or a number >= 0`);
    return x as number | null;
  };
  const policy: UnknownPolicy = { minLetters, maxDistance: opt('maxDistance'), minMargin: opt('minMargin') };
  const bias = u.unlabelledBias;
  if (bias !== undefined) {
    if (typeof bias !== 'number' || !Number.isFinite(bias) || bias < 0 || bias > 2) bad('unknown.unlabelledBias must be a number from 0 to 2');
    policy.unlabelledBias = bias;
  }
  return policy;
}

/** Training statistics: null, or every field of the right type (they are shown by GET /v1/model and `inspect`). */
function validateTraining(v: unknown): TrainingStats | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) bad('training must be null or an object');
  const t = v as Record<string, unknown>;
  const int = (name: string) => {
    if (typeof t[name] !== 'number' || !Number.isSafeInteger(t[name])) bad(`training.${name} must be an integer`);
  };
  const num = (x: unknown, name: string) => {
    if (typeof x !== 'number' || Number.isNaN(x)) bad(`training.${name} must be a number`);
  };
  const str = (name: string) => {
    if (typeof t[name] !== 'string') bad(`training.${name} must be a string`);
  };
  for (const name of ['texts', 'iterations', 'runs', 'seed', 'maxIterations']) int(name);
  for (const name of ['cost', 'epsilon', 'durationMs']) num(t[name], name);
  for (const name of ['init', 'backend']) str(name);
  if (typeof t.converged !== 'boolean') bad('training.converged must be a boolean');
  const counts = (x: unknown, name: string) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || Object.values(x).some((c) => typeof c !== 'number' || !Number.isSafeInteger(c))) {
      bad(`training.${name} must map names to integer counts`);
    }
  };
  counts(t.skipped, 'skipped');
  if (t.costHistory !== undefined && (!Array.isArray(t.costHistory) || t.costHistory.some((c) => typeof c !== 'number' || Number.isNaN(c)))) {
    bad('training.costHistory must be a list of numbers');
  }
  if (t.input !== undefined) str('input');
  if (t.languages !== undefined) {
    if (!Array.isArray(t.languages)) bad('training.languages must be a list');
    t.languages.forEach((l, i) => counts(l, `languages[${i}]`));
  }
  return t as unknown as TrainingStats;
}

/** Validates a parsed model object. */
export function modelFromJSON(o: unknown): ClusterModel {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) bad('not a JSON object', 'E_MODEL_FORMAT');
  const j = o as Record<string, unknown>;
  if (j.format !== MODEL_FORMAT) bad(`format must be "${MODEL_FORMAT}" (got ${JSON.stringify(j.format)})`, 'E_MODEL_FORMAT');
  if (j.formatVersion !== MODEL_FORMAT_VERSION) {
    bad(`formatVersion ${JSON.stringify(j.formatVersion)} is not supported (this build reads ${MODEL_FORMAT_VERSION})`, 'E_MODEL_FORMAT');
  }
  let features: FeatureSettings;
  try {
    features = validateFeatureSettings(j.features);
  } catch (e) {
    bad((e as Error).message);
  }
  const d = features.numFeatures;
  const k = j.k;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > 100_000) bad('k must be an integer from 1 to 100000');
  if (j.dim !== undefined && j.dim !== d) bad(`dim ${JSON.stringify(j.dim)} differs from features.numFeatures ${d}`);
  if (!DISTANCES.includes(j.distance as Distance)) bad(`distance must be one of ${DISTANCES.join(', ')}`);
  const version = j.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) bad('version must be an integer >= 1');
  const centersObj = j.centers as Record<string, unknown> | undefined;
  if (centersObj && Array.isArray(centersObj.shape) && (centersObj.shape[0] !== k || centersObj.shape[1] !== d)) {
    bad(`centers.shape ${JSON.stringify(centersObj.shape)} differs from [k, numFeatures] = [${k}, ${d}]`);
  }
  const centers = decodeFloat32(j.centers, 'centers', k * d);
  let idf: Float32Array | null = null;
  if (features.idf) idf = decodeFloat32(j.idf, 'idf', d);
  else if (j.idf !== null && j.idf !== undefined) bad('idf weights are present but features.idf is false');
  const weights = j.weights;
  if (!Array.isArray(weights) || weights.length !== k || weights.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) {
    bad(`weights must be ${k} finite numbers >= 0`);
  }
  const labels = j.labels ?? new Array(k).fill(null);
  if (!Array.isArray(labels) || labels.length !== k || labels.some((l) => l !== null && (typeof l !== 'string' || l.length === 0 || l.length > 64))) {
    bad(`labels must be ${k} entries, each a non-empty string or null`);
  }
  const updates = j.updates ?? 0;
  if (typeof updates !== 'number' || !Number.isInteger(updates) || updates < 0) bad('updates must be an integer >= 0');
  const terms = (j.terms ?? {}) as Record<string, unknown>;
  if (typeof terms !== 'object' || Array.isArray(terms)) bad('terms must be an object of index -> n-gram');
  const cleanTerms: Record<number, string> = {};
  for (const [key, t] of Object.entries(terms)) {
    const idx = Number(key);
    if (!Number.isInteger(idx) || idx < 0 || idx >= d || typeof t !== 'string') bad(`terms[${key}] is not an index < ${d} with a string`);
    cleanTerms[idx] = t;
  }
  const samples = j.samples ?? [];
  if (!Array.isArray(samples) || samples.some((s) => !Array.isArray(s) || s.some((t) => typeof t !== 'string'))) {
    bad('samples must be an array of arrays of strings');
  }
  return {
    version,
    createdAt: typeof j.createdAt === 'string' ? j.createdAt : new Date(0).toISOString(),
    features,
    idf,
    distance: j.distance as Distance,
    k,
    centers,
    weights: weights as number[],
    labels: labels as Array<string | null>,
    unknown: validateUnknown(j.unknown),
    training: validateTraining(j.training),
    updates,
    terms: cleanTerms,
    samples: samples as string[][],
  };
}

export function parseModel(text: string): ClusterModel {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new ModelError('E_MODEL_FORMAT', `invalid model: not JSON (${(e as Error).message})`);
  }
  return modelFromJSON(o);
}

/** Distinct labels of a model, sorted. */
export function modelLabels(m: ClusterModel): string[] {
  return [...new Set(m.labels.filter((l): l is string => l !== null))].sort();
}

/** A deep copy (new typed arrays). */
export function cloneModel(m: ClusterModel): ClusterModel {
  return {
    ...m,
    features: { ...m.features, ngrams: [...m.features.ngrams] },
    idf: m.idf ? m.idf.slice() : null,
    centers: m.centers.slice(),
    weights: [...m.weights],
    labels: [...m.labels],
    unknown: { ...m.unknown },
    terms: { ...m.terms },
    samples: m.samples.map((s) => [...s]),
  };
}
