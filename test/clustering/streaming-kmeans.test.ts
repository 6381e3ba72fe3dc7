/**
 * StreamingKMeans against MLlib: Spark's own StreamingKMeansSuite checks (ported, with this project's
 * RNG for the data), and the fold rule on hand-computed numbers.
 */
import { describe, expect, it } from 'vitest';
import {
  emptyStats,
  addPoint,
  foldStats,
  indexCenters,
  mergeStats,
  nearestIndexed,
  randomState,
  resolveDecay,
  stateFromCenters,
  updateWithBatch,
  type StreamingState,
} from '../../src/clustering/streaming-kmeans.js';
import { createRng, type Rng } from '../../src/linalg/random.js';
import type { SparseVector } from '../../src/linalg/sparse.js';

const dense = (xs: readonly number[]): SparseVector => ({
  size: xs.length,
  indices: Int32Array.from(xs.keys()),
  values: Float32Array.from(xs),
});

/** Spark's StreamingKMeansDataGenerator: numBatches x numPoints, point idx around centers[idx % k]. */
function generate(rng: Rng, numPoints: number, numBatches: number, k: number, d: number, r: number, init?: number[][]) {
  const centers = init ?? Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
  // float32 inputs (SparseVector values), so the test's own arithmetic uses the same numbers
  const data = Array.from({ length: numBatches }, () =>
    Array.from({ length: numPoints }, (_, idx) => Array.from(Float32Array.from(centers[idx % k].map((c) => c + rng.normal() * r)))),
  );
  return { centers, data };
}

const row = (s: StreamingState, j: number) => Array.from(s.centers.subarray(j * s.d, (j + 1) * s.d));

describe('StreamingKMeans (Spark StreamingKMeansSuite)', () => {
  it('accuracy for a single center and equivalence to the grand average (decay 1)', () => {
    const rng = createRng(42);
    const { centers, data } = generate(rng, 50, 10, 1, 5, 0.1);
    const state = stateFromCenters([0, 0, 0, 0, 0], [0], 1, 5);
    const decay = resolveDecay({ decayFactor: 1 });
    for (const batch of data) updateWithBatch(state, batch.map(dense), decay);
    const grandMean = [0, 1, 2, 3, 4].map((i) => data.flat().reduce((s, p) => s + p[i], 0) / 500);
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(state.centers[i] - grandMean[i])).toBeLessThan(1e-5);
      expect(Math.abs(state.centers[i] - centers[0][i])).toBeLessThan(1e-1);
    }
    expect(state.weights[0]).toBe(500);
  });

  it('accuracy for two centers', () => {
    const rng = createRng(42);
    const { centers, data } = generate(rng, 5, 10, 2, 5, 0.1);
    // start each center near its own true center (Spark: "exact assignment depends on the initialization")
    const init = centers.flatMap((c) => c.map((x) => x + 0.3));
    const state = stateFromCenters(init, [0, 0], 2, 5);
    for (const batch of data) updateWithBatch(state, batch.map(dense), resolveDecay({ decayFactor: 1 }));
    for (let j = 0; j < 2; j++) for (let i = 0; i < 5; i++) expect(Math.abs(row(state, j)[i] - centers[j][i])).toBeLessThan(1e-1);
  });

  it('detecting dying clusters: the idle center is split off the busy one', () => {
    const rng = createRng(42);
    // halfLife 0.5 points, centers 0 and 1000 with weight 1; all data around 0 with r = 1
    const { data } = generate(rng, 5, 10, 1, 1, 1.0, [[0]]);
    const state = stateFromCenters([0, 1000], [1, 1], 2, 1);
    const decay = resolveDecay({ halfLife: 0.5, timeUnit: 'points' });
    const splits: number[] = [];
    for (const batch of data) {
      const r = updateWithBatch(state, batch.map(dense), decay);
      if (r.split) splits.push(r.split.smallest);
    }
    const [c0, c1] = [state.centers[0], state.centers[1]];
    expect(splits.length).toBeGreaterThan(0);
    expect(c0 * c1).toBeLessThan(0); // one positive center, one negative
    // 0.8 is the mean of the half-normal distribution
    expect(Math.abs(Math.abs(c0) - 0.8)).toBeLessThan(0.6);
    expect(Math.abs(Math.abs(c1) - 0.8)).toBeLessThan(0.6);
  });
});

