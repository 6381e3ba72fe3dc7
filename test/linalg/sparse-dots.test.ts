import { describe, expect, it } from 'vitest';
import { sparseDotsFeatureMajor } from '../../src/linalg/sparse-dots.js';
import { createRng } from '../../src/linalg/random.js';

describe('sparseDotsFeatureMajor', () => {
  it('gives every center its dot product with the vector range, for k not a multiple of 4', () => {
    const rng = createRng(7);
    const d = 50;
    for (const k of [1, 3, 4, 5, 9]) {
      const ct = Float32Array.from({ length: d * k }, () => rng.next() - 0.5);
      const indices = Int32Array.from({ length: 12 }, () => rng.int(d));
      const values = Float32Array.from({ length: 12 }, () => rng.next());
      const out = sparseDotsFeatureMajor(indices, values, 2, 10, ct, k, new Float64Array(k));
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let p = 2; p < 10; p++) s += values[p] * ct[indices[p] * k + j];
        expect(out[j]).toBe(s);
      }
    }
  });

  it('gives zeros for an empty range', () => {
    const out = sparseDotsFeatureMajor(new Int32Array([1]), new Float32Array([2]), 0, 0, new Float32Array(10), 5, new Float64Array(5).fill(9));
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
  });
});
