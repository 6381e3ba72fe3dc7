import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Positions, Source, SourceRecord } from '../../src/sources/types.js';
import { silentLog } from '../stream/helpers.js';

const dirs: string[] = [];
export function tmpDir(tag = 'src'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `tweetlang-${tag}-`));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export interface Reader {
  records: SourceRecord[];
  done: Promise<void>;
  stop(): void;
}

/** Reads a source in the background until it ends or stop() is called. */
export function read(source: Source, resume?: Positions): Reader {
  const ac = new AbortController();
  const records: SourceRecord[] = [];
  const done = (async () => {
    for await (const r of source.open({ resume, signal: ac.signal, log: silentLog })) {
      records.push(r);
      if (ac.signal.aborted) break;
    }
  })();
  return { records, done, stop: () => ac.abort() };
}

/** Reads a finite source to its end. */
export async function readAll(source: Source, resume?: Positions): Promise<SourceRecord[]> {
  const r = read(source, resume);
  await r.done;
  return r.records;
}
