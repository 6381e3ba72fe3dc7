/**
 * StreamingKMeans inside the pipeline: drift (the stream switches language mix and the centers follow),
 * publishing versions into the ModelStore and the ModelHolder, and resuming the streaming state from a
 * checkpoint.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { replaySource } from '../../src/sources/replay.js';
import { ManualClock } from '../../src/stream/clock.js';
import { createPipeline, type PipelineOptions } from '../../src/stream/pipeline.js';
import { Featurizer } from '../../src/features/featurizer.js';
import { TimeSlicer } from '../../src/stream/slicer.js';
import { randomCentersModel, StreamingUpdater } from '../../src/stream/updater.js';
import { ModelStore } from '../../src/store/model-store.js';
import { tmpDir } from '../sources/helpers.js';
import { cosine, languageModel, meanVector, mixed, sentences, TEST_FEATURES, writeJsonl } from './fixtures.js';
import { silentLog } from './helpers.js';

const D = TEST_FEATURES.numFeatures;

function run(file: string, models: ModelHolder, extra: Partial<PipelineOptions>) {
  const clock = new ManualClock(0);
  const pipeline = createPipeline({
    source: replaySource({ file, clock }),
    models,
    batchMs: 1000,
    maxBatch: 20,
    window: { lengthMs: 1000, slideMs: 1000 },
    clock,
    log: silentLog,
    fill: true,
    ...extra,
  });
  const step = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const t = pipeline.context.pendingTime;
      clock.set(Math.max(t, clock.now()));
      await pipeline.context.awaitBatch(t);
    }
  };
  return { pipeline, step, clock };
}

describe('StreamingKMeans in the pipeline', () => {
  it('drift: when the stream switches from Spanish+English to Spanish+German, a center moves to German', async () => {
    const dir = tmpDir('drift');
    const file = path.join(dir, 'in.jsonl');
    // 10 batches of spa/eng, then 30 batches of spa/deu (texts past those the model was built from)
    writeJsonl(file, [...mixed(['spa', 'eng'], 200, 60), ...mixed(['spa', 'deu'], 600, 60)]);
    const models = new ModelHolder(languageModel(['spa', 'eng']));
    const store = new ModelStore(path.join(dir, 'models'));
    const versions: number[] = [];
    const { pipeline, step } = run(file, models, { update: { halfLife: 3, publishEvery: 5, store } });
    pipeline.events.on('model.updated', (u) => versions.push(u.version));
    const deu = meanVector(sentences('deu').slice(60));
    const spa = meanVector(sentences('spa').slice(60));
    const eng = meanVector(sentences('eng').slice(60));
    const c = () => models.current.model.centers;
    const before = cosine(c(), D, deu, 0, D);
    await pipeline.start();
    await step(10);
    const afterEnglishPhase = cosine(c(), D, deu, 0, D);
    await step(30);
    await pipeline.stop();
    const after = cosine(c(), D, deu, 0, D);
    // center 1 (was English) now points at German, center 0 stays Spanish
    // (Latin-script bigrams overlap: the English center starts at cosine ~0.83 to German)
    expect(1 - after).toBeLessThan((1 - before) / 3);
    expect(Math.abs(afterEnglishPhase - before)).toBeLessThan(0.02);
    expect(cosine(c(), D, eng, 0, D)).toBeLessThan(after - 0.1);
    expect(cosine(c(), 0, spa, 0, D)).toBeGreaterThan(0.9);
    // a version every 5 batches, in the store and in the holder
    expect(versions).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await store.versions()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await store.load()).updates).toBe(40);
    expect(models.version).toBe(9);
  });

  it('starts from random centers (setRandomCenters) and learns the languages', async () => {
    const dir = tmpDir('random');
    const file = path.join(dir, 'in.jsonl');
    writeJsonl(file, mixed(['spa', 'deu'], 400));
    const base = languageModel(['spa', 'deu']);
    const models = new ModelHolder(randomCentersModel(base, 2, 7, 0));
    const { pipeline, step } = run(file, models, { update: { decayFactor: 1, publishEvery: 20 } });
    await pipeline.start();
    await step(20);
    await pipeline.stop();
    const spa = meanVector(sentences('spa'));
    const deu = meanVector(sentences('deu'));
    const cs = models.current.model.centers;
    const best = (m: Float64Array) => Math.max(cosine(cs, 0, m, 0, D), cosine(cs, D, m, 0, D));
    expect(best(spa)).toBeGreaterThan(0.9);
    expect(best(deu)).toBeGreaterThan(0.9);
    expect(models.current.model.labels).toEqual([null, null]);
  });

  it('a restart from checkpoint continues with the same streaming centers as an uninterrupted run', async () => {
    const dir = tmpDir('resume');
    const file = path.join(dir, 'in.jsonl');
    writeJsonl(file, mixed(['spa', 'eng', 'deu'], 300));
    const model = languageModel(['spa', 'eng']);
    const update = { halfLife: 2, publishEvery: 3 };

    const straight = new ModelHolder(model);
    const a = run(file, straight, { update });
    await a.pipeline.start();
    await a.step(8);
    await a.pipeline.stop();

    const ckpt = path.join(dir, 'ckpt');
    const first = new ModelHolder(model);
    const b1 = run(file, first, { update, checkpoint: { dir: ckpt, every: 2 } });
    await b1.pipeline.start();
    await b1.step(5);
    await b1.pipeline.stop(); // checkpoint at batch 5 (on stop)
    const second = new ModelHolder(model); // a fresh process: the checkpoint restores the model
    const b2 = run(file, second, { update, checkpoint: { dir: ckpt, every: 2 } });
    await b2.pipeline.start();
    expect(second.version).toBe(first.version);
    await b2.step(3);
    await b2.pipeline.stop();

    expect(b2.pipeline.updater!.current.weights).toEqual(a.pipeline.updater!.current.weights);
    expect(b2.pipeline.updater!.current.centers).toEqual(a.pipeline.updater!.current.centers);
    expect(second.version).toBe(straight.version);
    expect(second.current.model.updates).toBe(straight.current.model.updates);
  });

  it('folding in time slices gives fold(), bit for bit', async () => {
    const model = languageModel(['spa', 'eng', 'deu']);
    const fz = new Featurizer(model.features, model.idf);
    const vectors = mixed(['spa', 'eng', 'deu'], 600).map((r) => fz.transform(r.text));
    vectors.push(fz.transform('')); // no features: left out by both
    const whole = new StreamingUpdater(new ModelHolder(model), { halfLife: 3 }, silentLog);
    const sliced = new StreamingUpdater(new ModelHolder(model), { halfLife: 3 }, silentLog);
    const slicer = new TimeSlicer(1e-6);
    for (let b = 0; b < 3; b++) {
      const part = vectors.slice(b * 200, (b + 1) * 200 + (b === 2 ? 1 : 0));
      expect(await sliced.foldSliced(part, slicer)).toEqual(whole.fold(part));
    }
    expect(slicer.yields).toBe(3); // 200 points = two chunks of 128 per batch
    expect(Array.from(sliced.current.centers)).toEqual(Array.from(whole.current.centers));
    expect(Array.from(sliced.current.weights)).toEqual(Array.from(whole.current.weights));
    expect(sliced.snapshot()).toEqual(whole.snapshot());
  });
});
