/**
 * `stdin`: lines piped into the process (JSON lines or text). Ends when the input ends. Not
 * replayable: positions count bytes (for information), a restart reads the new stdin from its start.
 */
import type { Readable } from 'node:stream';
import { splitLines } from '../io/lines.js';
import type { InputFormat } from '../io/records.js';
import { systemClock, type Clock } from '../stream/clock.js';
import { linesToRecords } from './read-lines.js';
import { newCounters, type OpenContext, type Source, type SourceRecord } from './types.js';

export interface StdinOptions {
  stream?: Readable;
  format?: InputFormat;
  clock?: Clock;
  maxLineBytes?: number;
}

export function stdinSource({ stream = process.stdin, format = 'auto', clock = systemClock, maxLineBytes }: StdinOptions = {}): Source {
  const counters = newCounters();
  async function* open({ resume, signal, log }: OpenContext): AsyncGenerator<SourceRecord> {
    if (resume?.stdin !== undefined) log.info('stdin cannot replay: reading the new input from its start');
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      yield* linesToRecords(splitLines(stream, { maxLineBytes }), { partition: 'stdin', format, counters, clock });
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  return { name: 'stdin', counters, open, close: async () => undefined };
}
