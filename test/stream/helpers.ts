/** Driving a StreamingContext batch by batch with a ManualClock (no test waits on wall-clock time). */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ManualClock } from '../../src/stream/clock.js';
import { StreamingContext, type ContextOptions } from '../../src/stream/context.js';
import type { DStream } from '../../src/stream/dstream.js';

export const silentLog = pino({ level: 'silent' });

export interface Harness {
  clock: ManualClock;
  ctx: StreamingContext;
}

export function harness(opts: Partial<ContextOptions> & { start?: number } = {}): Harness {
  const clock = new ManualClock(opts.start ?? 0);
  const ctx = new StreamingContext({ batchMs: 1000, log: silentLog, ...opts, clock });
  return { clock, ctx };
}

/** Runs the next `n` batches: moves the clock to each batch time and waits for the batch to finish. */
export async function runBatches(h: Harness, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = h.ctx.pendingTime;
    h.clock.set(Math.max(t, h.clock.now()));
    await h.ctx.awaitBatch(t);
    times.push(t);
  }
  return times;
}

export interface Collected<T> {
  time: number;
  items: T[];
}

/** Records every batch a stream outputs. */
export function collect<T>(stream: DStream<T>): Collected<T>[] {
  const out: Collected<T>[] = [];
  stream.foreachBatch((items, time) => {
    out.push({ time, items: [...items] });
  });
  return out;
}

/** A Writable that keeps what is written. */
export function memoryOut(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

/** Waits for a condition, checking often; fails after a generous deadline (never a fixed sleep). */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition', deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (let i = 0; ; i++) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => (i < 50 ? setImmediate(r) : setTimeout(r, 2)));
  }
}

/** Sorted copy of [key, value] entries (for comparing per-key outputs regardless of order). */
export function sorted<K, V>(entries: ReadonlyArray<readonly [K, V]>): Array<[K, V]> {
  return [...entries].map(([k, v]) => [k, v] as [K, V]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
}
