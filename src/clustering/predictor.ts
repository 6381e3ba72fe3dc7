/**
 * Prediction with a model: featurize, nearest center, label, and the unknown policy. Centers are kept
 * feature-major ([d][k]) so one pass over the text's non-zeros scores every cluster. One Predictor per
 * thread (the featurizer reuses buffers).
 */
import { countLetters } from '../features/cleanup.js';
import { Featurizer } from '../features/featurizer.js';
import type { SparseVector } from '../linalg/sparse.js';
import type { ClusterModel, UnknownPolicy } from './model.js';
import { scoringTables, type ScoringTables } from './scoring-tables.js';
import { R_JS, WasmClassifier, kernelSupports } from './wasm-classify.js';
import { wasmSimdAvailable } from './wasm-dots.js';
import { WasmScorer } from './wasm-scorer.js';
import { sparseDotsFeatureMajor } from '../linalg/sparse-dots.js';

export interface Prediction {
  /** Nearest cluster; null when the text has no features at all. */
  cluster: number | null;
  /** The cluster's label, or null: unlabelled cluster, too few letters, too far, or too close to another label. */
  label: string | null;
  /** Distance to the nearest center (euclidean, or cosine distance 1 - cos); null with no features. */
  distance: number | null;
}

export type UnknownReason = 'no-features' | 'too-short' | 'unlabelled' | 'too-far' | 'ambiguous';

export interface DetailedPrediction extends Prediction {
  /** Distance gap to the nearest center with another label (Infinity when none). */
  margin: number;
  reason: UnknownReason | null;
}

/**
 * Why a prediction gets label null, or null when it keeps its cluster's label. Pure: the predictor and the
 * evaluation sweeps (training/experiments) decide with this same function. Order: unlabelled cluster, too
 * few letters, too far from the center, too close to another label's center.
 */
export function unknownReason(
  label: string | null,
  letters: number,
  distance: number,
  margin: number,
  policy: Readonly<UnknownPolicy>,
): UnknownReason | null {
  if (label === null) return 'unlabelled';
  if (letters < policy.minLetters) return 'too-short';
  if (policy.maxDistance !== null && distance > policy.maxDistance) return 'too-far';
  if (policy.minMargin !== null && margin < policy.minMargin) return 'ambiguous';
  return null;
}

/** Reason codes of batch predictions (0: a labelled prediction); `UNKNOWN_REASONS[code - 1]` names the others. */
export const UNKNOWN_REASONS: readonly UnknownReason[] = ['no-features', 'too-short', 'unlabelled', 'too-far', 'ambiguous'];
const R_NONE = 0;
const R_NO_FEATURES = 1;

/** Typed-array predictions of many texts: cluster -1 and distance NaN when a text has no features. */
export interface BatchPredictions {
  cluster: Int32Array;
  distance: Float64Array;
  /** 0 when labelled, else 1 + index in UNKNOWN_REASONS. */
  reason: Uint8Array;
}

export function allocBatchPredictions(n: number): BatchPredictions {
  return { cluster: new Int32Array(n), distance: new Float64Array(n), reason: new Uint8Array(n) };
}

/** The label of prediction `i` of a batch (null when unknown). */
export function batchLabel(model: ClusterModel, b: BatchPredictions, i: number): string | null {
  return b.reason[i] === R_NONE ? model.labels[b.cluster[i]] : null;
}

export interface PredictorOptions {
  /**
   * 'auto' (default): batches and single texts go through the WebAssembly classify kernel
   * (wasm-classify.ts) when this runtime has WebAssembly SIMD and the model's settings allow it;
   * 'js': always the JS path (the reference the kernel is tested against).
   */
  kernel?: 'auto' | 'js';
}

/** Texts per kernel call (the kernel's input area grows to hold one chunk). */
const KERNEL_CHUNK = 4096;
/** Code units per kernel call, roughly: a chunk ends once it holds this many. */
const KERNEL_CHUNK_UNITS = 1 << 20;

