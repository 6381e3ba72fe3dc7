import { beforeAll, describe, expect, it } from 'vitest';
import { kmeans, updateCenters } from '../../src/clustering/kmeans.js';
import { assignToCenters } from '../../src/clustering/assign.js';
import { initBackend, tf } from '../../src/linalg/backend.js';
import { ari } from '../../training/metrics.js';
import { blobs, denseRows } from '../helpers/synthetic.js';
import { AppError } from '../../src/errors.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('kmeans', () => {
  it.each(['k-means||', 'k-means++', 'random'] as const)('recovers well-separated clusters (%s init)', async (init) => {
    const { data, truth } = blobs(600, 4, 24, 11);
    const res = await kmeans(data, { k: 4, seed: 5, init, runs: 3 });
    expect(ari(Array.from(res.assignments), truth)).toBeGreaterThan(0.99);
    expect(res.converged).toBe(true);
    expect(Array.from(res.counts).sort()).toEqual([150, 150, 150, 150]);
  });

  it('recovers clusters with cosine distance and returns unit centers', async () => {
    const { data, truth } = blobs(400, 4, 24, 3);
    const res = await kmeans(data, { k: 4, seed: 2, distance: 'cosine' });
    expect(ari(Array.from(res.assignments), truth)).toBeGreaterThan(0.99);
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 24; i++) s += res.centers[j * 24 + i] ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic for a seed, and differs across seeds on ambiguous data', async () => {
    const { data } = blobs(300, 6, 12, 9, 3); // heavy noise: many local optima
    const a = await kmeans(data, { k: 6, seed: 42, init: 'random' });
    const b = await kmeans(data, { k: 6, seed: 42, init: 'random' });
    expect(Array.from(b.centers)).toEqual(Array.from(a.centers));
    expect(b.costHistory).toEqual(a.costHistory);
    const c = await kmeans(data, { k: 6, seed: 43, init: 'random' });
    expect(Array.from(c.centers)).not.toEqual(Array.from(a.centers));
  });

  it('leaves the input matrix unchanged', async () => {
    const { data } = blobs(200, 3, 10, 4);
    const before = Array.from(data.values);
    await kmeans(data, { k: 3, seed: 1, distance: 'cosine' });
    expect(Array.from(data.values)).toEqual(before);
  });

  it('cost never increases across Lloyd iterations (euclidean)', async () => {
    const { data } = blobs(500, 5, 20, 8, 2);
    const res = await kmeans(data, { k: 5, seed: 3, init: 'random', maxIterations: 30, epsilon: 0 });
    for (let i = 1; i < res.costHistory.length; i++) expect(res.costHistory[i]).toBeLessThanOrEqual(res.costHistory[i - 1] * (1 + 1e-6));
  });

  it('best of runs has the lowest cost of all runs', async () => {
    const { data } = blobs(300, 5, 10, 21, 2.5);
    const res = await kmeans(data, { k: 5, seed: 7, init: 'random', runs: 4 });
    expect(res.runCosts).toHaveLength(4);
    expect(res.cost).toBe(Math.min(...res.runCosts));
    expect(res.runCosts[res.bestRun]).toBe(res.cost);
  });

  it('stops at maxIterations and reports progress for each iteration', async () => {
    const { data } = blobs(300, 3, 10, 5, 2);
    const events: string[] = [];
    const res = await kmeans(data, { k: 3, seed: 1, maxIterations: 2, epsilon: 0, onProgress: (e) => events.push(e.phase) });
    expect(res.iterations).toBe(2);
    expect(res.converged).toBe(false);
    expect(events).toEqual(['init', 'iteration', 'iteration', 'run-done']);
  });

  it('rejects bad options and data with codes', async () => {
    const { data } = blobs(10, 2, 4, 1);
    await expect(kmeans(data, { k: 0 })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
    await expect(kmeans(data, { k: 11 })).rejects.toMatchObject({ code: 'E_K_TOO_LARGE' });
    await expect(kmeans(data, { k: 2, epsilon: -1 })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
    await expect(kmeans(data, { k: 2, init: 'nope' as never })).rejects.toBeInstanceOf(AppError);
    const zero = denseRows([
      [1, 0],
      [0, 0],
    ]);
    await expect(kmeans(zero, { k: 1, distance: 'cosine' })).rejects.toMatchObject({ code: 'E_ZERO_VECTOR' });
  });
});

describe('Lloyd step semantics', () => {
  it('an empty cluster keeps its center', () => {
    const centers = Float32Array.from([0, 0, 10, 10, 5, 5]);
    const sums = Float64Array.from([2, 4, 0, 0, 12, 12]);
    const counts = Float64Array.from([2, 0, 2]);
    updateCenters(centers, sums, counts, 3, 2, 'euclidean');
    expect(Array.from(centers)).toEqual([1, 2, 10, 10, 6, 6]);
  });

  it('assigns ties to the lowest index', async () => {
    const data = denseRows([[1, 0]]);
    // both centers are at distance 1 from (1, 0)
    const res = await assignToCenters(data, Float32Array.from([1, 1, 1, -1]), 2, { distance: 'euclidean' });
    expect(res.assignments[0]).toBe(0);
    const res2 = await assignToCenters(data, Float32Array.from([5, 5, 1, 1, 1, -1]), 3, { distance: 'euclidean' });
    expect(res2.assignments[0]).toBe(1);
  });

  it('cost is the WSSSE to the nearest centers, a far center winning nothing', async () => {
    const data = denseRows([
      [0, 0],
      [0, 1],
      [10, 10],
      [10, 11],
    ]);
    const res = await assignToCenters(data, Float32Array.from([0, 0.5, 10, 10.5, 100, 100]), 3, { distance: 'euclidean' });
    expect(Array.from(res.assignments)).toEqual([0, 0, 1, 1]);
    expect(res.cost).toBeCloseTo(4 * 0.25, 6);
  });
});

describe('backends agree', () => {
  it('cpu and wasm give the same model on the same data', async () => {
    const { data } = blobs(400, 4, 16, 17, 1.5);
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = await kmeans(data, { k: 4, seed: 9 });
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await kmeans(data, { k: 4, seed: 9 });
    expect(Array.from(onWasm.assignments)).toEqual(Array.from(onCpu.assignments));
    for (let i = 0; i < onCpu.centers.length; i++) expect(onWasm.centers[i]).toBeCloseTo(onCpu.centers[i], 4);
    expect(onWasm.cost).toBeCloseTo(onCpu.cost, 2);
  });
});
