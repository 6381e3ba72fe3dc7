import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignToCenters, clusterSums } from '../../src/clustering/assign.js';
import { kmeans } from '../../src/clustering/kmeans.js';
import { LloydPool, balancedSplits } from '../../src/clustering/lloyd-pool.js';
import { initBackend, tf } from '../../src/linalg/backend.js';
import { createRng } from '../../src/linalg/random.js';
import { csrFromRows, csrNormalizeRows, csrRowNorms2, type CsrMatrix, type SparseVector } from '../../src/linalg/sparse.js';

/** `n` sparse rows around `k` random sparse prototypes in `d` dimensions (counts-like values). */
function clustered(n: number, k: number, d: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const protos = Array.from({ length: k }, () => Array.from({ length: 12 }, () => rng.int(d)));
  const rows: SparseVector[] = [];
  for (let r = 0; r < n; r++) {
    const m = new Map<number, number>();
    for (const i of protos[r % k]) if (rng.next() < 0.8) m.set(i, (m.get(i) ?? 0) + 1 + rng.int(3));
    for (let t = 0; t < 3; t++) {
      const i = rng.int(d);
      m.set(i, (m.get(i) ?? 0) + 1);
    }
    const idx = [...m.keys()].sort((a, b) => a - b);
    rows.push({ size: d, indices: Int32Array.from(idx), values: Float32Array.from(idx, (i) => m.get(i)!) });
  }
  return csrFromRows(rows, d);
}

function centersFrom(data: CsrMatrix, k: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const c = new Float32Array(k * data.cols);
  for (let j = 0; j < k; j++) {
    const r = rng.int(data.rows);
    for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) c[j * data.cols + data.indices[p]] = data.values[p];
  }
  return c;
}

/** Exact squared euclidean or cosine distance of row r to center j (float64, dense). */
function exactDistance(m: CsrMatrix, r: number, c: Float32Array, j: number, distance: 'euclidean' | 'cosine'): number {
  const d = m.cols;
  const x = new Float64Array(d);
  for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) x[m.indices[p]] = m.values[p];
  let s = 0;
  for (let i = 0; i < d; i++) s += distance === 'euclidean' ? (x[i] - c[j * d + i]) ** 2 : x[i] * c[j * d + i];
  return distance === 'euclidean' ? s : 1 - s;
}

/** Same distances up to `tol`; a different assignment only where both centers are (near) equally close. */
function expectSameUpToTies(
  m: CsrMatrix,
  c: Float32Array,
  distance: 'euclidean' | 'cosine',
  a: { assignments: Int32Array; distances: Float64Array },
  b: { assignments: Int32Array; distances: Float64Array },
  tol: number,
) {
  for (let r = 0; r < m.rows; r++) {
    const scale = Math.max(1, a.distances[r]);
    expect(Math.abs(a.distances[r] - b.distances[r])).toBeLessThanOrEqual(tol * scale);
    if (a.assignments[r] !== b.assignments[r]) {
      const gap = exactDistance(m, r, c, a.assignments[r], distance) - exactDistance(m, r, c, b.assignments[r], distance);
      expect(Math.abs(gap)).toBeLessThanOrEqual(tol * scale);
    }
  }
}

const data = clustered(3000, 6, 200, 1);
const norms = csrRowNorms2(data);