export class Predictor {
  readonly model: ClusterModel;
  readonly featurizer: Featurizer;
  private readonly tables: ScoringTables;
  /** Centers feature-major: [d][k] (float32 like the model's centers: exact, and half the cache footprint). */
  private readonly ct: Float32Array;
  private readonly cNorm2: Float64Array;
  private readonly cNorm: Float64Array;
  /** Label of each cluster as a small integer (-1: unlabelled), for the margin rule. */
  private readonly labelIds: Int32Array;
  private readonly scores: Float64Array;
  /** The SIMD scorer (same sums as scoreJs), when this runtime has WebAssembly SIMD. */
  private readonly wasm: WasmScorer | null;
  private readonly dist: Float64Array;
  /** Distances with the unlabelled bias added (used to choose and for the margin). */
  private readonly adj: Float64Array;
  // result of the last score() call
  private rCluster = -1;
  private rDistance = NaN;
  private rMargin = 0;
  private rReason = R_NONE;
  /** The classify kernel: undefined until first used, null when not available for this model. */
  private kernel: WasmClassifier | null | undefined;
  private readonly one = allocBatchPredictions(1);

  constructor(model: ClusterModel, options: PredictorOptions = {}) {
    this.model = model;
    if (options.kernel === 'js') this.kernel = null;
    this.featurizer = new Featurizer(model.features, model.idf);
    const { k } = model;
    const d = model.features.numFeatures;
    this.tables = scoringTables(model);
    ({ ct: this.ct, cNorm2: this.cNorm2, cNorm: this.cNorm, labelIds: this.labelIds } = this.tables);
    this.scores = new Float64Array(k);
    this.dist = new Float64Array(k);
    this.adj = new Float64Array(k);
    this.wasm = wasmSimdAvailable() ? new WasmScorer(model.centers, k, d) : null;
  }

  predict(text: string): Prediction {
    const b = this.predictBatch([text], this.one);
    const c = b.cluster[0];
    if (c < 0) return { cluster: null, label: null, distance: null };
    return { cluster: c, label: b.reason[0] === R_NONE ? this.model.labels[c] : null, distance: b.distance[0] };
  }

  /** The classify kernel for this model, built on first use (null when unavailable). */
  private getKernel(): WasmClassifier | null {
    if (this.kernel === undefined) {
      this.kernel =
        wasmSimdAvailable() && kernelSupports(this.model)
          ? new WasmClassifier(this.model, this.tables)
          : null;
    }
    return this.kernel;
  }

  predictDetailed(text: string): DetailedPrediction {
    this.scoreText(text);
    return this.lastDetailed();
  }

  /** Predicts every text into typed arrays (allocated when `out` is not given); no per-text objects. */
  predictBatch(texts: readonly string[], out: BatchPredictions = allocBatchPredictions(texts.length), offset = 0): BatchPredictions {
    if (out.cluster.length < offset + texts.length) throw new RangeError('batch output arrays are too short');
    const kernel = this.getKernel();
    if (!kernel) {
      for (let i = 0; i < texts.length; i++) this.predictInto(texts[i], out, offset + i);
      return out;
    }
    const n = texts.length;
    for (let from = 0; from < n; ) {
      let to = from;
      let units = 0;
      while (to < n && to - from < KERNEL_CHUNK && units < KERNEL_CHUNK_UNITS) units += texts[to++].length;
      for (const i of kernel.classify(texts, from, to, out, offset + from)) this.predictInto(texts[i], out, offset + i);
      from = to;
    }
    return out;
  }

  /**
   * `predictBatch` for texts given as UTF-16 code units (how the classifier pool ships them between
   * threads): text i is units[offs[i] .. offs[i + 1]), for i in [0, offs.length - 1).
   */
  predictBatchUnits(units: Uint16Array, offs: Int32Array, out: BatchPredictions = allocBatchPredictions(offs.length - 1), offset = 0): BatchPredictions {
    const n = offs.length - 1;
    if (out.cluster.length < offset + n) throw new RangeError('batch output arrays are too short');
    const text = (i: number) => Buffer.from(units.buffer, units.byteOffset + 2 * offs[i], 2 * (offs[i + 1] - offs[i])).toString('utf16le');
    const kernel = this.getKernel();
    if (!kernel) {
      for (let i = 0; i < n; i++) this.predictInto(text(i), out, offset + i);
      return out;
    }
    for (let from = 0; from < n; ) {
      let to = from;
      const start = offs[from];
      while (to < n && to - from < KERNEL_CHUNK && offs[to] - start < KERNEL_CHUNK_UNITS) to++;
      for (const i of kernel.classifyUnits(units, offs.subarray(from, to + 1), out, offset + from)) this.predictInto(text(from + i), out, offset + from + i);
      from = to;
    }
    return out;
  }

