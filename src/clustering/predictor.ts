/**
 * Prediction with a model: featurize, nearest center, label, and the unknown policy. Centers are kept
 * feature-major ([d][k]) so one pass over the text's non-zeros scores every cluster. One Predictor per
 * thread (the featurizer reuses buffers).
 */
import { countLetters } from '../features/cleanup.js';
import { Featurizer } from '../features/featurizer.js';
import type { SparseVector } from '../linalg/sparse.js';
import type { ClusterModel, UnknownPolicy } from './model.js';

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

export class Predictor {
  readonly model: ClusterModel;
  readonly featurizer: Featurizer;
  private readonly ct: Float64Array;
  private readonly cNorm2: Float64Array;
  private readonly scores: Float64Array;
  private readonly dist: Float64Array;
  private readonly adj: Float64Array;

  constructor(model: ClusterModel) {
    this.model = model;
    this.featurizer = new Featurizer(model.features, model.idf);
    const { k } = model;
    const d = model.features.numFeatures;
    this.ct = new Float64Array(d * k);
    this.cNorm2 = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        const v = model.centers[j * d + i];
        this.ct[i * k + j] = v;
        s += v * v;
      }
      this.cNorm2[j] = s;
    }
    this.scores = new Float64Array(k);
    this.dist = new Float64Array(k);
    this.adj = new Float64Array(k);
  }

  predict(text: string): Prediction {
    const p = this.predictDetailed(text);
    return { cluster: p.cluster, label: p.label, distance: p.distance };
  }

  predictDetailed(text: string): DetailedPrediction {
    const prepared = this.featurizer.prepare(text);
    const v = this.featurizer.transformPrepared(prepared);
    const letters = this.model.unknown.minLetters > 0 ? countLetters(prepared) : Infinity;
    return this.predictVector(v, letters);
  }

  /** Nearest cluster of a featurized vector; `letters` feeds the too-short rule. */
  predictVector(v: SparseVector, letters = Infinity): DetailedPrediction {
    const { k, labels, unknown, distance } = this.model;
    const nnz = v.indices.length;
    if (nnz === 0) return { cluster: null, label: null, distance: null, margin: 0, reason: 'no-features' };
    const scores = this.scores;
    scores.fill(0);
    const ct = this.ct;
    let xn2 = 0;
    for (let p = 0; p < nnz; p++) {
      const x = v.values[p];
      xn2 += x * x;
      const base = v.indices[p] * k;
      for (let j = 0; j < k; j++) scores[j] += x * ct[base + j];
    }
    const dist = this.dist;
    let best = 0;
    if (distance === 'euclidean') {
      for (let j = 0; j < k; j++) dist[j] = Math.sqrt(Math.max(0, xn2 - 2 * scores[j] + this.cNorm2[j]));
    } else {
      const xn = Math.sqrt(xn2);
      for (let j = 0; j < k; j++) {
        const cn = Math.sqrt(this.cNorm2[j]);
        dist[j] = cn === 0 || xn === 0 ? 1 : 1 - scores[j] / (xn * cn);
      }
    }
    // choose with unlabelled centers pushed back by the bias (a prior for the known languages)
    const bias = unknown.unlabelledBias ?? 0;
    const adj = this.adj;
    for (let j = 0; j < k; j++) adj[j] = labels[j] === null ? dist[j] + bias : dist[j];
    for (let j = 1; j < k; j++) if (adj[j] < adj[best]) best = j;
    const label = labels[best];
    let margin = Infinity;
    for (let j = 0; j < k; j++) if (labels[j] !== label && adj[j] - adj[best] < margin) margin = adj[j] - adj[best];
    const reason = unknownReason(label, letters, dist[best], margin, unknown);
    return { cluster: best, label: reason ? null : label, distance: dist[best], margin, reason };
  }

  predictMany(texts: readonly string[]): Prediction[] {
    return texts.map((t) => this.predict(t));
  }
}
