/**
 * `dir:PATH`: Spark's textFileStream. Watches a folder and streams the lines of every new file, each
 * file once, oldest first (by modification time, then name). Files must appear complete: write them
 * elsewhere (or under a dot-name or a .tmp suffix, which are ignored) and rename them in. Positions are
 * per file (byte offset), so a restart skips finished files and resumes a file it was reading.
 * Files present at start are read too (Spark only reads files newer than the start).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage, fromSystemError } from '../errors.js';
import { readFileLines } from '../io/lines.js';
import type { InputFormat } from '../io/records.js';
import { sleep, systemClock, type Clock } from '../stream/clock.js';
import { linesToRecords } from './read-lines.js';
import { newCounters, type OpenContext, type Source, type SourceRecord } from './types.js';

export interface DirOptions {
  dir: string;
  /** How often the folder is listed. */
  pollMs?: number;
  format?: InputFormat;
  clock?: Clock;
  maxLineBytes?: number;
}

const IGNORED = (name: string) => name.startsWith('.') || name.endsWith('.tmp') || name.includes('_COPYING_');

export function dirSource({ dir, pollMs = 1000, format = 'auto', clock = systemClock, maxLineBytes }: DirOptions): Source {
  if (!(pollMs > 0)) throw new ConfigError('E_BAD_OPTION', `folder poll interval must be > 0 ms (got ${pollMs})`);
  const root = path.resolve(dir);
  const counters = newCounters();

  async function listNew(done: Set<string>): Promise<Array<{ file: string; size: number }>> {
    let entries;
    try {
      entries = await fs.readdir(root, { withFileTypes: true });
    } catch (err) {
      throw fromSystemError(err, `watching folder ${dir}`);
    }
    const found: Array<{ file: string; size: number; mtime: number; name: string }> = [];
    for (const e of entries) {
      if (!e.isFile() || IGNORED(e.name)) continue;
      const file = path.join(root, e.name);
      if (done.has(file)) continue;
      try {
        const st = await fs.stat(file);
        found.push({ file, size: st.size, mtime: st.mtimeMs, name: e.name });
      } catch {
        // gone between listing and stat: nothing to read
      }
    }
    return found.sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : 1));
  }

  async function* open({ resume, signal, log }: OpenContext): AsyncGenerator<SourceRecord> {
    const done = new Set<string>();
    const offsets = new Map<string, number>();
    for (const [p, o] of Object.entries(resume ?? {})) if (typeof o === 'number') offsets.set(p, o);
    while (!signal.aborted) {
      for (const { file, size } of await listNew(done)) {
        if (signal.aborted) return;
        const start = offsets.get(file) ?? 0;
        done.add(file);
        if (start >= size) continue;
        log.info({ file, offset: start }, 'reading new file');
        try {
          for await (const rec of linesToRecords(readFileLines(file, { start, maxLineBytes }), { partition: file, format, counters, clock })) {
            if (signal.aborted) return;
            yield rec;
          }
        } catch (err) {
          skipFile(file, err);
        }
      }
      await sleep(clock, pollMs, signal);
    }

    function skipFile(file: string, err: unknown) {
      counters.skipped['unreadable-file'] = (counters.skipped['unreadable-file'] ?? 0) + 1;
      log.warn({ code: 'E_SOURCE_FILE_SKIPPED', file, err: errorMessage(err) }, 'file could not be read; skipped');
    }
  }

  return { name: `dir:${dir}`, counters, open, close: async () => undefined };
}
