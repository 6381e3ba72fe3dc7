/**
 * Initial centers: random rows, k-means++ (D² sampling), and Spark's k-means|| (a few oversampling steps
 * of about 2k candidates each, candidates weighted by the points they win, then weighted k-means++ and a
 * local Lloyd on the candidates). All seeded. Sparse rows, dense centers.
 */
import { createRng, weightedIndex, type Rng } from '../linalg/random.js';
import { csrRowNorms2, csrSelect, type CsrMatrix } from '../linalg/sparse.js';
import { assignToCenters, type AssignKernel } from './assign.js';
import { normalizeRow, type Distance } from './distance.js';

export type InitMode = 'k-means||' | 'k-means++' | 'random';
export const INIT_MODES: readonly InitMode[] = ['k-means||', 'k-means++', 'random'];

export interface InitOptions {
  k: number;
  distance: Distance;
  seed: number;
  /** k-means|| oversampling steps (Spark's initializationSteps). */
  initSteps?: number;
  /** Optional point weights (default 1). */
  weights?: Float64Array;
  chunkRows?: number;
  kernel?: AssignKernel;
}

function copyRowInto(data: CsrMatrix, r: number, out: Float32Array | Float64Array, j: number): void {
  const d = data.cols;
  out.fill(0, j * d, (j + 1) * d);
  for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) out[j * d + data.indices[p]] = data.values[p];
}

/** Distance of every row to one dense center (row `j` of `centers`). */
function distancesToOne(
  data: CsrMatrix,
  norms2: Float64Array,
  centers: Float64Array | Float32Array,
  j: number,
  distance: Distance,
  out: Float64Array,
): void {
  const d = data.cols;
  const off = j * d;
  let cn = 0;
  for (let i = 0; i < d; i++) cn += centers[off + i] * centers[off + i];
  const { indptr, indices, values } = data;
  for (let r = 0; r < data.rows; r++) {
    let dp = 0;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) dp += values[p] * centers[off + indices[p]];
    out[r] = distance === 'euclidean' ? Math.max(0, norms2[r] - 2 * dp + cn) : Math.max(0, 1 - dp);
  }
}

function distinctRandomRows(n: number, k: number, rng: Rng, exclude: Set<number> = new Set()): number[] {
  const picked: number[] = [];
  const seen = new Set(exclude);
  if (n - seen.size <= k * 2) {
    // small data: shuffle what is left
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (!seen.has(i)) rest.push(i);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    return rest.slice(0, k);
  }
  while (picked.length < k) {
    const r = rng.int(n);
    if (!seen.has(r)) {
      seen.add(r);
      picked.push(r);
    }
  }
  return picked;
}

function centersFromRows(data: CsrMatrix, rows: number[], distance: Distance): Float32Array {
  const c = new Float32Array(rows.length * data.cols);
  rows.forEach((r, j) => copyRowInto(data, r, c, j));
  if (distance === 'cosine') for (let j = 0; j < rows.length; j++) normalizeRow(c, j, data.cols);
  return c;
}

export function initRandom(data: CsrMatrix, opts: InitOptions): Float32Array {
  return centersFromRows(data, distinctRandomRows(data.rows, opts.k, createRng(opts.seed)), opts.distance);
}

/** Weighted k-means++ seeding on sparse rows (D² sampling). Returns the chosen row ids. */
export function kmeansPlusPlusRows(data: CsrMatrix, k: number, distance: Distance, rng: Rng, weights?: Float64Array): number[] {
  const n = data.rows;
  const d = data.cols;
  const norms2 = csrRowNorms2(data);
  const w = weights ?? new Float64Array(n).fill(1);
  const chosen: number[] = [weightedIndex(rng, w)];
  const best = new Float64Array(n).fill(Infinity);
  const tmp = new Float64Array(n);
  const center = new Float64Array(d);
  const prob = new Float64Array(n);
  while (chosen.length < k) {
    copyRowInto(data, chosen[chosen.length - 1], center, 0);
    if (distance === 'cosine') normalizeRow(center, 0, d);
    distancesToOne(data, norms2, center, 0, distance, tmp);
    let total = 0;
    for (let r = 0; r < n; r++) {
      if (tmp[r] < best[r]) best[r] = tmp[r];
      prob[r] = w[r] * best[r];
      total += prob[r];
    }
    if (!(total > 0)) {
      // every point sits on a chosen center: fill up with distinct random rows
      chosen.push(...distinctRandomRows(n, k - chosen.length, rng, new Set(chosen)));
      break;
    }
    chosen.push(weightedIndex(rng, prob, total));
  }
  return chosen.slice(0, k);
}

