/**
 * The pipeline's classification (classifyRecords) gives, record by record, what an independent Predictor's
 * predict() gives (the answer of POST /v1/predict): same cluster, label, distance and model version, on the
 * main thread (in any number of time slices) or on worker threads, with or without the feature vectors;
 * the vectors are the featurizer's own transform(). A failing pool falls back to the main thread.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ClassifierPool } from '../../src/classify/pool.js';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { parseModel, type ClusterModel } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { Featurizer } from '../../src/features/featurizer.js';
import type { SourceRecord } from '../../src/sources/types.js';
import { classifyRecords, type Scored } from '../../src/stream/classify.js';
import { TimeSlicer } from '../../src/stream/slicer.js';
import { loadTexts } from '../../bench/lib/texts.js';

const model = parseModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
const TEXTS = [...loadTexts().texts.slice(0, 1200), '', ' ', '😀', 'a', 'ab', '#hola #amigos', 'http://x.y/z', '@user', '12345'];

const records = (texts: readonly string[]): SourceRecord[] =>
  texts.map((text, i) => ({ value: { text, id: String(i) }, partition: 'p', next: i + 1, receivedAt: 1_000 + i }));

/** A second model: the same centers in reverse order, another version (its clusters are numbered differently). */
function reversedModel(m: ClusterModel): ClusterModel {
  const d = m.features.numFeatures;
  const centers = new Float32Array(m.centers.length);
  for (let j = 0; j < m.k; j++) centers.set(m.centers.subarray((m.k - 1 - j) * d, (m.k - j) * d), j * d);
  return { ...m, version: m.version + 7, centers, labels: [...m.labels].reverse(), weights: [...m.weights].reverse() };
}

function expectAsPredict(m: ClusterModel, recs: readonly SourceRecord[], got: readonly Scored[]): void {
  const oracle = new Predictor(m);
  expect(got.length).toBe(recs.length);
  got.forEach((s, i) => {
    expect(s.item.record).toBe(recs[i]);
    expect({ cluster: s.item.cluster, label: s.item.label, distance: s.item.distance }).toEqual(oracle.predict(recs[i].value.text));
    expect(s.item.modelVersion).toBe(m.version);
  });
}

const pools: ClassifierPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('classifyRecords', () => {
  const recs = records(TEXTS);

  it('on the main thread: what predict() gives, no vectors unless asked', async () => {
    const got = await classifyRecords(recs, new ModelHolder(model).current, { slicer: new TimeSlicer(5) });
    expectAsPredict(model, recs, got);
    expect(got.every((s) => s.vector === null)).toBe(true);
    expect(got.filter((s) => s.item.cluster === null).length).toBeGreaterThan(0); // texts without features are there
  });

  it('in many time slices (the event loop turns between them): the same answers', async () => {
    const slicer = new TimeSlicer(1e-6);
    // an immediate queued now runs only if the classification gives the event loop a turn before it ends
    let turned = false;
    setImmediate(() => (turned = true));
    const got = await classifyRecords(recs, new ModelHolder(model).current, { slicer });
    expect(turned).toBe(true);
    expect(slicer.yields).toBeGreaterThanOrEqual(Math.floor(recs.length / 128));
    expectAsPredict(model, recs, got);
  });

  it('with vectors: each is the featurizer transform() of the text', async () => {
    const got = await classifyRecords(recs, new ModelHolder(model).current, { slicer: new TimeSlicer(5), vectors: true });
    expectAsPredict(model, recs, got);
    const fz = new Featurizer(model.features, model.idf);
    got.forEach((s, i) => {
      const want = fz.transform(TEXTS[i]);
      expect(Array.from(s.vector!.indices)).toEqual(Array.from(want.indices));
      expect(Array.from(s.vector!.values)).toEqual(Array.from(want.values));
    });
  });

  it('on worker threads: the same answers; the pool follows the snapshot model', async () => {
    const pool = await ClassifierPool.create({ model, threads: 2, minChunk: 50 });
    pools.push(pool);
    const errors: string[] = [];
    const onPoolError = (code: string) => errors.push(code);
    const first = await classifyRecords(recs, new ModelHolder(model).current, { slicer: new TimeSlicer(5), pool, onPoolError, vectors: true });
    expectAsPredict(model, recs, first);
    expect(pool.stats().completedChunks).toBeGreaterThan(0);
    const other = reversedModel(model);
    const second = await classifyRecords(recs, new ModelHolder(other).current, { slicer: new TimeSlicer(5), pool, onPoolError });
    expect(pool.currentModel).toBe(other);
    expectAsPredict(other, recs, second);
    expect(second.some((s, i) => s.item.cluster !== first[i].item.cluster)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a pool that fails: reported, and the batch is classified on the main thread', async () => {
    const pool = await ClassifierPool.create({ model, threads: 1 });
    await pool.close();
    const errors: string[] = [];
    const got = await classifyRecords(recs, new ModelHolder(model).current, { slicer: new TimeSlicer(5), pool, onPoolError: (code) => errors.push(code) });
    expect(errors).toEqual(['E_POOL_CLOSED']);
    expectAsPredict(model, recs, got);
  });

  it('random texts: the same answers as predict()', async () => {
    const parts = ['a', 'é', 'ж', '中', 'ก', ' ', 'the ', 'und ', 'de ', '😀', '@user ', 'http://x ', '#tag ', '1', '.'].map((s) => fc.constant(s));
    const text = fc.array(fc.oneof(...parts), { maxLength: 30 }).map((p) => p.join(''));
    const snap = new ModelHolder(model).current;
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 40 }), async (texts) => {
        const rs = records(texts);
        expectAsPredict(model, rs, await classifyRecords(rs, snap, { slicer: new TimeSlicer(0.01) }));
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
