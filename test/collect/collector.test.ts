import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { intervalFileName, runCollector, tweetLine } from '../../src/collect/collector.js';
import { newCounters, type Positions, type Source, type SourceRecord } from '../../src/sources/types.js';
import { createLogger } from '../../src/log.js';

/** A source over fixed records (the collector is what is under test), recording commits. */
function listSource(records: SourceRecord[]): Source & { commits: Positions[]; closed: boolean } {
  const s = {
    name: 'list',
    counters: newCounters(),
    commits: [] as Positions[],
    closed: false,
    async *open() {
      for (const r of records) yield r;
    },
    async commit(p: Positions) {
      s.commits.push({ ...p });
    },
    async close() {
      s.closed = true;
    },
  };
  return s;
}

const rec = (i: number, t: number): SourceRecord => ({ value: { text: `t${i}`, id: String(i), lang: 'es' }, partition: 'p/0', next: String(i + 1), receivedAt: t });

describe('collector', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('names interval files and writes Twitter-style lines', () => {
    expect(intervalFileName(Date.UTC(2024, 4, 1, 10, 0, 5))).toBe('tweets-20240501T100005000Z.jsonl');
    expect(tweetLine({ text: 'hola', id: '1', createdAt: '2024-05-01T10:00:00Z' })).toBe('{"id":"1","text":"hola","lang":null,"created_at":"2024-05-01T10:00:00Z"}');
  });

  it('writes one file per interval, commits after each file, and stops after max', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-collector-'));
    dirs.push(dir);
    const t0 = Date.UTC(2024, 0, 1, 0, 0, 0);
    const source = listSource([rec(0, t0 + 10), rec(1, t0 + 900), rec(2, t0 + 1000), rec(3, t0 + 3500), rec(4, t0 + 3600), rec(5, t0 + 5000)]);
    const res = await runCollector({ source, out: { kind: 'dir', dir }, max: 5, everyMs: 1000, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) });
    expect(res.records).toBe(5);
    expect(readdirSync(dir).sort()).toEqual([intervalFileName(t0), intervalFileName(t0 + 1000), intervalFileName(t0 + 3000)]);
    const ids = (f: string) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(ids(intervalFileName(t0))).toEqual(['0', '1']);
    expect(ids(intervalFileName(t0 + 3000))).toEqual(['3', '4']);
    expect(source.commits).toEqual([{ 'p/0': '2' }, { 'p/0': '3' }, { 'p/0': '5' }]);
    expect(source.closed).toBe(true);
  });

  it('never overwrites an existing interval file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-collector-'));
    dirs.push(dir);
    const t0 = Date.UTC(2024, 0, 1);
    const opts = { out: { kind: 'dir' as const, dir }, everyMs: 1000, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
    await runCollector({ ...opts, source: listSource([rec(0, t0)]) });
    await runCollector({ ...opts, source: listSource([rec(1, t0)]) });
    expect(readdirSync(dir).sort()).toEqual([intervalFileName(t0).replace('.jsonl', '-1.jsonl'), intervalFileName(t0)]);
  });

  it('rejects a bad interval or max', async () => {
    const base = { source: listSource([]), out: { kind: 'dir' as const, dir: os.tmpdir() }, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
    await expect(runCollector({ ...base, everyMs: 1 })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
    await expect(runCollector({ ...base, max: 0 })).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
  });
});
