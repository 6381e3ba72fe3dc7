/**
 * Running word counts that survive a restart (Spark's RecoverableNetworkWordCount with
 * updateStateByKey): words of a text file replayed at a few lines a second are counted since the
 * start; the counts, the window state and the file position are checkpointed to a folder every 2
 * batches. Stop it with Ctrl-C and run the same command again: it resumes at the next line with the
 * counts it had.
 *
 *   node --import tsx examples/stateful-word-count.ts examples/data/words.txt /tmp/wordcount-ckpt
 */
import { replaySource } from '../src/sources/replay.js';
import type { Source, SourceRecord } from '../src/sources/types.js';
import type { Clock } from '../src/stream/clock.js';
import { StreamingContext, type ContextOptions } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import { isMain, runUntilStopped, usageExit } from './run.js';

export function runningCounts(lines: DStream<SourceRecord>): DStream<[string, number]> {
  return lines
    .flatMap((r) => r.value.text.toLowerCase().split(/[^\p{L}\p{N}']+/u))
    .filter((w) => w.length > 0)
    .map((w): [string, number] => [w, 1])
    .updateStateByKey<string, number, number>((values, state) => (state ?? 0) + values.length);
}

export function createContext(source: Source, checkpointDir: string, opts: Partial<ContextOptions> & { clock?: Clock } = {}) {
  const ctx = new StreamingContext({ batchMs: 1000, checkpoint: { dir: checkpointDir, every: 2 }, stopWhenDone: true, ...opts });
  const counts = runningCounts(ctx.sourceStream(source));
  return { ctx, counts };
}

if (isMain(import.meta.url)) {
  const [file, dir] = process.argv.slice(2);
  if (!file || !dir) usageExit('Usage: node --import tsx examples/stateful-word-count.ts <text file> <checkpoint folder>');
  const { ctx, counts } = createContext(replaySource({ file, rate: 3, format: 'text' }), dir);
  counts.transform((items) => [...items].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))).print(10);
  await runUntilStopped(ctx);
}
