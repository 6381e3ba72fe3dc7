import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dirSource } from '../../src/sources/dir.js';
import { createSource } from '../../src/sources/index.js';
import { stdinSource } from '../../src/sources/stdin.js';
import { ManualClock } from '../../src/stream/clock.js';
import { until } from '../stream/helpers.js';
import { read, readAll, tmpDir } from './helpers.js';

function drop(dir: string, name: string, lines: string[], mtime: number): string {
  const tmp = path.join(dir, `.${name}.tmp`);
  writeFileSync(tmp, lines.join('\n') + '\n');
  utimesSync(tmp, mtime, mtime);
  const file = path.join(dir, name);
  renameSync(tmp, file); // moved in whole, as textFileStream expects
  return file;
}

describe('folder source (textFileStream)', () => {
  it('reads each new file once, oldest first, and picks up files that arrive later', async () => {
    const dir = tmpDir('dir');
    drop(dir, 'b.txt', ['second file'], 2000);
    drop(dir, 'a.txt', ['first file', 'still first'], 1000);
    writeFileSync(path.join(dir, '.hidden'), 'ignored\n');
    writeFileSync(path.join(dir, 'partial.tmp'), 'ignored\n');
    const clock = new ManualClock(0);
    const src = dirSource({ dir, pollMs: 500, clock });
    const r = read(src);
    await until(() => r.records.length === 3 && clock.waiting === 1, 'the files present at start');
    expect(r.records.map((x) => x.value.text)).toEqual(['first file', 'still first', 'second file']);
    const c = drop(dir, 'c.jsonl', ['{"text": "third", "lang": "eng"}'], 3000);
    clock.advance(500);
    await until(() => r.records.length === 4 && clock.waiting === 1, 'the new file');
    expect(r.records[3]).toMatchObject({ value: { text: 'third', lang: 'eng' }, partition: c });
    clock.advance(500); // nothing new: nothing read twice
    await until(() => clock.waiting === 1, 'the next poll');
    expect(r.records).toHaveLength(4);
    r.stop();
    await r.done;
  });

  it('resumes: finished files are skipped, a file read halfway goes on from its offset', async () => {
    const dir = tmpDir('dir');
    const a = drop(dir, 'a.txt', ['one', 'two'], 1000);
    const b = drop(dir, 'b.txt', ['three', 'four'], 2000);
    const clock = new ManualClock(0);
    const r = read(dirSource({ dir, clock }), { [a]: 8, [b]: 6 });
    await until(() => r.records.length === 1 && clock.waiting === 1, 'the rest of b');
    expect(r.records.map((x) => x.value.text)).toEqual(['four']);
    r.stop();
    await r.done;
  });

  it('fails clearly when the folder does not exist', async () => {
    await expect(readAll(dirSource({ dir: '/nonexistent/folder' }))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('stdin source', () => {
  it('reads JSON lines until the input ends', async () => {
    const stream = Readable.from([Buffer.from('{"text": "hola", "lang": "spa"}\n{"text": "hi"}\n')]);
    const recs = await readAll(stdinSource({ stream }));
    expect(recs.map((r) => [r.value.text, r.partition])).toEqual([
      ['hola', 'stdin'],
      ['hi', 'stdin'],
    ]);
  });
});

describe('source registry', () => {
  it('builds sources from specs and names what is wrong', () => {
    expect(createSource('replay:data/x.jsonl').name).toBe('replay:data/x.jsonl');
    expect(createSource('socket:localhost:9999').name).toBe('socket:localhost:9999');
    expect(createSource('socket:[::1]:9999').name).toBe('socket:::1:9999');
    expect(createSource('dir:/tmp/in').name).toBe('dir:/tmp/in');
    expect(createSource('stdin').name).toBe('stdin');
    expect(() => createSource('ftp:tweets')).toThrow(/unknown source "ftp:tweets"; one of: replay:FILE, socket:HOST:PORT, dir:PATH, stdin, kafka:TOPIC, twitter\[:sample\]/);
    expect(() => createSource('socket:localhost')).toThrow(/socket:HOST:PORT/);
    expect(() => createSource('replay:')).toThrow(/needs an argument/);
    expect(() => createSource('stdin:x')).toThrow(/takes no argument/);
    expect(() => createSource('toString')).toThrow(/unknown source/);
  });
});
