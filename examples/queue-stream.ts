/**
 * Queue stream (Spark's QueueStream example): pre-made batches pushed into a queue, one per second;
 * each batch's numbers are counted by x % 10. Runs 10 batches.
 *
 *   node --import tsx examples/queue-stream.ts
 */
import { StreamingContext } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import { isMain } from './run.js';

/** Events per batch by their last digit. */
export function countsByDigit(numbers: DStream<number>): DStream<[number, number]> {
  return numbers.map((x): [number, number] => [x % 10, 1]).reduceByKey((a, b) => a + b);
}

export function makeQueue(batches: number, size = 1000): number[][] {
  return Array.from({ length: batches }, () => Array.from({ length: size }, (_, i) => i + 1));
}

if (isMain(import.meta.url)) {
  const ctx = new StreamingContext({ batchMs: 1000 });
  const queue: number[][] = [];
  countsByDigit(ctx.queueStream(queue)).print();
  await ctx.start();
  // push a batch a second, as the Spark example does from its driver loop
  for (const batch of makeQueue(10)) {
    queue.push(batch);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await ctx.stop();
}
