import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import { parseModel, type ClusterModel } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { ClassifierPool } from '../../src/classify/pool.js';
import { crossTexts, loadTexts } from '../../bench/lib/texts.js';
import fc from 'fast-check';
import { FUZZ_SEED, hostileText } from '../helpers/hostile.js';

const model = parseModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
const texts = crossTexts(loadTexts().texts, 3000, 11);
const pools: ClassifierPool[] = [];
async function pool(opts: Partial<Parameters<typeof ClassifierPool.create>[0]> = {}): Promise<ClassifierPool> {
  const p = await ClassifierPool.create({ model, threads: 2, ...opts });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** The pool's predictions equal the single-thread JS path's (the reference the kernel is held to). */
function expectSameAsSingleThread(m: ClusterModel, input: string[], got: Awaited<ReturnType<ClassifierPool['classify']>>) {
  const want = new Predictor(m, { kernel: 'js' }).predictBatch(input);
  expect(Array.from(got.cluster)).toEqual(Array.from(want.cluster));
  expect(Array.from(got.reason)).toEqual(Array.from(want.reason));
  expect(Array.from(got.distance)).toEqual(Array.from(want.distance));
}

describe('ClassifierPool', () => {
  it('returns the single-thread predictions in input order, for many concurrent batches of mixed sizes', async () => {
    const p = await pool({ minChunk: 7, maxChunk: 50, maxQueued: 4 });
    // hostile texts cross threads as UTF-16 code units: lone surrogates and all; '&' and 'İ' take the JS path in the worker
    const hostile = fc.sample(hostileText(), { seed: FUZZ_SEED, numRuns: 300 });
    const batches = [texts.slice(0, 1), texts.slice(1, 400), [], texts.slice(400, 1000), ['', '😀', 'a', '\ud800', 'x\udc00', 'fish &amp; chips', 'İzmir'], hostile, texts.slice(1000, 3000)];
    const results = await Promise.all(batches.map((b) => p.classify(b)));
    batches.forEach((b, i) => expectSameAsSingleThread(model, b, results[i]));
    const s = p.stats();
    expect(s.peakQueued).toBeLessThanOrEqual(4);
    expect(s.completedChunks).toBeGreaterThan(40);
  });

  it('keeps the queue bounded: callers wait for room instead of queueing without limit', async () => {
    const p = await pool({ threads: 1, minChunk: 1, maxChunk: 1, maxQueued: 3, inFlightPerThread: 1 });
    const calls = Array.from({ length: 20 }, (_, i) => p.classify(texts.slice(i * 5, i * 5 + 5)));
    let maxSeen = 0;
    const timer = setInterval(() => (maxSeen = Math.max(maxSeen, p.stats().queued)), 0);
    await Promise.all(calls);
    clearInterval(timer);
    expect(p.stats().peakQueued).toBe(3);
    expect(maxSeen).toBeLessThanOrEqual(3);
  });

  it('swaps the model on every thread', async () => {
    const p = await pool();
    const shifted: ClusterModel = { ...model, version: model.version + 1, centers: model.centers.slice().reverse() };
    await p.setModel(shifted);
    expect(p.currentModel.version).toBe(model.version + 1);
    expectSameAsSingleThread(shifted, texts.slice(0, 500), await p.classify(texts.slice(0, 500)));
  });

  it('surfaces a model a worker cannot use as an AppError with its code, at start and on swap', async () => {
    const broken: ClusterModel = { ...model, idf: null };
    const err = await ClassifierPool.create({ model: broken, threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('E_MODEL_IDF');
    const p = await pool({ threads: 1 });
    await expect(p.setModel(broken)).rejects.toMatchObject({ code: 'E_MODEL_IDF' });
    expect(p.currentModel).toBe(model);
    expectSameAsSingleThread(model, texts.slice(0, 100), await p.classify(texts.slice(0, 100)));
  });

  it('fails the chunks of a worker that dies with a retriable E_CLASSIFY_WORKER, and replaces the worker', async () => {
    // Texts reach the workers in shared memory, off their heaps, so a heap limit no longer kills one on
    // demand: the thread is stopped from outside while its one big chunk is in flight (classify posts
    // the chunk before its first await).
    const p = await pool({ threads: 1, minChunk: 1_000_000, maxChunk: 1_000_000 });
    const huge = Array.from({ length: 300_000 }, (_, i) => texts[i % texts.length]);
    const pending = p.classify(huge).catch((e: unknown) => e);
    const slots = (p as unknown as { slots: Array<{ worker: { terminate(): Promise<number> }; inFlight: Map<number, unknown> }> }).slots;
    expect(slots[0].inFlight.size).toBe(1);
    await slots[0].worker.terminate();
    const err = await pending;
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'E_CLASSIFY_WORKER', retriable: true });
    const after = await p.classify(texts.slice(0, 50));
    expectSameAsSingleThread(model, texts.slice(0, 50), after);
    expect(p.stats().replacedWorkers).toBe(1);
  });

  it('close() lets running work finish, then refuses new work with E_POOL_CLOSED', async () => {
    const p = await pool({ minChunk: 10, maxChunk: 10 });
    const running = p.classify(texts.slice(0, 1000));
    const closed = p.close();
    expectSameAsSingleThread(model, texts.slice(0, 1000), await running);
    await closed;
    await expect(p.classify(['hola'])).rejects.toMatchObject({ code: 'E_POOL_CLOSED' });
    await p.close(); // idempotent
  });

  it('rejects bad options with a ConfigError', async () => {
    await expect(ClassifierPool.create({ model, threads: 0 })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
  });
});
