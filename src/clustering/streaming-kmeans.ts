/**
 * StreamingKMeans with MLlib's semantics (StreamingKMeansModel.update):
 * - decay factor a, or half-life h with a = exp(ln 0.5 / h); timeUnit "batches" discounts by a per batch,
 *   "points" by a^(points in the batch);
 * - every weight is discounted, then each cluster with m new points of sum s gets
 *   n' = a·n + m and c' = c + (s/m - c) · m / max(n', 1e-16);
 * - a dying cluster (smallest weight < 1e-8 × largest) takes half of the largest's weight and moves next
 *   to its center: large + p, small - p per coordinate, p = 1e-14 · max(|x|, 1).
 * Cosine models re-normalise updated centers (spherical k-means); Spark's StreamingKMeans is euclidean only.
 *
 * Per-batch statistics (sums and counts per cluster) are separate from folding them in, so that members
 * of a consumer group can publish statistics and one updater can fold them (mergeStats is associative).
 */
import { ConfigError } from '../errors.js';
import { createRng } from '../linalg/random.js';
import type { SparseVector } from '../linalg/sparse.js';
import { sparseDotsFeatureMajor } from '../linalg/sparse-dots.js';
import { normalizeRow, type Distance } from './distance.js';

export type TimeUnit = 'batches' | 'points';
export const TIME_UNITS: readonly TimeUnit[] = ['batches', 'points'];

export interface DecayOptions {
  /** Forgetfulness a in [0, 1]: 1 keeps all history, 0 only the newest batch. */
  decayFactor?: number;
  /** Alternative to decayFactor: the data's weight halves after this many time units. */
  halfLife?: number;
  timeUnit?: TimeUnit;
}

export interface Decay {
  decayFactor: number;
  timeUnit: TimeUnit;
}

export function resolveDecay({ decayFactor, halfLife, timeUnit = 'batches' }: DecayOptions = {}): Decay {
  if (!TIME_UNITS.includes(timeUnit)) throw new ConfigError('E_BAD_OPTION', `timeUnit must be batches or points (got ${JSON.stringify(timeUnit)})`);
  if (decayFactor !== undefined && halfLife !== undefined) {
    throw new ConfigError('E_BAD_OPTION', 'give either decayFactor or halfLife, not both');
  }
  if (halfLife !== undefined) {
    if (!(halfLife > 0) || !Number.isFinite(halfLife)) throw new ConfigError('E_BAD_OPTION', `halfLife must be a finite number > 0 (got ${halfLife})`);
    return { decayFactor: Math.exp(Math.log(0.5) / halfLife), timeUnit };
  }
  const a = decayFactor ?? 1;
  if (!(a >= 0 && a <= 1)) throw new ConfigError('E_BAD_OPTION', `decayFactor must be in [0, 1] (got ${a})`);
  return { decayFactor: a, timeUnit };
}

/** Per-cluster sums and counts of one batch. */
export interface ClusterStats {
  k: number;
  d: number;
  /** [k, d] row-major. */
  sums: Float64Array;
  counts: Float64Array;
}

export function emptyStats(k: number, d: number): ClusterStats {
  return { k, d, sums: new Float64Array(k * d), counts: new Float64Array(k) };
}

/** Adds one point (sparse) assigned to `cluster`. */
export function addPoint(stats: ClusterStats, v: SparseVector, cluster: number): void {
  const off = cluster * stats.d;
  for (let p = 0; p < v.indices.length; p++) stats.sums[off + v.indices[p]] += v.values[p];
  stats.counts[cluster] += 1;
}

/** a + b (new object); associative and commutative. */
export function mergeStats(a: ClusterStats, b: ClusterStats): ClusterStats {
  if (a.k !== b.k || a.d !== b.d) throw new RangeError(`cannot merge stats of shape ${a.k}x${a.d} and ${b.k}x${b.d}`);
  const out = emptyStats(a.k, a.d);
  for (let i = 0; i < out.sums.length; i++) out.sums[i] = a.sums[i] + b.sums[i];
  for (let j = 0; j < a.k; j++) out.counts[j] = a.counts[j] + b.counts[j];
  return out;
}

/** Centers and weights that StreamingKMeans moves. */
export interface StreamingState {
  k: number;
  d: number;
  /** [k, d] row-major, float64 so that tiny splits and long decays stay exact. */
  centers: Float64Array;
  weights: Float64Array;
}

export interface UpdateResult {
  /** Discount applied to the old weights. */
  discount: number;
  /** The dying-cluster split, when one happened. */
  split?: { smallest: number; largest: number };
}

