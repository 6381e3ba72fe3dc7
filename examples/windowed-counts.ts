/**
 * Windowed counts, with and without the inverse function (Spark's reduceByKeyAndWindow): counts of
 * event types over the last 30 s, every 10 s, computed two ways. The plain window reduces every batch
 * in the window; the incremental one adds the batches that entered and subtracts (inverse) those that
 * left, and drops keys whose count fell to zero. Both print the same counts.
 *
 *   node --import tsx examples/windowed-counts.ts          # 60 s of simulated events, 1 s batches
 */
import { createRng } from '../src/linalg/random.js';
import { StreamingContext } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import { isMain } from './run.js';

export const EVENT_TYPES = ['click', 'view', 'purchase', 'signup'];

export function windowed(events: DStream<string>, lengthMs = 30_000, slideMs = 10_000) {
  const pairs = events.map((e): [string, number] => [e, 1]);
  const plain = pairs.reduceByKeyAndWindow((a, b) => a + b, lengthMs, slideMs);
  const incremental = pairs.reduceByKeyAndWindow((a, b) => a + b, lengthMs, slideMs, {
    inverse: (a, b) => a - b,
    filter: ([, n]) => n > 0,
  });
  return { plain, incremental };
}

/** Seeded simulated events: a few per batch, purchases rarer than views. */
export function simulate(batches: number, seed = 1): string[][] {
  const rng = createRng(seed);
  const weights = [0.4, 0.45, 0.05, 0.1];
  return Array.from({ length: batches }, () =>
    Array.from({ length: 5 + rng.int(20) }, () => {
      let r = rng.next();
      let i = 0;
      while (r >= weights[i] && i < weights.length - 1) r -= weights[i++];
      return EVENT_TYPES[i];
    }),
  );
}

if (isMain(import.meta.url)) {
  const ctx = new StreamingContext({ batchMs: 1000, stopWhenDone: true });
  const { plain, incremental } = windowed(ctx.queueStream(simulate(60)));
  const sortedPairs = (items: readonly (readonly [string, number])[]) => [...items].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  plain.transform((items) => sortedPairs(items).map(([k, n]) => `plain ${k}: ${n}`)).print(20);
  incremental.transform((items) => sortedPairs(items).map(([k, n]) => `incremental ${k}: ${n}`)).print(20);
  await ctx.start();
  await ctx.done;
}
