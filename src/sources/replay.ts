/**
 * `replay:FILE`: replays a JSONL (or text) file as a stream, optionally at a fixed rate and in a loop.
 * Positions are byte offsets in the file (partition = the file's absolute path), so a restart resumes
 * at the line after the last one processed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, fromSystemError, InputError } from '../errors.js';
import { readFileLines } from '../io/lines.js';
import type { InputFormat } from '../io/records.js';
import { systemClock, type Clock } from '../stream/clock.js';
import { linesToRecords } from './read-lines.js';
import { newCounters, type OpenContext, type Source, type SourceRecord } from './types.js';

export interface ReplayOptions {
  file: string;
  /** Records per second (default: as fast as the pipeline takes them). */
  rate?: number;
  /** Start again from the top at the end of the file. */
  loop?: boolean;
  format?: InputFormat;
  clock?: Clock;
  maxLineBytes?: number;
}

export function replaySource({ file, rate, loop = false, format = 'auto', clock = systemClock, maxLineBytes }: ReplayOptions): Source {
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) throw new ConfigError('E_BAD_OPTION', `replay rate must be a number > 0 (got ${rate})`);
  const partition = path.resolve(file);
  const counters = newCounters();

  async function* open({ resume, signal, log }: OpenContext): AsyncGenerator<SourceRecord> {
    let size: number;
    try {
      const st = await fs.stat(file);
      if (st.isDirectory()) throw new InputError('E_IS_DIRECTORY', `${file}: is a directory; use dir:${file} to watch a folder`);
      size = st.size;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw fromSystemError(err, `replay ${file}`);
    }
    let start = Number(resume?.[partition] ?? 0);
    if (!Number.isSafeInteger(start) || start < 0 || start > size) {
      log.warn({ file, offset: resume?.[partition], size }, 'checkpointed offset is beyond the end of the file (was it replaced?); replaying from the start');
      start = 0;
    }
    if (start > 0) log.info({ file, offset: start }, 'replay resumes');
    const t0 = clock.now();
    let emitted = 0;
    for (;;) {
      let lap = 0;
      const lines = readFileLines(file, { start, maxLineBytes });
      for await (const rec of linesToRecords(lines, { partition, format, counters, clock })) {
        if (signal.aborted) return;
        if (rate !== undefined) {
          const due = t0 + (emitted * 1000) / rate;
          if (due > clock.now()) await clock.sleepUntil(due, signal);
          if (signal.aborted) return;
          rec.receivedAt = clock.now(); // a paced record enters the stream when it is released, not when read
        }
        emitted++;
        lap++;
        yield rec;
      }
      if (!loop || signal.aborted) return;
      if (lap === 0 && start === 0) {
        log.warn({ file }, 'nothing to replay in the file; the loop ends');
        return;
      }
      start = 0;
    }
  }

  return { name: `replay:${file}`, counters, open, close: async () => undefined };
}
