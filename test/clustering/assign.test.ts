import { beforeAll, describe, expect, it } from 'vitest';
import { assignToCenters, chooseKernel } from '../../src/clustering/assign.js';
import { initBackend } from '../../src/linalg/backend.js';
import { createRng } from '../../src/linalg/random.js';
import { csrFromRows, csrNormalizeRows, type CsrMatrix, type SparseVector } from '../../src/linalg/sparse.js';

function randomSparse(rows: number, cols: number, nnz: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const out: SparseVector[] = [];
  for (let r = 0; r < rows; r++) {
    const idx = new Set<number>();
    while (idx.size < nnz) idx.add(rng.int(cols));
    const indices = Int32Array.from([...idx].sort((a, b) => a - b));
    out.push({ size: cols, indices, values: Float32Array.from(indices, () => 1 + rng.int(5)) });
  }
  return csrFromRows(out, cols);
}

function centersFrom(data: CsrMatrix, rows: number[]): Float32Array {
  const c = new Float32Array(rows.length * data.cols);
  rows.forEach((r, j) => {
    for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) c[j * data.cols + data.indices[p]] = data.values[p];
  });
  return c;
}

describe('assignToCenters kernels', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('auto picks the sparse loop for sparse rows and tfjs for dense ones', () => {
    expect(chooseKernel(randomSparse(10, 1000, 5, 1))).toBe('sparse');
    expect(chooseKernel(randomSparse(10, 8, 6, 1))).toBe('tfjs');
    expect(chooseKernel(randomSparse(10, 1000, 5, 1), 'tfjs')).toBe('tfjs');
  });

  for (const distance of ['euclidean', 'cosine'] as const) {
    it(`sparse and tfjs kernels agree (${distance})`, async () => {
      let data = randomSparse(300, 200, 12, 7);
      if (distance === 'cosine') data = csrNormalizeRows(data);
      const centers = centersFrom(data, [0, 50, 100, 150, 200]);
      if (distance === 'cosine') {
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let i = 0; i < 200; i++) s += centers[j * 200 + i] ** 2;
          for (let i = 0; i < 200; i++) centers[j * 200 + i] /= Math.sqrt(s);
        }
      }
      const a = await assignToCenters(data, centers, 5, { distance, kernel: 'sparse' });
      const b = await assignToCenters(data, centers, 5, { distance, kernel: 'tfjs' });
      expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
      for (let r = 0; r < data.rows; r++) expect(a.distances[r]).toBeCloseTo(b.distances[r], 4);
      // the rows the centers were copied from sit on their own center
      expect([0, 50, 100, 150, 200].map((r) => a.assignments[r])).toEqual([0, 1, 2, 3, 4]);
    });
  }

  it('the sparse kernel breaks ties towards the lowest index', async () => {
    const data = csrFromRows([{ size: 4, indices: Int32Array.from([0, 1]), values: Float32Array.from([1, 1]) }], 4);
    // two centers at the same distance from the row: (1,0,0,0) and (0,1,0,0)
    const centers = Float32Array.from([0, 1, 0, 0, 1, 0, 0, 0]);
    const r = await assignToCenters(data, centers, 2, { distance: 'euclidean', kernel: 'sparse' });
    expect(r.assignments[0]).toBe(0);
    expect(r.distances[0]).toBeCloseTo(1, 6);
  });
});
