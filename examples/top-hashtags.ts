/**
 * Top 10 hashtags over the last 20 s, every 10 s (Spark's TwitterPopularTags), from tweets replayed
 * at 20 per second (or any source spec: socket, dir, stdin).
 *
 *   node --import tsx examples/top-hashtags.ts                           # examples/data/tweets.jsonl
 *   node --import tsx examples/top-hashtags.ts replay:../shared/data/train.jsonl
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSource } from '../src/sources/index.js';
import type { SourceRecord } from '../src/sources/types.js';
import { StreamingContext } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import { hashtags } from '../src/stream/window-stats.js';
import { isMain, runUntilStopped } from './run.js';

/** [hashtag, tweets] for the top `n` hashtags of each window, most frequent first. */
export function topHashtags(tweets: DStream<SourceRecord>, lengthMs = 20_000, slideMs = 10_000, n = 10): DStream<[string, number]> {
  return tweets
    .flatMap((t) => hashtags(t.value.text))
    .map((tag): [string, number] => [tag, 1])
    .reduceByKeyAndWindow((a, b) => a + b, lengthMs, slideMs, { inverse: (a, b) => a - b, filter: ([, c]) => c > 0 })
    .transform((items) => [...items].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n));
}

if (isMain(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const spec = process.argv[2] ?? `replay:${path.join(here, 'data', 'tweets.jsonl')}`;
  const ctx = new StreamingContext({ batchMs: 1000, stopWhenDone: true });
  const top = topHashtags(ctx.sourceStream(createSource(spec, { rate: 20 })));
  top.foreachBatch((items, time) => {
    process.stdout.write(`\nPopular hashtags in the last 20 seconds (at ${new Date(time).toISOString()}):\n`);
    for (const [tag, count] of items) process.stdout.write(`${tag} (${count} tweets)\n`);
  });
  await runUntilStopped(ctx);
}
