/**
 * The O(n·d·k) part of k-means on TensorFlow.js kernels: distances from every row of a sparse matrix to k
 * centers, chunk by chunk (each chunk densified into one [rows, d] tensor), nearest center and its distance.
 * Ties go to the lowest index (argMin/argMax return the first extreme).
 *
 * Distances returned: squared euclidean for `euclidean`, 1 - cos for `cosine` (rows and centers are
 * expected to be unit vectors there).
 */
import { tf } from '../linalg/backend.js';
import { csrDensify, csrRowNorms2, type CsrMatrix } from '../linalg/sparse.js';
import type { Distance } from './distance.js';

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
 * Which kernel computes the distances: TensorFlow.js on dense chunks, or a plain JS loop over the sparse
 * rows' non-zeros (O(nnz·k) instead of O(n·d·k)). `auto` picks the sparse loop when rows hold fewer than
 * d/8 non-zeros on average, which is every hashed n-gram setting with more than a few thousand features.
 */
export type AssignKernel = 'auto' | 'tfjs' | 'sparse';
export const ASSIGN_KERNELS: readonly AssignKernel[] = ['auto', 'tfjs', 'sparse'];

export interface AssignOptions {
  distance: Distance;
  chunkRows?: number;
  kernel?: AssignKernel;
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

/** The kernel `auto` resolves to for this data. */
export function chooseKernel(data: CsrMatrix, kernel: AssignKernel = 'auto'): 'tfjs' | 'sparse' {
  if (kernel !== 'auto') return kernel;
  const nnz = data.indptr[data.rows];
  return nnz * 8 < data.rows * data.cols ? 'sparse' : 'tfjs';
}

/**
 * The sparse kernel: centers transposed once to feature-major [d][k] (float64), then each row's non-zeros
 * score every center at once. Same distances and tie rule (lowest index) as the tfjs kernel.
 */
export function assignToCentersSparse(data: CsrMatrix, centers: Float32Array, k: number, opts: AssignOptions): Assignment {
  const n = data.rows;
  const d = data.cols;
  if (centers.length !== k * d) throw new RangeError(`centers has ${centers.length} values, expected k*d = ${k * d}`);
  const euclid = opts.distance === 'euclidean';
  const ct = new Float64Array(d * k);
  const cn2 = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    const off = j * d;
    for (let i = 0; i < d; i++) {
      const v = centers[off + i];
      if (v !== 0) {
        ct[i * k + j] = v;
        s += v * v;
      }
    }
    cn2[j] = s;
  }
  const norms = euclid ? (opts.rowNorms2 ?? csrRowNorms2(data)) : undefined;
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n);
  const dots = new Float64Array(k);
  const { indptr, indices, values } = data;
  let cost = 0;
  for (let r = 0; r < n; r++) {
    dots.fill(0);
    for (let p = indptr[r]; p < indptr[r + 1]; p++) {
      const x = values[p];
      const base = indices[p] * k;
      for (let j = 0; j < k; j++) dots[j] += x * ct[base + j];
    }
    let best = 0;
    let bestD = Infinity;
    if (euclid) {
      const xn2 = norms![r];
      for (let j = 0; j < k; j++) {
        const dist = xn2 - 2 * dots[j] + cn2[j];
        if (dist < bestD) [best, bestD] = [j, dist];
      }
    } else {
      for (let j = 0; j < k; j++) {
        const dist = 1 - dots[j];
        if (dist < bestD) [best, bestD] = [j, dist];
      }
    }
    const v = Math.max(0, bestD);
    assignments[r] = best;
    distances[r] = v;
    cost += v;
  }
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
  const d = data.cols;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const { indptr, indices, values } = data;
  for (let r = 0; r < data.rows; r++) {
    const c = assignments[r];
    counts[c] += 1;
    const off = c * d;
    for (let p = indptr[r]; p < indptr[r + 1]; p++) sums[off + indices[p]] += values[p];
  }
  return { sums, counts };
}
