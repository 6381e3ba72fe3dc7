/**
 * Random bytes into the line sources (replay, folder, socket): garbage lines between valid JSON records,
 * including invalid UTF-8, NUL and control bytes, CRs, over-long lines and empty lines, split into random
 * chunks (a socket) or several files (a folder). Every garbage line is skipped and counted by reason, and
 * every valid record around them arrives, in order, with its text intact. Fixed seed, bounded runs.
 */
import { mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dirSource } from '../../src/sources/dir.js';
import { replaySource } from '../../src/sources/replay.js';
import { socketSource } from '../../src/sources/socket.js';
import type { Source, SourceRecord } from '../../src/sources/types.js';
import { ManualClock } from '../../src/stream/clock.js';
import { FUZZ_SEED, hostileText } from '../helpers/hostile.js';
import { tmpDir } from '../helpers/tmp.js';
import { until } from '../stream/helpers.js';
import { read, readAll } from './helpers.js';

const MAX_LINE = 2048;
const RUNS = { replay: 1000, dir: 200, socket: 300 };

/** A line that cannot be a record: random bytes without a newline, over-long ones included. */
const garbage = fc
  .oneof(
    { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 8 },
    { arbitrary: fc.uint8Array({ minLength: MAX_LINE + 1, maxLength: MAX_LINE * 3 }), weight: 1 }, // too long
    { arbitrary: fc.constantFrom(...['', '\r', ' \t ', '{', '{"text": 5}', '{"text": "   "}', '[1,2]', 'null', '"text"', '{"data": {}}', '\u0000\u0001'].map((s) => Buffer.from(s))), weight: 2 },
    { arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])), weight: 1 }, // invalid UTF-8
  )
  .map((b) => Buffer.from(Buffer.from(b).filter((x) => x !== 0x0a)))
  .filter((b) => !isRecord(b));

/** Whether a line would be a valid record (such lines are not garbage; they are dropped from the generator). */
function isRecord(b: Buffer): boolean {
  let o: unknown;
  try {
    o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
  } catch {
    return false;
  }
  return typeof o === 'object' && o !== null && !Array.isArray(o);
}

/** A valid record: a text with a visible character, as one JSON line (JSON escapes any newline in it). */
const record = hostileText(20)
  .map((t) => `${t}x`)
  .filter((t) => t.trim().length > 0)
  .map((text) => ({ text, line: Buffer.from(JSON.stringify({ text }), 'utf8') }))
  .filter((r) => r.line.length <= MAX_LINE);

/** A stream: a valid first line (so an auto format sees JSON), then records and garbage mixed. */
const stream: fc.Arbitrary<[{ text: string; line: Buffer }, Piece[]]> = fc.tuple(
  record,
  fc.array(fc.oneof(record.map((r): Piece => ({ kind: 'record', ...r })), garbage.map((g): Piece => ({ kind: 'garbage', line: g }))), { maxLength: 40 }),
);

interface Case {
  bytes: Buffer;
  texts: string[];
  garbage: number;
}

interface Piece {
  kind: 'record' | 'garbage';
  line: Buffer;
  text?: string;
}

/** Inputs fuzzed, lines of garbage among them (printed at the end, for the record). */
const tally = { streams: 0, garbageLines: 0, records: 0 };

function build([first, rest]: [{ text: string; line: Buffer }, Piece[]]): Case {
  tally.streams++;
  const garbageLines = rest.filter((x) => x.kind === 'garbage').length;
  tally.garbageLines += garbageLines;
  tally.records += 1 + rest.length - garbageLines;
  return {
    bytes: Buffer.concat([first.line, ...rest.map((x) => x.line)].flatMap((l) => [l, Buffer.from('\n')])),
    texts: [first.text, ...rest.filter((x) => x.kind === 'record').map((x) => x.text!)],
    garbage: garbageLines,
  };
}

function skipped(src: Source): number {
  return Object.values(src.counters.skipped).reduce((a, b) => a + b, 0);
}