describe('the fold rule, by hand', () => {
  it('half-life 1 batch: old data counts half after one batch', () => {
    const decay = resolveDecay({ halfLife: 1 });
    expect(decay.decayFactor).toBeCloseTo(0.5, 15);
    // cluster 0: weight 10 at 0, gets 10 points with mean 1; cluster 1: weight 8, no points
    const state = stateFromCenters([0, 7], [10, 8], 2, 1);
    const stats = emptyStats(2, 1);
    for (let i = 0; i < 10; i++) addPoint(stats, dense([i % 2 === 0 ? 0.5 : 1.5]), 0);
    const r = foldStats(state, stats, decay);
    expect(r.discount).toBeCloseTo(0.5, 15);
    expect(state.weights[0]).toBeCloseTo(15, 12); // 0.5 x 10 + 10
    expect(state.centers[0]).toBeCloseTo(10 / 15, 12); // 0 + (1 - 0) x 10 / 15
    expect(state.weights[1]).toBeCloseTo(4, 12); // forgotten by half
    expect(state.centers[1]).toBe(7);
  });

  it('time unit "points" discounts by a^(points in the batch)', () => {
    const state = stateFromCenters([0], [16], 1, 1);
    const stats = emptyStats(1, 1);
    addPoint(stats, dense([2]), 0);
    addPoint(stats, dense([2]), 0);
    const r = foldStats(state, stats, resolveDecay({ halfLife: 1, timeUnit: 'points' }));
    expect(r.discount).toBeCloseTo(0.25, 15);
    expect(state.weights[0]).toBeCloseTo(16 * 0.25 + 2, 12);
    expect(state.centers[0]).toBeCloseTo(2 * (2 / 6), 12);
  });

  it('decay 0 keeps only the newest batch', () => {
    const state = stateFromCenters([5, 9], [100, 100], 2, 1);
    const stats = emptyStats(2, 1);
    addPoint(stats, dense([1]), 0);
    addPoint(stats, dense([3]), 0);
    addPoint(stats, dense([10]), 1);
    foldStats(state, stats, resolveDecay({ decayFactor: 0 }));
    expect(Array.from(state.centers)).toEqual([2, 10]);
    expect(Array.from(state.weights)).toEqual([2, 1]);
  });

  it('splits a dying cluster exactly: mean weight, +-1e-14 x max(|x|, 1) around the largest center', () => {
    const state = stateFromCenters([1, -2, 300, 0.5, 5, 5], [1e-7, 100, 50], 3, 2);
    const r = foldStats(state, emptyStats(3, 2), resolveDecay({ decayFactor: 1 }));
    expect(r.split).toEqual({ smallest: 0, largest: 1 });
    const w = (100 + 1e-7) / 2;
    expect(Array.from(state.weights)).toEqual([w, w, 50]);
    expect(Array.from(state.centers)).toEqual([300 - 300e-14, 0.5 - 1e-14, 300 + 300e-14, 0.5 + 1e-14, 5, 5]);
    // no split while the smallest is above 1e-8 x the largest
    const healthy = stateFromCenters([0, 1], [2e-6, 100], 2, 1);
    expect(foldStats(healthy, emptyStats(2, 1), resolveDecay({ decayFactor: 1 })).split).toBeUndefined();
  });

  it('merged statistics of several members fold like one batch with all their points', () => {
    const rng = createRng(5);
    const pts = Array.from({ length: 60 }, () => dense([rng.normal() * 3, rng.normal() * 3, rng.normal()]));
    const init = randomState(3, 3, 10, 9);
    const whole = stateFromCenters(init.centers, init.weights, 3, 3);
    const decay = resolveDecay({ halfLife: 3 });
    const { stats } = updateWithBatch(whole, pts, decay);
    // three members assign their share with the same (initial) centers, publish stats; one updater folds
    const parts = [pts.slice(0, 20), pts.slice(20, 45), pts.slice(45)].map((p) => {
      const copy = stateFromCenters(init.centers, init.weights, 3, 3);
      return updateWithBatch(copy, p, decay).stats;
    });
    const merged = mergeStats(mergeStats(parts[0], parts[1]), parts[2]);
    expect(Array.from(merged.counts)).toEqual(Array.from(stats.counts));
    for (let i = 0; i < merged.sums.length; i++) expect(merged.sums[i]).toBeCloseTo(stats.sums[i], 10);
    const distributed = stateFromCenters(init.centers, init.weights, 3, 3);
    foldStats(distributed, merged, decay);
    for (let i = 0; i < 9; i++) expect(distributed.centers[i]).toBeCloseTo(whole.centers[i], 10);
    expect(() => mergeStats(emptyStats(2, 3), emptyStats(3, 3))).toThrow(/cannot merge/);
  });

  it('validates decay options', () => {
    expect(() => resolveDecay({ decayFactor: 0.5, halfLife: 2 })).toThrow(/either decayFactor or halfLife/);
    expect(() => resolveDecay({ halfLife: 0 })).toThrow(/halfLife must be/);
    expect(() => resolveDecay({ decayFactor: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => resolveDecay({ timeUnit: 'seconds' as 'points' })).toThrow(/batches or points/);
    expect(() => randomState(0, 3, 1, 1)).toThrow(/k must be/);
  });
});

describe('nearestIndexed', () => {
  /** The plain reference: one center row at a time, the point's terms in its order. */
  function nearestByRows(s: StreamingState, v: SparseVector, distance: 'euclidean' | 'cosine'): number {
    let best = 0;
    let bestD = Infinity;
    let xn2 = 0;
    for (const x of v.values) xn2 += x * x;
    for (let j = 0; j < s.k; j++) {
      let dp = 0;
      let cn2 = 0;
      for (let f = 0; f < s.d; f++) cn2 += s.centers[j * s.d + f] ** 2;
      for (let p = 0; p < v.indices.length; p++) dp += v.values[p] * s.centers[j * s.d + v.indices[p]];
      const dist = distance === 'euclidean' ? xn2 - 2 * dp + cn2 : 1 - dp / Math.sqrt(Math.max(xn2 * cn2, 1e-300));
      if (dist < bestD) {
        bestD = dist;
        best = j;
      }
    }
    return best;
  }

  it('picks the center the row-by-row reference picks, for sparse points, k not a multiple of 4, both distances', () => {
    const rng = createRng(11);
    for (const k of [1, 3, 6, 13]) {
      const d = 64;
      const state = randomState(k, d, 1, 5 + k);
      const index = indexCenters(state);
      for (let i = 0; i < 200; i++) {
        const nnz = 1 + rng.int(20);
        const idx = [...new Set(Array.from({ length: nnz }, () => rng.int(d)))].sort((a, b) => a - b);
        const v: SparseVector = { size: d, indices: Int32Array.from(idx), values: Float32Array.from(idx, () => rng.normal()) };
        for (const distance of ['euclidean', 'cosine'] as const) expect(nearestIndexed(index, v, distance)).toBe(nearestByRows(state, v, distance));
      }
    }
  });

  it('breaks ties towards the lowest index', () => {
    const state = stateFromCenters([1, 0, 1, 0, 0, 1], [1, 1, 1], 3, 2);
    const v: SparseVector = { size: 2, indices: Int32Array.from([0]), values: Float32Array.from([2]) };
    expect(nearestIndexed(indexCenters(state), v, 'euclidean')).toBe(0);
  });
});
