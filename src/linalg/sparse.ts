/** Sparse vectors and CSR matrices over typed arrays (pure data, no tfjs). */

export interface SparseVector {
  /** Dimension. */
  size: number;
  /** Ascending, unique. */
  indices: Int32Array;
  values: Float32Array;
}

/** Compressed sparse rows: row r holds indices/values [indptr[r], indptr[r+1]). */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export function emptySparse(size: number): SparseVector {
  return { size, indices: new Int32Array(0), values: new Float32Array(0) };
}

export function sparseFromMap(size: number, entries: Map<number, number> | Record<number, number>): SparseVector {
  const pairs = (entries instanceof Map ? [...entries.entries()] : Object.entries(entries).map(([k, v]) => [Number(k), v]))
    .filter(([, v]) => v !== 0)
    .sort((a, b) => a[0] - b[0]);
  return {
    size,
    indices: Int32Array.from(pairs.map((p) => p[0])),
    values: Float32Array.from(pairs.map((p) => p[1])),
  };
}

export function sparseToMap(v: SparseVector): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < v.indices.length; i++) m.set(v.indices[i], v.values[i]);
  return m;
}

export function sparseDot(v: SparseVector, dense: ArrayLike<number>, offset = 0): number {
  let s = 0;
  for (let i = 0; i < v.indices.length; i++) s += v.values[i] * dense[offset + v.indices[i]];
  return s;
}

export function sparseNorm2(v: SparseVector): number {
  let s = 0;
  for (let i = 0; i < v.values.length; i++) s += v.values[i] * v.values[i];
  return s;
}

/** Stack sparse rows into a CSR matrix (copies). */
export function csrFromRows(rows: readonly SparseVector[], cols?: number): CsrMatrix {
  const n = rows.length;
  const d = cols ?? (n > 0 ? rows[0].size : 0);
  let nnz = 0;
  for (const r of rows) {
    if (r.size !== d) throw new RangeError(`row size ${r.size} differs from ${d}`);
    nnz += r.indices.length;
  }
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    indices.set(r.indices, p);
    values.set(r.values, p);
    p += r.indices.length;
    indptr[i + 1] = p;
  }
  return { rows: n, cols: d, indptr, indices, values };
}

export function csrRow(m: CsrMatrix, r: number): SparseVector {
  const a = m.indptr[r];
  const b = m.indptr[r + 1];
  return { size: m.cols, indices: m.indices.subarray(a, b), values: m.values.subarray(a, b) };
}

/** Rows [start, end) as a new CSR view (shares the index/value buffers). */
export function csrSlice(m: CsrMatrix, start: number, end: number): CsrMatrix {
  const base = m.indptr[start];
  const indptr = new Int32Array(end - start + 1);
  for (let i = 0; i <= end - start; i++) indptr[i] = m.indptr[start + i] - base;
  return {
    rows: end - start,
    cols: m.cols,
    indptr,
    indices: m.indices.subarray(base, m.indptr[end]),
    values: m.values.subarray(base, m.indptr[end]),
  };
}

/** Select rows by index (copies). */
export function csrSelect(m: CsrMatrix, rowIds: ArrayLike<number>): CsrMatrix {
  const rows: SparseVector[] = [];
  for (let i = 0; i < rowIds.length; i++) rows.push(csrRow(m, rowIds[i]));
  return csrFromRows(rows, m.cols);
}

/** Write rows [start, end) densely into `out` (row-major, length >= (end-start)*cols; zero-filled here). */
export function csrDensify(m: CsrMatrix, start: number, end: number, out: Float32Array): Float32Array {
  const d = m.cols;
  out.fill(0, 0, (end - start) * d);
  for (let r = start; r < end; r++) {
    const base = (r - start) * d;
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) out[base + m.indices[p]] += m.values[p];
  }
  return out;
}

/** Squared L2 norm of each row. */
export function csrRowNorms2(m: CsrMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) s += m.values[p] * m.values[p];
    out[r] = s;
  }
  return out;
}

export function csrNnz(m: CsrMatrix): number {
  return m.indptr[m.rows];
}

/** A copy of `m` with every non-zero row scaled to unit L2 norm (zero rows stay zero). */
export function csrNormalizeRows(m: CsrMatrix): CsrMatrix {
  const values = m.values.slice();
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) s += values[p] * values[p];
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) values[p] *= inv;
  }
  return { ...m, values };
}

/** True when every non-zero row already has unit norm (within tol). */
export function csrRowsAreUnit(m: CsrMatrix, tol = 1e-4): boolean {
  const n2 = csrRowNorms2(m);
  for (let r = 0; r < m.rows; r++) if (m.indptr[r] !== m.indptr[r + 1] && Math.abs(n2[r] - 1) > tol) return false;
  return true;
}
