/** Synthetic sparse data with known clusters (seeded). */
import { csrFromRows, type CsrMatrix, type SparseVector } from '../../src/linalg/sparse.js';
import { createRng } from '../../src/linalg/random.js';

/**
 * `k` well-separated blobs in `d` dims: cluster c has high values on dims where j % k === c, plus noise;
 * rows are interleaved (row i belongs to cluster i % k).
 */
export function blobs(n: number, k: number, d: number, seed = 1, spread = 0.5): { data: CsrMatrix; truth: number[] } {
  const rng = createRng(seed);
  const rows: SparseVector[] = [];
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    truth.push(c);
    const idx: number[] = [];
    const vals: number[] = [];
    for (let j = 0; j < d; j++) {
      const v = (j % k === c ? 5 : 0) + rng.normal() * spread;
      if (v > 0.7) {
        idx.push(j);
        vals.push(v);
      }
    }
    rows.push({ size: d, indices: Int32Array.from(idx), values: Float32Array.from(vals) });
  }
  return { data: csrFromRows(rows, d), truth };
}

/** Rows from dense arrays. */
export function denseRows(rows: number[][]): CsrMatrix {
  const d = rows[0].length;
  return csrFromRows(
    rows.map((r) => {
      const idx: number[] = [];
      const vals: number[] = [];
      r.forEach((v, j) => {
        if (v !== 0) {
          idx.push(j);
          vals.push(v);
        }
      });
      return { size: d, indices: Int32Array.from(idx), values: Float32Array.from(vals) };
    }),
    d,
  );
}
