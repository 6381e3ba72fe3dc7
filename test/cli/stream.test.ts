/**
 * `tweetlang stream` end to end: filtering, window output, flag errors (in process), and crash recovery
 * (a child process killed with SIGKILL mid-stream, then restarted from its checkpoint).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { serializeModel } from '../../src/clustering/model.js';
import { setRootLogger } from '../../src/log.js';
import { CheckpointStore } from '../../src/stream/checkpoint.js';
import { spawnCli } from '../helpers/cli.js';
import { tmpDir } from '../sources/helpers.js';
import { languageModel, mixed, writeJsonl } from '../stream/fixtures.js';
import { memoryOut, silentLog, until } from '../stream/helpers.js';
import { writeFileSync } from 'node:fs';

const LANGS = ['spa', 'eng', 'deu'];

beforeAll(() => setRootLogger(silentLog));

function io(stdin = '') {
  const stdout = memoryOut();
  const stderr = memoryOut();
  return { stdout, stderr, stdin: Readable.from([stdin]), env: {}, isTTY: false, out: () => stdout.text(), err: () => stderr.text() };
}

function fixture(count: number) {
  const dir = tmpDir('cli');
  const model = path.join(dir, 'model.json');
  writeFileSync(model, serializeModel(languageModel(LANGS)));
  const input = path.join(dir, 'in.jsonl');
  const rows = mixed(LANGS, count).map((r, i) => ({ ...r, id: `id${i}` }));
  writeJsonl(input, rows);
  return { dir, model, input, rows };
}

describe('tweetlang stream (in process)', () => {
  it('prints only the records of the chosen language, batch by batch, and a summary', async () => {
    const f = fixture(60);
    const x = io();
    const code = await main(['stream', '--source', `replay:${f.input}`, '--model', f.model, '--lang', 'spa', '--batch-ms', '50', '--rate', '0'], x);
    expect(code).toBe(0);
    const printed = x.out().split('\n').filter((l) => l.startsWith('['));
    const oracle = new Predictor(languageModel(LANGS));
    const expected = f.rows.filter((r) => oracle.predict(r.text).label === 'spa').map((r) => `[spa #0] ${r.text}`);
    expect(printed).toEqual(expected);
    expect(x.out()).toMatch(/^-{43}\nTime: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\n-{43}\n/);
    expect(x.err()).toMatch(/60 records, \d+ matched/);
  });

  it('--threads classifies on worker threads: the same records printed', async () => {
    const f = fixture(60);
    const x = io();
    const code = await main(['stream', '--source', `replay:${f.input}`, '--model', f.model, '--lang', 'spa', '--batch-ms', '50', '--rate', '0', '--threads', '2'], x);
    expect(code).toBe(0);
    const oracle = new Predictor(languageModel(LANGS));
    const expected = f.rows.filter((r) => oracle.predict(r.text).label === 'spa').map((r) => `[spa #0] ${r.text}`);
    expect(x.out().split('\n').filter((l) => l.startsWith('['))).toEqual(expected);
    const bad = io();
    expect(await main(['stream', '--source', `replay:${f.input}`, '--threads', '-1'], bad)).toBe(2);
  });

  it('prints windowed counts per cluster and label with --window/--slide', async () => {
    const f = fixture(30);
    const x = io();
    const code = await main(['stream', '--source', `replay:${f.input}`, '--model', f.model, '--batch-ms', '50', '--window', '100ms', '--slide', '50ms', '--rate', '0', '--quiet'], x);
    expect(code).toBe(0);
    const blocks = x.out().split(/-{43}\nTime: [^\n]+\n-{43}\n/).filter(Boolean);
    expect(blocks.length).toBeGreaterThan(0);
    let seen = 0;
    for (const b of blocks) {
      const lines = b.trim().split('\n');
      const m = /^window 100ms every 50ms: (\d+) records$/.exec(lines[0]);
      expect(m).not.toBeNull();
      const clusterSum = lines.filter((l) => l.startsWith('cluster ')).reduce((n, l) => n + Number(/: (\d+)/.exec(l)![1]), 0);
      const labelSum = lines.filter((l) => l.startsWith('label ')).reduce((n, l) => n + Number(/: (\d+)$/.exec(l)![1]), 0);
      expect(clusterSum).toBe(Number(m![1]));
      expect(labelSum).toBe(Number(m![1]));
      for (const l of lines.filter((x) => x.startsWith('cluster '))) expect(l).toMatch(/^cluster [0-2] \((spa|eng|deu)\): \d+$/);
      seen = Math.max(seen, Number(m![1]));
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('reads stdin and writes JSONL files per batch', async () => {
    const f = fixture(1);
    const x = io('{"id": "a", "text": "hola amigos, qué tal estáis todos"}\n{"id": "b", "text": "good morning to all of you"}\n');
    const prefix = path.join(f.dir, 'out', 'all');
    expect(await main(['stream', '--source', 'stdin', '--model', f.model, '--sink', `files:${prefix}`, '--batch-ms', '20', '--quiet'], x)).toBe(0);
    const files = readdirSync(path.join(f.dir, 'out'));
    const recs = files.flatMap((n) => readFileSync(path.join(f.dir, 'out', n), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    expect(recs.map((r) => [r.id, r.label])).toEqual([
      ['a', 'spa'],
      ['b', 'eng'],
    ]);
  });

  it('rejects bad flags with exit 2 and bad specs with exit 1, in one line', async () => {
    const f = fixture(1);
    const run = async (...args: string[]) => {
      const x = io();
      return { code: await main(['stream', ...args], x), err: x.err() };
    };
    expect(await run('--model', f.model)).toMatchObject({ code: 2, err: expect.stringMatching(/--source is required/) });
    expect(await run('--source', `replay:${f.input}`, '--window', '1500ms')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--window \(1500 ms\) must be a multiple of the batch interval \(1000 ms\)/),
    });
    expect(await run('--source', 'stdin', '--rate', '5')).toMatchObject({ code: 2, err: expect.stringMatching(/replay: sources only/) });
    expect(await run('--source', `replay:${f.input}`, '--half-life', '2')).toMatchObject({ code: 2, err: expect.stringMatching(/need --update/) });
    expect(await run('--source', 'ftp:tweets', '--model', f.model)).toMatchObject({ code: 1, err: expect.stringMatching(/unknown source "ftp:tweets".*\[E_SOURCE_SPEC\]\n$/) });
    expect(await run('--source', `replay:${f.input}`, '--model', f.model, '--lang', 'jpn')).toMatchObject({ code: 1, err: expect.stringMatching(/\[E_BAD_FILTER\]/) });
    const missing = await run('--source', 'replay:/nonexistent/tweets.jsonl', '--model', f.model);
    expect(missing).toMatchObject({ code: 1, err: 'tweetlang stream: replay /nonexistent/tweets.jsonl: no such file or directory [E_NOT_FOUND]\n' });
    for (const r of [await run('--source', 'kafka:x', '--model', f.model)]) expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('tweetlang stream: crash recovery from a checkpoint', () => {
  it('after SIGKILL mid-stream and a restart, every record is output, duplicates only after the last checkpoint, counts exact', async () => {
    const f = fixture(3000);
    const ckpt = path.join(f.dir, 'ckpt');
    const prefix = path.join(f.dir, 'out', 'tweets');
    const args = (rate: string) => [
      'stream', '--source', `replay:${f.input}`, '--model', f.model, '--sink', `files:${prefix}`,
      '--batch-ms', '100', '--max-batch', '200', '--checkpoint', ckpt, '--checkpoint-every', '3', '--rate', rate, '--quiet',
    ];
    // run 1: replays at 400 records/s (about 7 s) and is killed once two checkpoints exist and a batch
    // after the last one was written (so the kill lands inside the at-least-once window)
    const child = spawnCli(args('400'));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const store = new CheckpointStore(ckpt);
    try {
      const outDir = path.dirname(prefix);
      const outputAfter = (t: number) => existsSync(outDir) && readdirSync(outDir).some((n) => Number(/-(\d+)\.jsonl$/.exec(n)?.[1]) > t);
      await until(
        async () => {
          const times = await store.times();
          return (times.length >= 2 && outputAfter(times.at(-1)!)) || child.exitCode !== null;
        },
        'two checkpoints and a batch after them',
        60_000,
      );
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited, `the first run ended before it was killed: ${stderr}`).toBeNull();
    const atCrash = (await store.latest())!;
    const crashOffset = Number(Object.values(Object.values(atCrash.inputs)[0])[0]);
    const size = readFileSync(f.input).length;
    expect(crashOffset).toBeGreaterThan(0);
    expect(crashOffset).toBeLessThan(size);
    const filesAtCrash = new Set(existsSync(path.dirname(prefix)) ? readdirSync(path.dirname(prefix)) : []);

    // run 2: same checkpoint folder, as fast as possible, to the end
    const child2 = spawnCli(args('0'));
    let err2 = '';
    child2.stderr!.on('data', (d) => (err2 += d));
    const code2 = await new Promise<number | null>((r) => child2.on('exit', (c) => r(c)));
    expect(code2, err2).toBe(0);

    // line offsets of the input: which records lie after the crash checkpoint
    const offsets = new Map<string, number>();
    let off = 0;
    for (const line of readFileSync(f.input, 'utf8').split('\n').filter(Boolean)) {
      offsets.set(JSON.parse(line).id, off);
      off += Buffer.byteLength(line) + 1;
    }
    const seen = new Map<string, { n: number; cluster: number }>();
    const outDir = path.dirname(prefix);
    // a write cut by SIGKILL can leave a hidden temp file (.tweets-….tmp); readers never see half a file
    for (const name of readdirSync(outDir).filter((n) => !n.startsWith('.'))) {
      expect(name).toMatch(/^tweets-\d+\.jsonl$/);
      const before = filesAtCrash.has(name);
      const time = Number(/-(\d+)\.jsonl$/.exec(name)![1]);
      for (const l of readFileSync(path.join(outDir, name), 'utf8').trim().split('\n')) {
        const r = JSON.parse(l) as { id: string; cluster: number };
        const s = seen.get(r.id) ?? { n: 0, cluster: r.cluster };
        s.n++;
        expect(s.cluster).toBe(r.cluster);
        seen.set(r.id, s);
        // files of run 1 written after its last checkpoint hold only records after that checkpoint
        if (before && time > atCrash.time) expect(offsets.get(r.id)!).toBeGreaterThanOrEqual(crashOffset);
      }
    }
    expect(seen.size).toBe(3000); // nothing lost
    for (const [id, s] of seen) {
      if (offsets.get(id)! < crashOffset) expect(s.n, id).toBe(1); // exactly once before the checkpoint
      else expect(s.n, id).toBeLessThanOrEqual(2); // at most once more after it
    }
    // the running totals in the final checkpoint counted every record exactly once
    const final = (await store.latest())!;
    expect(Object.values(Object.values(final.inputs)[0])[0]).toBe(size);
    const totals = Object.entries(final.nodes).find(([k]) => k.endsWith(':updateStateByKey'))![1] as Array<[string, number]>;
    const expected: Record<string, number> = {};
    for (const s of seen.values()) expected[String(s.cluster)] = (expected[String(s.cluster)] ?? 0) + 1;
    expect(Object.fromEntries(totals)).toEqual(expected);
    expect(totals.reduce((n, [, v]) => n + v, 0)).toBe(3000);
  });
});