describe('sparse kernel', () => {
  it.each(['cpu', 'wasm'] as const)('agrees with the tfjs matMul kernel on the %s backend (euclidean and cosine)', async (backend) => {
    await initBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    for (const k of [1, 5, 13]) {
      const c = centersFrom(data, k, k);
      const s = await assignToCenters(data, c, k, { distance: 'euclidean', kernel: 'sparse' });
      const t = await assignToCenters(data, c, k, { distance: 'euclidean', kernel: 'tfjs' });
      expectSameUpToTies(data, c, 'euclidean', s, t, 1e-4);
      expect(s.cost).toBeCloseTo(t.cost, -1);
      const unit = csrNormalizeRows(data);
      const cu = centersFrom(unit, k, k + 1);
      const sc = await assignToCenters(unit, cu, k, { distance: 'cosine', kernel: 'sparse' });
      const tc = await assignToCenters(unit, cu, k, { distance: 'cosine', kernel: 'tfjs' });
      expectSameUpToTies(unit, cu, 'cosine', sc, tc, 1e-5);
    }
  });

  it('sends ties to the lowest index', async () => {
    const c1 = centersFrom(data, 1, 3);
    const c = new Float32Array(3 * data.cols);
    c.set(new Float32Array(data.cols).fill(50), 0); // far away
    c.set(c1, data.cols);
    c.set(c1, 2 * data.cols); // duplicate of center 1
    const { assignments } = await assignToCenters(data, c, 3, { distance: 'euclidean' });
    expect(assignments.every((a) => a === 1)).toBe(true);
  });
});

describe('LloydPool', () => {
  let pool: LloydPool;
  beforeAll(async () => {
    pool = await LloydPool.create(data, 2, norms);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('splits rows into blocks of about equal work', () => {
    const cuts = balancedSplits(data.indptr, data.rows, 3);
    expect(cuts[0]).toBe(0);
    expect(cuts[3]).toBe(data.rows);
    for (let i = 0; i < 3; i++) expect(cuts[i + 1] - cuts[i]).toBeGreaterThan(data.rows / 4);
  });

  it.each([1, 7, 37])('gives the in-process assignments, distances and sums bit for bit (WebAssembly SIMD kernel, k=%i)', async (k) => {
    const c = centersFrom(data, k, 9);
    const local = await assignToCenters(data, c, k, { distance: 'euclidean', rowNorms2: norms });
    const { sums, counts } = clusterSums(data, local.assignments, k);
    const step = await pool.step(c, k, 'euclidean', true);
    expect(Array.from(step.assignments)).toEqual(Array.from(local.assignments));
    expect(Array.from(step.distances)).toEqual(Array.from(local.distances));
    expect(step.cost).toBeCloseTo(local.cost, 6);
    expect(Array.from(step.counts!)).toEqual(Array.from(counts));
    expect(Array.from(step.sums!)).toEqual(Array.from(sums)); // integer counts: exact whatever the order of the additions

  });
});

describe('kmeans keeps its results across kernels and threads', () => {
  it('threads 1 and 2 give the same model', async () => {
    const a = await kmeans(data, { k: 6, seed: 4, threads: 1 });
    const b = await kmeans(data, { k: 6, seed: 4, threads: 2 });
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
    expect(b.iterations).toBe(a.iterations);
    for (let i = 0; i < a.centers.length; i++) expect(b.centers[i]).toBeCloseTo(a.centers[i], 5);
  });

  it.each(['euclidean', 'cosine'] as const)('sparse and tfjs kernels reach the same clustering (%s)', async (distance) => {
    await initBackend('wasm');
    const a = await kmeans(data, { k: 6, seed: 2, distance, kernel: 'sparse', threads: 1 });
    const b = await kmeans(data, { k: 6, seed: 2, distance, kernel: 'tfjs' });
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
    for (let i = 0; i < a.centers.length; i++) expect(b.centers[i]).toBeCloseTo(a.centers[i], 3);
    expect(b.cost).toBeCloseTo(a.cost, 0);
  });

  it('an empty cluster keeps its center', async () => {
    const k = 3;
    const c = centersFrom(data, 2, 5);
    const centers = new Float32Array(k * data.cols);
    centers.set(c);
    centers.fill(1000, 2 * data.cols); // wins no row
    const before = centers.slice(2 * data.cols);
    const { assignments } = await assignToCenters(data, centers, k, { distance: 'euclidean' });
    const { sums, counts } = clusterSums(data, assignments, k);
    expect(counts[2]).toBe(0);
    const { updateCenters } = await import('../../src/clustering/kmeans.js');
    updateCenters(centers, sums, counts, k, data.cols, 'euclidean');
    expect(Array.from(centers.slice(2 * data.cols))).toEqual(Array.from(before));
  });
});
