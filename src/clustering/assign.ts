/**
 * The expensive part of k-means: distances from every row of a sparse matrix to k centers, nearest center
 * and its distance. Ties go to the lowest index. Two kernels (`auto`, the default, picks by density):
 * - `sparse`: O(nnz·k) in plain JS over the CSR rows against feature-major centers, float64
 *   sums (the norms trick: |x|² - 2x·c + |c|²). Hashed n-gram rows are ~8% dense, so this does a twelfth
 *   of the dense work; lloyd-pool.ts runs it on every core.
 * - `tfjs`: chunks densified into [rows, d] tensors and one matMul each on the TensorFlow.js backend
 *   (float32; the better choice for dense data).
 *
 * Distances returned: squared euclidean for `euclidean`, 1 - cos for `cosine` (rows and centers are
 * expected to be unit vectors there).
 */
import { backendInfo, tf } from '../linalg/backend.js';
import { csrDensify, csrRowNorms2, type CsrMatrix } from '../linalg/sparse.js';
import type { Distance } from './distance.js';
import { sparseDotsFeatureMajor } from '../linalg/sparse-dots.js';

/** Dense chunks are kept near this many bytes. */
export const CHUNK_BYTES = 64 * 1024 * 1024;

export function chunkRowsFor(d: number, bytes = CHUNK_BYTES): number {
  return Math.max(64, Math.floor(bytes / 4 / Math.max(1, d)));
}

export interface Assignment {
  assignments: Int32Array;
  distances: Float64Array;
  cost: number;
}

/**
 * Which kernel computes the distances: TensorFlow.js on dense chunks, or the JS loop over the sparse rows'
 * non-zeros (O(nnz·k) instead of O(n·d·k)). `auto` picks TensorFlow.js when the native `tensorflow`
 * backend (tfjs-node) runs, whose matMul outruns the sparse loop; on wasm/cpu it picks the sparse loop when
 * rows hold fewer than d/8 non-zeros on average, which is every hashed n-gram setting with more than a few
 * thousand features (docs/BENCHMARKS.md: tfjs-wasm's matMul is 3.7-11.5x slower than scikit-learn there).
 */
export type AssignKernel = 'auto' | 'tfjs' | 'sparse';
export const ASSIGN_KERNELS: readonly AssignKernel[] = ['auto', 'tfjs', 'sparse'];

/** The kernel `auto` resolves to for this data. */
export function chooseKernel(data: CsrMatrix, kernel: AssignKernel = 'auto'): 'tfjs' | 'sparse' {
  if (kernel !== 'auto') return kernel;
  if (backendInfo()?.name === 'tensorflow') return 'tfjs';
  const nnz = data.indptr[data.rows];
  return nnz * 8 < data.rows * data.cols ? 'sparse' : 'tfjs';
}

export interface AssignOptions {
  distance: Distance;
  /** Default 'auto'. */
  kernel?: AssignKernel;
  chunkRows?: number;
  /** Squared norms of the rows (euclidean); computed when absent. */
  rowNorms2?: Float64Array;
}

/** Explicitly transposed centers [d, k] and their squared norms, built once per pass. */
function prepareCenters(centers: Float32Array, k: number, d: number): { ct: tf.Tensor2D; cn2: tf.Tensor1D } {
  return tf.tidy(() => {
    const c = tf.tensor2d(centers, [k, d]);
    // wasm: an explicit transpose is far faster than matMul(..., transposeB)
    const ct = tf.transpose(c) as tf.Tensor2D;
    const cn2 = tf.sum(tf.mul(c, c), 1) as tf.Tensor1D;
    return { ct, cn2 };
  });
}

/** Centers [k, d] -> feature-major [d, k] (float32, exact) and their squared norms (float64). */
export function prepareSparseCenters(centers: Float32Array, k: number, d: number): { ct: Float32Array; cn2: Float64Array } {
  const ct = new Float32Array(d * k);
  const cn2 = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    const off = j * d;
    for (let i = 0; i < d; i++) {
      const v = centers[off + i];
      ct[i * k + j] = v;
      s += v * v;
    }
    cn2[j] = s;
  }
  return { ct, cn2 };
}

/**
 * Nearest center from a row's dot products `dots[off .. off + k)`: squared euclidean |x|² - 2x·c + |c|²
 * (ties to the lowest index), or cosine 1 - x·c for unit vectors (largest dot, lowest index). Returns the
 * center; its distance (not clamped) goes to `dist[0]`.
 */
export function pickNearest(dots: Float64Array, off: number, k: number, euclid: boolean, xn2: number, cn2: Float64Array, dist: Float64Array): number {
  let best = 0;
  if (euclid) {
    let d = xn2 - 2 * dots[off] + cn2[0];
    for (let c = 1; c < k; c++) {
      const v = xn2 - 2 * dots[off + c] + cn2[c];
      if (v < d) {
        d = v;
        best = c;
      }
    }
    dist[0] = d;
  } else {
    let m = dots[off];
    for (let c = 1; c < k; c++) {
      if (dots[off + c] > m) {
        m = dots[off + c];
        best = c;
      }
    }
    dist[0] = 1 - m;
  }
  return best;
}

