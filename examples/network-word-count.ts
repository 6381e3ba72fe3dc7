/**
 * Network word count (Spark's NetworkWordCount): counts the words of each 1 s batch of lines received
 * from a TCP server.
 *
 *   nc -lk 9999                                                  # terminal 1, then type lines
 *   node --import tsx examples/network-word-count.ts localhost 9999   # terminal 2
 */
import { socketSource } from '../src/sources/socket.js';
import { StreamingContext } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import type { SourceRecord } from '../src/sources/types.js';
import { isMain, runUntilStopped, usageExit } from './run.js';

/** lines -> [word, count] per batch. */
export function wordCounts(lines: DStream<SourceRecord>): DStream<[string, number]> {
  return lines
    .flatMap((r) => r.value.text.split(' '))
    .filter((w) => w.length > 0)
    .map((w): [string, number] => [w, 1])
    .reduceByKey((a, b) => a + b);
}

if (isMain(import.meta.url)) {
  const [host, port] = process.argv.slice(2);
  if (!host || !port) usageExit('Usage: node --import tsx examples/network-word-count.ts <hostname> <port>');
  const ctx = new StreamingContext({ batchMs: 1000 });
  wordCounts(ctx.sourceStream(socketSource({ host, port: Number(port), format: 'text' }))).print();
  await runUntilStopped(ctx);
}