  /** The JS path for one text, into a batch. */
  private predictInto(text: string, out: BatchPredictions, at: number): void {
    this.scoreText(text);
    out.cluster[at] = this.rCluster;
    out.distance[at] = this.rDistance;
    out.reason[at] = this.rReason;
  }

  private lastDetailed(): DetailedPrediction {
    const c = this.rCluster;
    if (c < 0) return { cluster: null, label: null, distance: null, margin: 0, reason: 'no-features' };
    const reason = this.rReason === R_NONE ? null : UNKNOWN_REASONS[this.rReason - 1];
    return { cluster: c, label: reason ? null : this.model.labels[c], distance: this.rDistance, margin: this.rMargin, reason };
  }

  /** Featurize (no vector built: unsorted weights from reused buffers) and score one text. */
  private scoreText(text: string): void {
    const fz = this.featurizer;
    const prepared = fz.prepare(text);
    const t = fz.weighPrepared(prepared);
    const minLetters = this.model.unknown.minLetters;
    const letters = minLetters > 0 && t > 0 ? countLetters(prepared, minLetters) : Infinity;
    this.score(fz.lastIndices(), fz.lastWeights(), t, letters);
  }

  /** Dot products with every center in JS (when WebAssembly SIMD is missing or the vector is very long). */
  private scoreJs(indices: Int32Array, values: Float32Array, nnz: number): Float64Array {
    return sparseDotsFeatureMajor(indices, values, 0, nnz, this.ct, this.model.k, this.scores);
  }

  /** Nearest center of the sparse vector (indices, values)[0..nnz) in any order; sets the r* fields. */
  private score(indices: Int32Array, values: Float32Array, nnz: number, letters: number): void {
    const { k, unknown, distance } = this.model;
    if (nnz === 0) {
      this.rCluster = -1;
      this.rDistance = NaN;
      this.rMargin = 0;
      this.rReason = R_NO_FEATURES;
      return;
    }
    let xn2 = 0;
    for (let p = 0; p < nnz; p++) xn2 += values[p] * values[p];
    const scores = this.wasm?.dots(indices, values, nnz) ?? this.scoreJs(indices, values, nnz);
    const dist = this.dist;
    const cNorm2 = this.cNorm2;
    if (distance === 'euclidean') {
      for (let j = 0; j < k; j++) dist[j] = Math.sqrt(Math.max(0, xn2 - 2 * scores[j] + cNorm2[j]));
    } else {
      const xn = Math.sqrt(xn2);
      const cNorm = this.cNorm;
      for (let j = 0; j < k; j++) {
        const cn = cNorm[j];
        dist[j] = cn === 0 || xn === 0 ? 1 : 1 - scores[j] / (xn * cn);
      }
    }
    // choose with unlabelled centers pushed back by the bias (a prior for the known languages)
    const bias = unknown.unlabelledBias ?? 0;
    const ids = this.labelIds;
    const adj = this.adj;
    for (let j = 0; j < k; j++) adj[j] = ids[j] < 0 ? dist[j] + bias : dist[j];
    let best = 0;
    for (let j = 1; j < k; j++) if (adj[j] < adj[best]) best = j;
    const label = ids[best];
    const db = dist[best];
    let margin = Infinity;
    for (let j = 0; j < k; j++) if (ids[j] !== label && adj[j] - adj[best] < margin) margin = adj[j] - adj[best];
    const why = unknownReason(label < 0 ? null : this.model.labels[best], letters, db, margin, unknown);
    const reason = why === null ? R_NONE : 1 + UNKNOWN_REASONS.indexOf(why);
    this.rCluster = best;
    this.rDistance = db;
    this.rMargin = margin;
    this.rReason = reason;
  }

  /** Nearest cluster of a featurized vector; `letters` feeds the too-short rule. */
  predictVector(v: SparseVector, letters = Infinity): DetailedPrediction {
    this.score(v.indices, v.values, v.indices.length, letters);
    return this.lastDetailed();
  }

  predictMany(texts: readonly string[]): Prediction[] {
    return texts.map((t) => this.predict(t));
  }
}
