import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Positions } from '../../src/sources/types.js';
import { CheckpointStore, checkpointFileName } from '../../src/stream/checkpoint.js';
import type { DStream } from '../../src/stream/dstream.js';
import { collect, harness, runBatches, silentLog, sorted, until } from './helpers.js';

const dirs: string[] = [];
function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-ctx-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An endless numbered source that resumes from positions and counts how far it was pulled. */
function numbers(stats: { pulled: number }, limit = Infinity) {
  return async function* ({ resume, signal }: { resume?: Positions; signal: AbortSignal }) {
    let i = Number(resume?.n ?? 0);
    while (!signal.aborted && i < limit) {
      stats.pulled++;
      yield i++;
    }
  };
}

describe('receiver inputs: batch size and backpressure', () => {
  it('a slow output pauses the source: it is never pulled beyond the buffer capacity', async () => {
    const h = harness({ maxBatch: 10, capacity: 20 });
    const stats = { pulled: 0 };
    const s = h.ctx.receiverStream(numbers(stats), { position: (i: number) => ['n', i + 1] as const });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sizes: number[] = [];
    const seen: number[] = [];
    s.foreachBatch(async (items) => {
      sizes.push(items.length);
      seen.push(...items);
      await gate; // the sink is stuck
    });
    await h.ctx.start();
    await until(() => stats.pulled >= 20, 'the buffer to fill');
    h.clock.advance(1000); // batch 1 starts, takes 10, and blocks in the sink
    await until(() => sizes.length === 1, 'batch 1 to reach the sink');
    await until(() => stats.pulled >= 30, 'the buffer to refill');
    h.clock.advance(5000); // five more batch times pass while the sink is stuck
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
    // buffer (20) + the batch in the sink (10) + one item the pump holds while waiting for space
    expect(stats.pulled).toBeLessThanOrEqual(31);
    release();
    await h.ctx.awaitBatch(6000); // the late batches run back to back, at most 10 items each
    expect(sizes.length).toBe(6);
    expect(sizes[0]).toBe(10);
    expect(Math.max(...sizes)).toBe(10);
    expect(seen).toEqual([...Array(seen.length).keys()]); // nothing lost, nothing reordered
    await h.ctx.stop();
  });

  it('fill mode cuts batches of exactly maxBatch until the input ends, then stops by itself', async () => {
    const h = harness({ maxBatch: 4, fill: true, stopWhenDone: true });
    const stats = { pulled: 0 };
    const out = collect(h.ctx.receiverStream(numbers(stats, 10)));
    await h.ctx.start();
    await runBatches(h, 3);
    await h.ctx.done;
    expect(out.map((b) => b.items)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(h.ctx.state).toBe('stopped');
  });

  it('a failing source stops the context and rejects done', async () => {
    const h = harness();
    const s = h.ctx.receiverStream<number>(async function* () {
      yield 1;
      throw new Error('disk on fire');
    });
    collect(s);
    await h.ctx.start();
    await expect(h.ctx.done).rejects.toThrow('disk on fire');
    expect(h.ctx.state).toBe('failed');
  });

  it('refuses a graph without output and additions after start', async () => {
    const h = harness();
    const s = h.ctx.queueStream<number>([]);
    await expect(h.ctx.start()).rejects.toMatchObject({ code: 'E_NO_OUTPUT' });
    const h2 = harness();
    const s2 = h2.ctx.queueStream<number>([]);
    collect(s2);
    await h2.ctx.start();
    expect(() => s2.map((x) => x)).toThrow(/cannot be added once the context has started/);
    await h2.ctx.stop();
    void s;
  });

  it('a throwing or never-settling event listener does not stall batches', async () => {
    const h = harness();
    const out = collect(h.ctx.queueStream<number>([[1], [2], [3]]));
    h.ctx.events.on('batch.end', () => {
      throw new Error('listener bug');
    });
    h.ctx.events.on('batch.start', () => new Promise(() => undefined));
    await h.ctx.start();
    await runBatches(h, 3);
    await h.ctx.stop();
    expect(out.map((b) => b.items)).toEqual([[1], [2], [3]]);
  });
});

describe('checkpoints: a restarted context resumes positions and operator state', () => {
  function build(h: ReturnType<typeof harness>, stats: { pulled: number }, limit: number) {
    const nums = h.ctx.receiverStream(numbers(stats, limit), { name: 'numbers', position: (i: number) => ['n', i + 1] as const });
    const parity = nums.map((i): [string, number] => [i % 2 ? 'odd' : 'even', 1]);
    const totals = collect(parity.updateStateByKey<string, number, number>((v, s) => (s ?? 0) + v.length));
    const windowed = collect(parity.reduceByKeyAndWindow((a, b) => a + b, 3000, 1000, { inverse: (a, b) => a - b }));
    const seen = collect(nums as DStream<number>);
    return { totals, windowed, seen };
  }

  it('continues counts, windows and positions after a stop and restart', async () => {
    const dir = tmpDir();
    // first run: 3 batches of 5, checkpoint every 2 batches and at stop
    const h1 = harness({ maxBatch: 5, fill: true, checkpoint: { dir, every: 2 } });
    const r1 = build(h1, { pulled: 0 }, 30);
    await h1.ctx.start();
    await runBatches(h1, 3);
    await h1.ctx.stop();
    expect(r1.seen.flatMap((b) => b.items)).toEqual([...Array(15).keys()]);
    const store = new CheckpointStore(dir);
    expect(await store.times()).toEqual([2000, 3000]);
    const last = await store.read(3000);
    expect(last.inputs['0:numbers']).toEqual({ n: 15 });

    // second run, later: picks up at 15 with the same totals and window contents
    const h2 = harness({ maxBatch: 5, fill: true, checkpoint: { dir, every: 2 }, start: 10_500 });
    const r2 = build(h2, { pulled: 0 }, 30);
    const restored = await h2.ctx.start();
    expect(restored?.time).toBe(3000);
    await runBatches(h2, 3);
    await h2.ctx.stop();
    expect(r2.seen.flatMap((b) => b.items)).toEqual([...Array(15).keys()].map((i) => i + 15));
    expect(r2.seen.map((b) => b.time)).toEqual([11_000, 12_000, 13_000]);
    expect(sorted(r2.totals.at(-1)!.items)).toEqual([
      ['even', 15],
      ['odd', 15],
    ]);
    // the first window after the restart still holds the batches at 2000 and 3000? No: they are older
    // than 11000 - 3000, so it holds only the new batch (5 numbers: 15..19 -> 2 even, 3 odd)
    expect(sorted(r2.windowed[0].items).filter(([, v]) => v !== 0)).toEqual([
      ['even', 2],
      ['odd', 3],
    ]);
  });

  it('restores window state that is still inside the window', async () => {
    const dir = tmpDir();
    const h1 = harness({ maxBatch: 2, fill: true, checkpoint: { dir, every: 1 } });
    build(h1, { pulled: 0 }, 100);
    await h1.ctx.start();
    await runBatches(h1, 2); // batches 1000 (0,1) and 2000 (2,3)
    await h1.ctx.stop();
    const h2 = harness({ maxBatch: 2, fill: true, checkpoint: { dir, every: 1 }, start: 2000 });
    const r2 = build(h2, { pulled: 0 }, 100);
    await h2.ctx.start();
    await runBatches(h2, 1); // batch 3000 (4,5): the window (0, 3000] holds all six
    await h2.ctx.stop();
    expect(r2.windowed[0].time).toBe(3000);
    expect(sorted(r2.windowed[0].items)).toEqual([
      ['even', 3],
      ['odd', 3],
    ]);
  });

  it('refuses a checkpoint of another graph or batch interval, and skips a damaged newest file', async () => {
    const dir = tmpDir();
    const h1 = harness({ maxBatch: 2, fill: true, checkpoint: { dir } });
    build(h1, { pulled: 0 }, 100);
    await h1.ctx.start();
    await runBatches(h1, 1);
    await h1.ctx.stop();

    const other = harness({ checkpoint: { dir } });
    collect(other.ctx.queueStream<[string, number]>([]).updateStateByKey<string, number, number>((v) => v.length));
    await expect(other.ctx.start()).rejects.toMatchObject({ code: 'E_CHECKPOINT_GRAPH' });

    const slower = harness({ batchMs: 500, maxBatch: 2, fill: true, checkpoint: { dir } });
    build(slower, { pulled: 0 }, 100);
    await expect(slower.ctx.start()).rejects.toMatchObject({ code: 'E_CHECKPOINT_MISMATCH' });

    writeFileSync(path.join(dir, checkpointFileName(99_000)), '{"format": "tweetlang-checkpoint", "formatVer');
    const h3 = harness({ maxBatch: 2, fill: true, checkpoint: { dir }, start: 5000 });
    const warnings: string[] = [];
    h3.ctx.events.on('warning', (w) => warnings.push(w.code));
    const r3 = build(h3, { pulled: 0 }, 100);
    const restored = await h3.ctx.start();
    expect(restored?.time).toBe(1000);
    expect(warnings).toEqual(['E_CHECKPOINT_INVALID']);
    await runBatches(h3, 1);
    await h3.ctx.stop();
    expect(r3.seen[0].items).toEqual([2, 3]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    void silentLog;
  });
});
