import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaySource } from '../../src/sources/replay.js';
import { ManualClock } from '../../src/stream/clock.js';
import { until } from '../stream/helpers.js';
import { read, readAll, tmpDir } from './helpers.js';

function fixture(): string {
  const file = path.join(tmpDir('replay'), 'in.jsonl');
  const lines = [
    Buffer.from('{"id": "1", "text": "hola amigos", "lang": "spa"}\n'),
    Buffer.from('not json at all\n'),
    Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x0a]), // invalid UTF-8
    Buffer.from('{"id": "2"}\n'), // no text
    Buffer.from('\n'),
    Buffer.from(`{"id": "3", "text": "${'x'.repeat(300)}"}\n`), // too long for maxLineBytes 200
    Buffer.from('{"id": "4", "text": "guten Tag"}\n'),
    Buffer.from('{"id": "5", "text": "no newline at the end"}'),
  ];
  writeFileSync(file, Buffer.concat(lines));
  return file;
}

describe('replay source', () => {
  it('yields readable records with byte offsets, and counts each skipped line by reason', async () => {
    const file = fixture();
    const src = replaySource({ file, maxLineBytes: 200 });
    const recs = await readAll(src);
    expect(recs.map((r) => r.value.id)).toEqual(['1', '4', '5']);
    expect(recs[0].value).toEqual({ id: '1', text: 'hola amigos', lang: 'spa' });
    expect(recs[0].partition).toBe(path.resolve(file));
    const size = readFileSync(file).length;
    expect(recs.at(-1)!.next).toBe(size);
    expect(recs[0].next).toBe(Buffer.byteLength('{"id": "1", "text": "hola amigos", "lang": "spa"}\n'));
    expect(src.counters.records).toBe(3);
    expect(src.counters.skipped).toEqual({ 'not-json': 1, 'invalid-utf8': 1, 'no-text': 1, empty: 1, 'too-long': 1 });
  });

  it('resumes after the position of a record', async () => {
    const file = fixture();
    const first = await readAll(replaySource({ file, maxLineBytes: 200 }));
    const rest = await readAll(replaySource({ file, maxLineBytes: 200 }), { [path.resolve(file)]: first[1].next });
    expect(rest.map((r) => r.value.id)).toEqual(['5']);
  });

  it('loops, and honours a rate on the clock', async () => {
    const file = path.join(tmpDir('replay'), 'three.jsonl');
    writeFileSync(file, ['a', 'b', 'c'].map((t) => JSON.stringify({ text: t })).join('\n') + '\n');
    const clock = new ManualClock(0);
    const src = replaySource({ file, loop: true, rate: 10, clock });
    const r = read(src);
    await until(() => r.records.length === 1 && clock.waiting === 1, 'the first record');
    clock.advance(100);
    await until(() => r.records.length === 2 && clock.waiting === 1, 'the second record');
    clock.advance(450); // 4 more are due by 550 ms (at 200, 300, 400, 500)
    await until(() => r.records.length === 6 && clock.waiting === 1, 'the catch-up');
    r.stop();
    clock.advance(1000);
    await r.done;
    expect(r.records.slice(0, 6).map((x) => x.value.text)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('fails clearly for a missing file or a folder', async () => {
    await expect(readAll(replaySource({ file: '/nonexistent/x.jsonl' }))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(readAll(replaySource({ file: tmpDir('replay') }))).rejects.toMatchObject({ code: 'E_IS_DIRECTORY' });
    expect(() => replaySource({ file: 'x', rate: 0 })).toThrow(/rate must be a number > 0/);
  });
});
