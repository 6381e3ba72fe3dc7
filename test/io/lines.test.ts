import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from '../../src/io/lines.js';
import { collectRecords } from '../../src/io/read-records.js';

async function lines(chunks: Array<string | Buffer>, opts = {}): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of splitLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), opts)) out.push(l);
  return out;
}

describe('splitLines', () => {
  it('splits across chunk borders and reports byte offsets to resume from', async () => {
    const ls = await lines(['héllo\nwor', 'ld\r\n', 'last']);
    expect(ls.map((l) => l.text)).toEqual(['héllo', 'world', 'last']);
    expect(ls.map((l) => [l.offset, l.nextOffset])).toEqual([
      [0, 7],
      [7, 14],
      [14, 18],
    ]);
  });

  it('starts counting offsets at `start`', async () => {
    const ls = await lines(['a\nb\n'], { start: 100 });
    expect(ls.map((l) => l.nextOffset)).toEqual([102, 104]);
  });

  it('skips a BOM at the start of the file', async () => {
    const ls = await lines([Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a])]);
    expect(ls[0].text).toBe('a');
    expect(ls[0].nextOffset).toBe(5);
  });

  it('reports invalid UTF-8 and over-long lines instead of throwing, and goes on', async () => {
    const bad = Buffer.from([0x61, 0xff, 0xfe, 0x0a]);
    const ls = await lines([bad, 'x'.repeat(50) + '\n', 'ok\n'], { maxLineBytes: 20 });
    expect(ls.map((l) => l.error ?? l.text)).toEqual(['invalid-utf8', 'too-long', 'ok']);
    expect(ls[2].offset).toBe(4 + 51);
  });

  it('does not buffer an over-long line beyond the limit', async () => {
    const big = Array.from({ length: 100 }, () => 'y'.repeat(10000));
    const ls = await lines([...big, '\nfine\n'], { maxLineBytes: 1000 });
    expect(ls.map((l) => l.error ?? l.text)).toEqual(['too-long', 'fine']);
  });

  it('can hold back a trailing partial line (tailing readers)', async () => {
    const ls = await lines(['a\nparti'], { emitPartial: false });
    expect(ls.map((l) => l.text)).toEqual(['a']);
  });
});

describe('collectRecords', () => {
  it('detects JSONL, unwraps the Twitter v2 envelope, and counts skipped lines by reason', async () => {
    const input = [
      '{"text":"hola","lang":"spa","id":1}',
      'not json',
      '{"lang":"eng"}',
      '[1,2]',
      '',
      '{"data":{"text":"hello","lang":"en","created_at":"2026-01-01T00:00:00Z"}}',
      '{"text":"   "}',
    ].join('\n');
    const r = await collectRecords(splitLines(Readable.from([Buffer.from(input)])), { format: 'auto' });
    expect(r.format).toBe('jsonl');
    expect(r.records).toEqual([
      { text: 'hola', lang: 'spa', id: '1' },
      { text: 'hello', lang: 'en', createdAt: '2026-01-01T00:00:00Z' },
    ]);
    expect(r.skipped.toJSON()).toEqual({ 'not-json': 1, 'no-text': 2, 'not-object': 1, empty: 1 });
  });

  it('reads plain text lines when the first line is not JSON', async () => {
    const r = await collectRecords(splitLines(Readable.from([Buffer.from('hello world\n{"text":"x"}\n')])), { format: 'auto' });
    expect(r.format).toBe('text');
    expect(r.records.map((x) => x.text)).toEqual(['hello world', '{"text":"x"}']);
  });
});