function expectDelivered(records: SourceRecord[], src: Source, c: Case): void {
  expect(records.map((r) => r.value.text)).toEqual(c.texts);
  expect(skipped(src)).toBe(c.garbage);
  expect(src.counters.records).toBe(c.texts.length);
}

describe('line sources fuzzed with random bytes between valid records', () => {
  const dir = tmpDir('tweetlang-src-fuzz-');
  let n = 0;
  afterAll(() => console.info(`fuzzed ${tally.streams} byte streams: ${tally.records} records delivered, ${tally.garbageLines} garbage lines skipped`));

  it(`replay: ${RUNS.replay} files, every garbage line skipped and counted, every record delivered`, async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.constantFrom('jsonl' as const, 'auto' as const), async (s, format) => {
        const c = build(s);
        const file = path.join(dir, `replay-${n++}.jsonl`);
        writeFileSync(file, c.bytes);
        const src = replaySource({ file, format, maxLineBytes: MAX_LINE });
        const records = await readAll(src);
        expectDelivered(records, src, c);
        // resuming after any record gives exactly the records after it
        if (records.length > 1) {
          const k = Math.floor(records.length / 2);
          const again = replaySource({ file, format: 'jsonl', maxLineBytes: MAX_LINE });
          const rest = await readAll(again, { [records[k].partition]: records[k].next });
          expect(rest.map((r) => r.value.text)).toEqual(c.texts.slice(k + 1));
        }
      }),
      { seed: FUZZ_SEED, numRuns: RUNS.replay },
    );
  });

  it(`folder: ${RUNS.dir} folders of 1-3 files, every garbage line skipped, every record delivered in file order`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stream, { minLength: 1, maxLength: 3 }), async (streams) => {
        const folder = path.join(dir, `dir-${n++}`);
        mkdirSync(folder);
        const cases = streams.map(build);
        cases.forEach((c, i) => {
          const tmp = path.join(folder, `.f${i}.tmp`);
          writeFileSync(tmp, c.bytes);
          utimesSync(tmp, 1000 + i, 1000 + i);
          renameSync(tmp, path.join(folder, `f${i}.jsonl`));
        });
        const clock = new ManualClock(0);
        const src = dirSource({ dir: folder, clock, pollMs: 100, format: 'jsonl', maxLineBytes: MAX_LINE });
        const r = read(src);
        const texts = cases.flatMap((c) => c.texts);
        await until(() => r.records.length === texts.length && clock.waiting === 1, 'every file read');
        r.stop();
        await r.done;
        expectDelivered(r.records, src, { bytes: Buffer.alloc(0), texts, garbage: cases.reduce((a, c) => a + c.garbage, 0) });
      }),
      { seed: FUZZ_SEED + 1, numRuns: RUNS.dir },
    );
  });

  describe('socket', () => {
    const conns: net.Socket[] = [];
    const server = net.createServer((c) => conns.push(c));
    afterAll(async () => {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
    });

    it(`${RUNS.socket} connections, bytes in random chunks: every garbage line skipped, every record delivered`, async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      await fc.assert(
        fc.asyncProperty(stream, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), async (s, cuts) => {
          const c = build(s);
          const src = socketSource({ host: '127.0.0.1', port, clock: new ManualClock(0), format: 'jsonl', maxLineBytes: MAX_LINE });
          const before = conns.length;
          const r = read(src);
          await until(() => conns.length === before + 1, 'the connection');
          const conn = conns[before];
          // write in chunks of random sizes: lines and UTF-8 sequences are cut anywhere
          for (let off = 0, i = 0; off < c.bytes.length; i++) {
            const len = cuts[i % cuts.length];
            conn.write(c.bytes.subarray(off, off + len));
            off += len;
          }
          await until(() => r.records.length === c.texts.length && skipped(src) === c.garbage, 'every line', 10_000);
          r.stop();
          await src.close();
          await r.done;
          conn.destroy();
          expectDelivered(r.records, src, c);
        }),
        { seed: FUZZ_SEED + 2, numRuns: RUNS.socket },
      );
    });
  });
});