/** Folds one batch's statistics into `state` (in place), exactly as MLlib's update. */
export function foldStats(state: StreamingState, stats: ClusterStats, decay: Decay, distance: Distance = 'euclidean'): UpdateResult {
  const { k, d, centers, weights } = state;
  if (stats.k !== k || stats.d !== d) throw new RangeError(`stats of shape ${stats.k}x${stats.d} do not fit a ${k}x${d} model`);
  let points = 0;
  for (let j = 0; j < k; j++) points += stats.counts[j];
  const discount = decay.timeUnit === 'batches' ? decay.decayFactor : Math.pow(decay.decayFactor, points);
  for (let j = 0; j < k; j++) weights[j] *= discount;
  for (let j = 0; j < k; j++) {
    const m = stats.counts[j];
    if (m === 0) continue;
    const updated = weights[j] + m;
    const lambda = m / Math.max(updated, 1e-16);
    weights[j] = updated;
    const off = j * d;
    for (let i = 0; i < d; i++) centers[off + i] = (1 - lambda) * centers[off + i] + (lambda / m) * stats.sums[off + i];
    if (distance === 'cosine') normalizeRow(centers, j, d);
  }
  // the first largest and the first smallest, as Scala's maxBy/minBy
  let largest = 0;
  let smallest = 0;
  for (let j = 1; j < k; j++) {
    if (weights[j] > weights[largest]) largest = j;
    if (weights[j] < weights[smallest]) smallest = j;
  }
  const result: UpdateResult = { discount };
  if (weights[smallest] < 1e-8 * weights[largest]) {
    const w = (weights[largest] + weights[smallest]) / 2;
    weights[largest] = w;
    weights[smallest] = w;
    const lo = largest * d;
    const so = smallest * d;
    for (let i = 0; i < d; i++) {
      const x = centers[lo + i];
      const p = 1e-14 * Math.max(Math.abs(x), 1);
      centers[lo + i] = x + p;
      centers[so + i] = x - p;
    }
    result.split = { smallest, largest };
  }
  return result;
}

/** Spark's setRandomCenters(dim, weight, seed): k gaussian centers, each with the same weight. */
export function randomState(k: number, d: number, weight: number, seed: number): StreamingState {
  if (!Number.isInteger(k) || k < 1) throw new ConfigError('E_BAD_OPTION', `k must be an integer >= 1 (got ${k})`);
  if (!Number.isInteger(d) || d < 1) throw new ConfigError('E_BAD_OPTION', `dim must be an integer >= 1 (got ${d})`);
  if (!(weight >= 0)) throw new ConfigError('E_BAD_OPTION', `weight must be >= 0 (got ${weight})`);
  const rng = createRng(seed);
  const centers = new Float64Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.normal();
  return { k, d, centers, weights: new Float64Array(k).fill(weight) };
}

export function stateFromCenters(centers: ArrayLike<number>, weights: ArrayLike<number>, k: number, d: number): StreamingState {
  if (centers.length !== k * d || weights.length !== k) throw new RangeError('centers/weights do not match k and d');
  return { k, d, centers: Float64Array.from(centers), weights: Float64Array.from(weights) };
}

/** Squared norm of each center. */
export function centerNorms2(state: StreamingState): Float64Array {
  const { k, d, centers } = state;
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = j * d; i < (j + 1) * d; i++) s += centers[i] * centers[i];
    out[j] = s;
  }
  return out;
}

/**
 * The centers laid out for assignment: feature-major (`ct[f * k + j]` is feature f of center j), so a
 * sparse point reads k neighbouring values per non-zero instead of one value in each of k rows of d; and
 * their squared norms. Built once per batch (k x d copies), used for every point of it.
 */
export interface CenterIndex {
  k: number;
  ct: Float64Array;
  norms2: Float64Array;
  /** Scratch: the point's dot product with each center. */
  dots: Float64Array;
}

export function indexCenters(state: StreamingState): CenterIndex {
  const { k, d, centers } = state;
  const ct = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const off = j * d;
    for (let f = 0; f < d; f++) ct[f * k + j] = centers[off + f];
  }
  return { k, ct, norms2: centerNorms2(state), dots: new Float64Array(k) };
}

/**
 * Nearest center of a sparse point (euclidean or cosine), ties to the lowest index. Each dot product adds
 * the point's terms in its order, as a row-by-row loop would: the same sums to the bit.
 */
export function nearestIndexed(index: CenterIndex, v: SparseVector, distance: Distance = 'euclidean'): number {
  const { k, norms2 } = index;
  const dots = sparseDotsFeatureMajor(v.indices, v.values, 0, v.indices.length, index.ct, k, index.dots);
  let xn2 = 0;
  for (let p = 0; p < v.values.length; p++) xn2 += v.values[p] * v.values[p];
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < k; j++) {
    const dp = dots[j];
    const cn2 = norms2[j];
    const dist = distance === 'euclidean' ? xn2 - 2 * dp + cn2 : 1 - dp / Math.sqrt(Math.max(xn2 * cn2, 1e-300));
    if (dist < bestD) {
      bestD = dist;
      best = j;
    }
  }
  return best;
}

/** Assign each point with the current centers, then fold the batch in: MLlib's trainOn for one batch. */
export function updateWithBatch(
  state: StreamingState,
  points: readonly SparseVector[],
  decay: Decay,
  distance: Distance = 'euclidean',
): UpdateResult & { stats: ClusterStats } {
  const stats = emptyStats(state.k, state.d);
  const index = indexCenters(state);
  for (const v of points) addPoint(stats, v, nearestIndexed(index, v, distance));
  return { ...foldStats(state, stats, decay, distance), stats };
}
