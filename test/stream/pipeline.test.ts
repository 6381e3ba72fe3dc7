import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { IoError, InputError } from '../../src/errors.js';
import type { OutputBatch, Sink } from '../../src/sinks/types.js';
import { replaySource } from '../../src/sources/replay.js';
import { CheckpointStore } from '../../src/stream/checkpoint.js';
import { ManualClock } from '../../src/stream/clock.js';
import { createPipeline, defaultWindow, type PipelineOptions } from '../../src/stream/pipeline.js';
import type { BatchInfo, BatchStats } from '../../src/stream/pipeline-types.js';
import { ModelStore } from '../../src/store/model-store.js';
import { tmpDir } from '../sources/helpers.js';
import { languageModel, mixed, writeJsonl } from './fixtures.js';
import { silentLog, until } from './helpers.js';

function memorySink(name = 'memory'): Sink & { batches: OutputBatch[] } {
  const batches: OutputBatch[] = [];
  return { name, batches, write: async (b) => void batches.push(b), close: async () => undefined };
}

const LANGS = ['spa', 'eng', 'deu'];

function setup(count: number, extra: Partial<PipelineOptions> = {}) {
  const dir = tmpDir('pipe');
  const file = path.join(dir, 'in.jsonl');
  const rows = mixed(LANGS, count, 100).map((r, i) => ({ ...r, text: i % 3 === 0 ? `${r.text} #Derechos #hoy` : r.text }));
  writeJsonl(file, rows);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const models = new ModelHolder(languageModel(LANGS));
  const sink = memorySink();
  const tap = memorySink('tap');
  const pipeline = createPipeline({
    source: replaySource({ file, clock }),
    models,
    sinks: [sink],
    taps: [tap],
    batchMs: 1000,
    maxBatch: 10,
    window: { lengthMs: 2000, slideMs: 1000 },
    clock,
    log: silentLog,
    fill: true,
    ...extra,
  });
  const step = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      const t = pipeline.context.pendingTime;
      clock.set(Math.max(t, clock.now()));
      await pipeline.context.awaitBatch(t);
    }
  };
  return { dir, file, rows, clock, models, sink, tap, pipeline, step };
}

