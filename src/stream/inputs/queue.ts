/**
 * Spark's queueStream: each batch takes the next pre-made batch from a queue (or, with oneAtATime
 * false, everything queued). The queue may grow while the stream runs. It has no positions, so it does
 * not resume from a checkpoint (as in Spark); tests and examples use it to drive operators exactly.
 */
import type { Batch, InputImpl } from '../graph.js';

export interface QueueOptions<T> {
  oneAtATime?: boolean;
  /** Batch used when the queue is empty (default: an empty batch). */
  defaultBatch?: readonly T[];
}

export function queueInput<T>(queue: T[][], batchMs: number, { oneAtATime = true, defaultBatch = [] }: QueueOptions<T> = {}): InputImpl<T> {
  let current: Batch<T> = [];
  return {
    kind: 'queueStream',
    name: 'queue',
    slideMs: batchMs,
    parentIds: [],
    start: () => undefined,
    stop: async () => undefined,
    cut() {
      if (queue.length === 0) current = [...defaultBatch];
      else if (oneAtATime) current = queue.shift() as T[];
      else current = queue.splice(0, queue.length).flat();
      return current.length;
    },
    step: (_time, _inputs, valid) => (valid ? current : undefined),
    commit: () => undefined,
    ready: async () => undefined,
    get done() {
      return queue.length === 0;
    },
    get buffered() {
      return queue.reduce((n, b) => n + b.length, 0);
    },
    positions: () => undefined,
  };
}