/**
 * Nearest center of rows [start, end) with the sparse kernel; writes `assignments`/`distances` at the row
 * indices and returns the cost of those rows. `norms2` is needed for euclidean. Scratch `dots` has k slots.
 */
export function assignSparseRange(
  data: CsrMatrix,
  ct: Float32Array,
  cn2: Float64Array,
  k: number,
  distance: Distance,
  norms2: Float64Array | undefined,
  start: number,
  end: number,
  assignments: Int32Array,
  distances: Float64Array,
  dots: Float64Array = new Float64Array(k),
): number {
  const { indptr, indices, values } = data;
  const euclid = distance === 'euclidean';
  const nearestDistance = new Float64Array(1);
  let cost = 0;
  for (let r = start; r < end; r++) {
    const a = indptr[r];
    const b = indptr[r + 1];
    sparseDotsFeatureMajor(indices, values, a, b, ct, k, dots);
    const best = pickNearest(dots, 0, k, euclid, euclid ? norms2![r] : 0, cn2, nearestDistance);
    let dist = nearestDistance[0];
    if (!(dist > 0)) dist = 0;
    assignments[r] = best;
    distances[r] = dist;
    cost += dist;
  }
  return cost;
}

/** The sparse kernel over every row (synchronous). Same distances and tie rule (lowest index) as the tfjs kernel. */
export function assignToCentersSparse(data: CsrMatrix, centers: Float32Array, k: number, opts: AssignOptions): Assignment {
  const n = data.rows;
  const d = data.cols;
  if (centers.length !== k * d) throw new RangeError(`centers has ${centers.length} values, expected k*d = ${k * d}`);
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n);
  const norms = opts.distance === 'euclidean' ? (opts.rowNorms2 ?? csrRowNorms2(data)) : undefined;
  const { ct, cn2 } = prepareSparseCenters(centers, k, d);
  const cost = assignSparseRange(data, ct, cn2, k, opts.distance, norms, 0, n, assignments, distances);
  return { assignments, distances, cost };
}

export async function assignToCenters(data: CsrMatrix, centers: Float32Array, k: number, opts: AssignOptions): Promise<Assignment> {
  const n = data.rows;
  const d = data.cols;
  if (centers.length !== k * d) throw new RangeError(`centers has ${centers.length} values, expected k*d = ${k * d}`);
  if (chooseKernel(data, opts.kernel) === 'sparse') return assignToCentersSparse(data, centers, k, opts);
  const chunkRows = Math.min(n, opts.chunkRows ?? chunkRowsFor(d));
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n);
  if (n === 0) return { assignments, distances, cost: 0 };
  const euclid = opts.distance === 'euclidean';
  const norms = euclid ? (opts.rowNorms2 ?? csrRowNorms2(data)) : undefined;
  const buf = new Float32Array(chunkRows * d);
  const { ct, cn2 } = prepareCenters(centers, k, d);
  let cost = 0;
  try {
    for (let start = 0; start < n; start += chunkRows) {
      const end = Math.min(n, start + chunkRows);
      const rows = end - start;
      csrDensify(data, start, end, buf);
      const [idxT, distT] = tf.tidy(() => {
        const x = tf.tensor2d(buf.subarray(0, rows * d), [rows, d]);
        const dots = tf.matMul(x, ct);
        if (euclid) {
          const xn2 = tf.tensor2d(Float32Array.from(norms!.subarray(start, end)), [rows, 1]);
          const dist = tf.relu(tf.add(tf.sub(xn2, tf.mul(dots, 2)), cn2));
          return [tf.argMin(dist, 1), tf.min(dist, 1)];
        }
        return [tf.argMax(dots, 1), tf.sub(1, tf.max(dots, 1))];
      });
      const [idx, dist] = await Promise.all([idxT.data(), distT.data()]);
      idxT.dispose();
      distT.dispose();
      assignments.set(idx as Int32Array, start);
      for (let i = 0; i < rows; i++) {
        const v = Math.max(0, dist[i]);
        distances[start + i] = v;
        cost += v;
      }
    }
  } finally {
    ct.dispose();
    cn2.dispose();
  }
  return { assignments, distances, cost };
}

/** Per-cluster sums (float64, [k, d] row-major) and counts of the rows, from the sparse data directly. */
export function clusterSums(data: CsrMatrix, assignments: Int32Array, k: number): { sums: Float64Array; counts: Float64Array } {
  const sums = new Float64Array(k * data.cols);
  const counts = new Float64Array(k);
  addClusterSums(data, assignments, 0, data.rows, sums, counts);
  return { sums, counts };
}

/** Adds rows [start, end) into per-cluster `sums` ([k, d]) and `counts`. */
export function addClusterSums(data: CsrMatrix, assignments: Int32Array, start: number, end: number, sums: Float64Array, counts: Float64Array): void {
  const d = data.cols;
  const { indptr, indices, values } = data;
  for (let r = start; r < end; r++) {
    const c = assignments[r];
    counts[c] += 1;
    const off = c * d;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) sums[off + indices[p]] += values[p];
  }
}
