/**
 * The training benchmark's input: Spark-recipe vectors (raw char-bigram counts, 1000 hashed features,
 * about 8% non-zero) of `rows` distinct texts made from real ones, and seeded initial centers. Written to
 * a temporary folder as raw arrays for the Python peer, which then runs on the very same matrix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Featurizer } from '../../src/features/featurizer.js';
import { SPARK_FEATURES } from '../../src/features/settings.js';
import { createRng } from '../../src/linalg/random.js';
import type { CsrMatrix } from '../../src/linalg/sparse.js';
import { crossTexts } from './texts.js';

export function sparkMatrix(base: readonly string[], rows: number, seed = 1): CsrMatrix {
  const fz = new Featurizer({ ...SPARK_FEATURES });
  // featurized in slices so that the texts of a 1M-row matrix need not all live at once
  const parts: CsrMatrix[] = [];
  const slice = 100_000;
  for (let start = 0; start < rows; start += slice) {
    parts.push(fz.transformAll(crossTexts(base, Math.min(slice, rows - start), seed * 7919 + start)));
  }
  if (parts.length === 1) return parts[0];
  const nnz = parts.reduce((s, p) => s + p.indptr[p.rows], 0);
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let r = 0;
  let q = 0;
  for (const p of parts) {
    const m = p.indptr[p.rows];
    indices.set(p.indices.subarray(0, m), q);
    values.set(p.values.subarray(0, m), q);
    for (let i = 1; i <= p.rows; i++) indptr[r + i] = q + p.indptr[i];
    r += p.rows;
    q += m;
  }
  return { rows, cols: SPARK_FEATURES.numFeatures, indptr, indices, values };
}

/** k distinct rows, densified, as initial centers ([k, d]). */
export function initialCenters(m: CsrMatrix, k: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const c = new Float32Array(k * m.cols);
  const used = new Set<number>();
  for (let j = 0; j < k; j++) {
    let r = rng.int(m.rows);
    while (used.has(r)) r = rng.int(m.rows);
    used.add(r);
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) c[j * m.cols + m.indices[p]] = m.values[p];
  }
  return c;
}

/** Writes the matrix and centers for lloyd.py; returns the folder and a cleanup function. */
export function writeForPeer(m: CsrMatrix, centers: Map<number, Float32Array>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tweetlang-bench-'));
  const nnz = m.indptr[m.rows];
  const raw = (a: Int32Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(path.join(dir, 'indptr.bin'), raw(m.indptr));
  writeFileSync(path.join(dir, 'indices.bin'), raw(m.indices.subarray(0, nnz)));
  writeFileSync(path.join(dir, 'values.bin'), raw(m.values.subarray(0, nnz)));
  for (const [k, c] of centers) writeFileSync(path.join(dir, `centers-${k}.bin`), raw(c));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
