/**
 * `console`: each batch's matching records on stdout in Spark's print format (a time header, then one
 * "[label #cluster] text" line per record, "..." past the limit). `console:N` prints at most N per batch.
 * Empty batches print their header too, as Spark does, so a quiet stream still shows it is alive.
 */
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { writeOut } from '../cli/io.js';
import { formatPrintBlock } from '../stream/print.js';
import { classifiedLine } from './format.js';
import type { OutputBatch, Sink } from './types.js';

export interface ConsoleSinkOptions {
  out?: Writable;
  /** Records printed per batch (default: all). */
  limit?: number;
}

export function consoleSink({ out = process.stdout, limit = Infinity }: ConsoleSinkOptions = {}): Sink {
  if (!(limit >= 1)) throw new ConfigError('E_SINK_SPEC', `console limit must be >= 1 (got ${limit})`);
  return {
    name: Number.isFinite(limit) ? `console:${limit}` : 'console',
    async write(batch: OutputBatch) {
      const shown = batch.items.slice(0, Number.isFinite(limit) ? limit + 1 : undefined).map(classifiedLine);
      await writeOut(out, formatPrintBlock(shown, batch.time, limit));
    },
    close: async () => undefined,
  };
}