export function initKMeansPlusPlus(data: CsrMatrix, opts: InitOptions): Float32Array {
  const rows = kmeansPlusPlusRows(data, opts.k, opts.distance, createRng(opts.seed), opts.weights);
  return centersFromRows(data, rows, opts.distance);
}

/**
 * Weighted Lloyd on a small sparse set (the k-means|| candidates), in plain JS: Spark's LocalKMeans.
 * `centers` is updated in place.
 */
export function localLloyd(
  data: CsrMatrix,
  weights: Float64Array,
  centers: Float32Array,
  k: number,
  distance: Distance,
  maxIterations = 30,
): void {
  const n = data.rows;
  const d = data.cols;
  const norms2 = csrRowNorms2(data);
  const assign = new Int32Array(n);
  const cn = new Float64Array(k);
  for (let it = 0; it < maxIterations; it++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += centers[j * d + i] * centers[j * d + i];
      cn[j] = s;
    }
    let changed = it === 0;
    for (let r = 0; r < n; r++) {
      let bestJ = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        let dp = 0;
        for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) dp += data.values[p] * centers[j * d + data.indices[p]];
        const dist = distance === 'euclidean' ? norms2[r] - 2 * dp + cn[j] : 1 - dp;
        if (dist < bestD) {
          bestD = dist;
          bestJ = j;
        }
      }
      if (assign[r] !== bestJ) changed = true;
      assign[r] = bestJ;
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    const wsum = new Float64Array(k);
    for (let r = 0; r < n; r++) {
      const j = assign[r];
      wsum[j] += weights[r];
      for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) sums[j * d + data.indices[p]] += weights[r] * data.values[p];
    }
    for (let j = 0; j < k; j++) {
      if (wsum[j] === 0) continue; // an empty cluster keeps its center
      for (let i = 0; i < d; i++) centers[j * d + i] = sums[j * d + i] / wsum[j];
      if (distance === 'cosine') normalizeRow(centers, j, d);
    }
  }
}

/** Spark's k-means|| initialisation. */
export async function initKMeansParallel(data: CsrMatrix, opts: InitOptions): Promise<Float32Array> {
  const { k, distance, seed, initSteps = 2 } = opts;
  const n = data.rows;
  const d = data.cols;
  const rng = createRng(seed);
  const norms2 = csrRowNorms2(data);
  const candidates: number[] = [rng.int(n)];
  const inCandidates = new Set(candidates);
  const costs = new Float64Array(n);
  {
    const c0 = new Float64Array(d);
    copyRowInto(data, candidates[0], c0, 0);
    if (distance === 'cosine') normalizeRow(c0, 0, d);
    distancesToOne(data, norms2, c0, 0, distance, costs);
  }
  for (let step = 0; step < initSteps; step++) {
    let sum = 0;
    for (let r = 0; r < n; r++) sum += costs[r];
    if (!(sum > 0)) break;
    const chosen: number[] = [];
    for (let r = 0; r < n; r++) {
      if (rng.next() < (2 * k * costs[r]) / sum && !inCandidates.has(r)) chosen.push(r);
    }
    if (chosen.length === 0) continue;
    for (const r of chosen) inCandidates.add(r);
    candidates.push(...chosen);
    const { distances } = await assignToCenters(data, centersFromRows(data, chosen, distance), chosen.length, {
      distance,
      rowNorms2: norms2,
      chunkRows: opts.chunkRows,
      kernel: opts.kernel,
    });
    for (let r = 0; r < n; r++) if (distances[r] < costs[r]) costs[r] = distances[r];
  }
  if (candidates.length <= k) {
    // too few candidates (tiny or degenerate data): top up with random distinct rows
    candidates.push(...distinctRandomRows(n, k - candidates.length, rng, inCandidates));
    return centersFromRows(data, candidates.slice(0, k), distance);
  }
  // weight each candidate by the points it wins
  const candCenters = centersFromRows(data, candidates, distance);
  const { assignments } = await assignToCenters(data, candCenters, candidates.length, {
    distance,
    rowNorms2: norms2,
    chunkRows: opts.chunkRows,
    kernel: opts.kernel,
  });
  const w = new Float64Array(candidates.length);
  const pw = opts.weights;
  for (let r = 0; r < n; r++) w[assignments[r]] += pw ? pw[r] : 1;
  const cand = csrSelect(data, candidates);
  const seedRows = kmeansPlusPlusRows(cand, k, distance, rng, w);
  const centers = centersFromRows(cand, seedRows, distance);
  localLloyd(cand, w, centers, k, distance, 30);
  return centers;
}