describe('tweet pipeline', () => {
  it('classifies each batch with one model, filters by label into sinks, gives taps everything', async () => {
    const s = setup(30, { filter: { labels: ['spa'] } });
    const ends: BatchInfo[] = [];
    s.pipeline.events.on('batch.end', (b) => ends.push(b));
    await s.pipeline.start();
    expect(s.pipeline.running).toBe(true);
    await s.step(3);
    await s.pipeline.stop();
    expect(s.pipeline.running).toBe(false);
    // an independent predictor says which records are Spanish
    const oracle = new Predictor(s.models.current.model);
    const expectedSpa = s.rows.filter((r) => oracle.predict(r.text).label === 'spa').map((r) => r.id);
    const truthSpa = s.rows.filter((r) => r.lang === 'spa').map((r) => r.id);
    expect(expectedSpa.filter((id) => truthSpa.includes(id)).length).toBeGreaterThanOrEqual(9); // the model is good
    expect(s.sink.batches.flatMap((b) => b.items.map((c) => c.record.value.id))).toEqual(expectedSpa);
    expect(s.sink.batches.every((b) => b.items.every((c) => c.label === 'spa' && c.modelVersion === 1))).toBe(true);
    expect(s.tap.batches.map((b) => b.items.length)).toEqual([10, 10, 10]);
    expect(s.tap.batches.map((b) => b.time)).toEqual([1, 2, 3].map((i) => Date.UTC(2026, 0, 1) + i * 1000));
    expect(ends.map((e) => [e.records, e.matched])).toEqual(s.sink.batches.map((b) => [10, b.items.length]));
    const labels = s.tap.batches.flatMap((b) => b.items.map((c) => c.label ?? 'unknown'));
    const perLabel: Record<string, number> = {};
    for (const l of labels) perLabel[l] = (perLabel[l] ?? 0) + 1;
    const summed: Record<string, number> = {};
    for (const e of ends) for (const [l, n] of Object.entries(e.perLabel)) summed[l] = (summed[l] ?? 0) + n;
    expect(summed).toEqual(perLabel);
  });

  it('counts per cluster and top hashtags over the window; running totals per cluster', async () => {
    const s = setup(40);
    await s.pipeline.start();
    await s.step(3);
    const st = s.pipeline.stats();
    // window 2 s = the last two batches: records 10..29
    const inWindow = s.tap.batches.slice(1, 3).flatMap((b) => b.items);
    expect(st.asOf).toBe(s.tap.batches[2].time);
    expect(st.total).toBe(20);
    const byCluster = new Map<number, number>();
    for (const c of inWindow) byCluster.set(c.cluster!, (byCluster.get(c.cluster!) ?? 0) + 1);
    expect(new Map(st.clusters.map((c) => [c.cluster, c.count]))).toEqual(byCluster);
    expect(st.clusters.map((c) => c.count)).toEqual([...st.clusters.map((c) => c.count)].sort((a, b) => b - a));
    for (const c of st.clusters) {
      const tagged = inWindow.filter((x) => x.cluster === c.cluster && x.record.value.text.includes('#Derechos')).length;
      expect(c.topHashtags).toEqual(tagged ? [{ tag: '#derechos', count: tagged }, { tag: '#hoy', count: tagged }] : []);
      expect(c.label).toBe(LANGS[c.cluster]);
    }
    const totals: Record<string, number> = {};
    for (const c of s.tap.batches.flatMap((b) => b.items)) totals[String(c.cluster)] = (totals[String(c.cluster)] ?? 0) + 1;
    expect(s.pipeline.totals()).toEqual(totals);
    await s.pipeline.stop();
  });

  it('rounds the default stats window (20 s every 10 s) up to multiples of the batch interval', () => {
    expect(defaultWindow(1000)).toEqual({ lengthMs: 20_000, slideMs: 10_000 });
    expect(defaultWindow(3000)).toEqual({ lengthMs: 24_000, slideMs: 12_000 });
    expect(defaultWindow(15_000)).toEqual({ lengthMs: 30_000, slideMs: 15_000 });
    const s = setup(3, { batchMs: 3000, window: undefined });
    expect(s.pipeline.stats()).toMatchObject({ windowMs: 24_000, slideMs: 12_000, total: 0, clusters: [] });
  });

  it('rejects a filter the model cannot match', () => {
    expect(() => setup(3, { filter: { labels: ['jpn'] } })).toThrow(/label "jpn" is not a label of the model; its labels: deu, eng, spa/);
    expect(() => setup(3, { filter: { clusters: [3] } })).toThrow(/cluster 3 does not exist: the model has clusters 0 to 2/);
  });

  it('picks up a newer model version from the store between batches; a broken one is reported and skipped', async () => {
    const storeDir = tmpDir('store');
    const store = new ModelStore(storeDir);
    await store.save(languageModel(LANGS));
    const s = setup(30, { modelPath: storeDir, modelPollMs: 500 });
    const warnings: Array<{ code: string }> = [];
    const updates: Array<{ version: number }> = [];
    s.pipeline.events.on('warning', (w) => warnings.push(w));
    s.pipeline.events.on('model.updated', (u) => updates.push(u));
    await s.pipeline.start();
    await s.step(1);
    // a retrained model: same languages, other cluster order
    await store.save(languageModel(['deu', 'spa', 'eng']));
    s.clock.advance(500);
    await until(() => s.models.version === 2, 'the new version');
    await s.step(1);
    // a damaged version 3
    writeFileSync(path.join(storeDir, 'model-000003.json'), '{"format": "tweetlang-model", "formatVersion": 1, "k": 2}');
    writeFileSync(path.join(storeDir, 'CURRENT'), 'model-000003.json\n');
    s.clock.advance(500);
    await until(() => warnings.length === 1, 'the warning');
    await s.step(1);
    await s.pipeline.stop();
    expect(updates).toEqual([{ version: 2, source: storeDir }]);
    expect(warnings[0].code).toBe('E_MODEL_INVALID');
    expect(s.tap.batches.map((b) => [...new Set(b.items.map((c) => c.modelVersion))])).toEqual([[1], [2], [2]]);
    // the swapped model moved Spanish to cluster 1
    const spa = s.tap.batches[1].items.filter((c) => c.label === 'spa');
    expect(spa.length).toBeGreaterThan(0);
    expect(spa.every((c) => c.cluster === 1)).toBe(true);
  });

  it('emits batch.stats: per-cluster sums and counts of the batch', async () => {
    const s = setup(20);
    const stats: BatchStats[] = [];
    s.pipeline.events.on('batch.stats', (b) => stats.push(b));
    await s.pipeline.start();
    await s.step(2);
    await s.pipeline.stop();
    expect(stats.map((b) => b.time)).toEqual(s.tap.batches.map((b) => b.time));
    for (const [i, b] of stats.entries()) {
      const items = s.tap.batches[i].items;
      expect(Array.from(b.stats.counts)).toEqual(LANGS.map((_, j) => items.filter((c) => c.cluster === j).length));
      expect(b.points).toBe(10);
      expect(b.modelVersion).toBe(1);
      // every vector is L2-normalised, so the sum of a cluster's row has norm <= its count
      for (let j = 0; j < b.stats.k; j++) {
        let n2 = 0;
        for (let x = 0; x < b.stats.d; x++) n2 += b.stats.sums[j * b.stats.d + x] ** 2;
        expect(Math.sqrt(n2)).toBeLessThanOrEqual(b.stats.counts[j] + 1e-9);
        if (b.stats.counts[j] > 0) expect(n2).toBeGreaterThan(0);
      }
    }
  });

  it('stop() drains the batch in flight and checkpoints the positions of what was processed', async () => {
    const ckpt = tmpDir('ckpt');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Sink = { name: 'slow', write: () => gate, close: async () => undefined };
    const s = setup(30, { sinks: [slow], checkpoint: { dir: ckpt, every: 100 } });
    await s.pipeline.start();
    s.clock.set(s.pipeline.context.pendingTime);
    await until(() => s.pipeline.context.state === 'running' && s.tap.batches.length === 1, 'batch 1 in the sink');
    const stopping = s.pipeline.stop();
    release();
    await stopping;
    const c = (await new CheckpointStore(ckpt).latest())!;
    expect(c.time).toBe(s.tap.batches[0].time);
    const last = s.tap.batches[0].items.at(-1)!.record;
    expect(Object.values(c.inputs)).toEqual([{ [last.partition]: last.next }]);
  });

  it('retries a sink that fails with a retriable error; a tap failure is only a warning; a hard failure stops', async () => {
    let calls = 0;
    const flaky: Sink = {
      name: 'flaky',
      write: async () => {
        if (++calls === 1) throw new IoError('E_DISK_FULL', 'no space left on device');
      },
      close: async () => undefined,
    };
    const brokenTap: Sink = { name: 'hub', write: async () => Promise.reject(new Error('hub down')), close: async () => undefined };
    const s = setup(30, { sinks: [flaky], taps: [brokenTap], sinkRetryMs: 100 });
    const warnings: string[] = [];
    s.pipeline.events.on('warning', (w) => warnings.push(w.code));
    await s.pipeline.start();
    s.clock.set(s.pipeline.context.pendingTime);
    await until(() => s.clock.waiting >= 1 && calls === 1, 'the retry wait');
    s.clock.advance(100);
    await s.pipeline.context.awaitBatch(s.clock.now() - 100);
    expect(calls).toBe(2);
    expect(warnings.sort()).toEqual(['E_DISK_FULL', 'E_TAP']);
    await s.pipeline.stop();

    const hard: Sink = { name: 'hard', write: async () => Promise.reject(new InputError('E_BAD', 'refused')), close: async () => undefined };
    const s2 = setup(30, { sinks: [hard] });
    await s2.pipeline.start();
    s2.clock.set(s2.pipeline.context.pendingTime);
    await expect(s2.pipeline.done).rejects.toThrow(/sink hard failed on batch \d+: refused/);
    expect(s2.pipeline.running).toBe(false);
  });

  it('classifies on worker threads (classifyThreads) with the answers of the main thread', async () => {
    const s = setup(40, { classifyThreads: 2, maxBatch: 20, filter: { labels: ['spa'] } });
    await s.pipeline.start();
    await s.step(2);
    await s.pipeline.stop();
    const oracle = new Predictor(s.models.current.model);
    const items = s.tap.batches.flatMap((b) => b.items);
    expect(items.map((c) => c.record.value.id)).toEqual(s.rows.map((r) => r.id));
    for (const c of items) expect({ cluster: c.cluster, label: c.label, distance: c.distance }).toEqual(oracle.predict(c.record.value.text));
    expect(s.sink.batches.flatMap((b) => b.items.map((c) => c.record.value.id))).toEqual(items.filter((c) => c.label === 'spa').map((c) => c.record.value.id));
  });

  it('gives the event loop turns while a batch is processed (time slices)', async () => {
    // a budget of ~0 ms: every slice is used up at once, so the batch pauses between every chunk and operator
    const s = setup(30, { sliceMs: 1e-6, update: { decayFactor: 0.9 } });
    const seen: string[] = [];
    s.pipeline.events.on('batch.start', () => setImmediate(() => seen.push('immediate')));
    s.pipeline.events.on('batch.end', () => seen.push('end'));
    await s.pipeline.start();
    await s.step(2);
    await s.pipeline.stop();
    // an immediate queued at batch.start ran before the batch ended, both times
    expect(seen.slice(0, 4)).toEqual(['immediate', 'end', 'immediate', 'end']);
    expect(s.pipeline.context.slicer.yields).toBeGreaterThan(10);
  });
});
