/**
 * `files:PREFIX`: one JSON-lines file per batch, `PREFIX-<batch time ms>.jsonl` (Spark's
 * saveAsTextFiles), written atomically: a reader never sees half a file, and a crash leaves either the
 * whole file or none. Batches with no matching record write no file.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../store/atomic.js';
import { toJSONLines } from './format.js';
import type { OutputBatch, Sink } from './types.js';

export interface FileSinkOptions {
  prefix: string;
  /** Also write a file for empty batches. */
  writeEmpty?: boolean;
}

export function batchFileName(prefix: string, time: number): string {
  return `${prefix}-${time}.jsonl`;
}

export function fileSink({ prefix, writeEmpty = false }: FileSinkOptions): Sink {
  if (!prefix || prefix.endsWith('/') || prefix.endsWith(path.sep)) {
    throw new ConfigError('E_SINK_SPEC', `files sink needs a file name prefix such as out/tweets (got ${JSON.stringify(prefix)})`);
  }
  let dirReady = false;
  return {
    name: `files:${prefix}`,
    async write(batch: OutputBatch) {
      if (batch.items.length === 0 && !writeEmpty) return;
      if (!dirReady) {
        await ensureDir(path.dirname(path.resolve(prefix)));
        dirReady = true;
      }
      await writeFileAtomic(batchFileName(prefix, batch.time), toJSONLines(batch.items));
    },
    close: async () => undefined,
  };
}
