import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { tinyCorpus } from '../helpers/model.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();
const good = path.join(dir, 'good.jsonl');

beforeAll(async () => {
  await fs.writeFile(good, tinyCorpus().map((r) => JSON.stringify(r)).join('\n') + '\n');
});

/** One line on stderr, with a code, no stack trace. */
function expectOneLineError(r: CliResult, code: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('tweetlang train / predict / inspect / eval', () => {
  it('trains, predicts in order, inspects and evaluates', async () => {
    const out = path.join(dir, 'store');
    const t = await runCli(['train', '--input', good, '--out', out, '--k', '3', '--seed', '2', '--features', '512', '--runs', '3', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const summary = JSON.parse(t.stdout);
    expect(summary).toMatchObject({ version: 1, k: 3, texts: 18 });
    expect(t.stderr).toMatch(/wrote .* \(version 1\)/);

    const input = ['{"text":"dónde está la biblioteca"}', 'not json', '{"text":"the quick brown fox"}', ''].join('\n') + '\n';
    const p = await runCli(['predict', '--model', out, '--format', 'jsonl'], { input });
    expect(p.code).toBe(0);
    const rows = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ cluster: expect.any(Number), distance: expect.any(Number) });
    expect(rows[1]).toEqual({ cluster: null, label: null, distance: null, error: 'not-json' });
    expect(rows[3]).toMatchObject({ error: 'empty' });
    expect(p.stderr).toMatch(/4 lines, 2 unreadable/);

    const i = await runCli(['inspect', '--model', out, '--json']);
    expect(i.code).toBe(0);
    const info = JSON.parse(i.stdout);
    expect(info.clusters).toHaveLength(3);
    expect(info.clusters[0].topTerms.length).toBeGreaterThan(0);

    const e = await runCli(['eval', '--model', out, '--input', good, '--json']);
    expect(e.code).toBe(0);
    const rep = JSON.parse(e.stdout).reports.all;
    // texts whose language no cluster is labelled with count as unseen
    expect(rep.texts + rep.unseen.texts).toBe(18);
    expect(rep.nmi).toBeGreaterThan(0);
  });

  it('prints help for every command and exits 0', async () => {
    for (const cmd of ['train', 'predict', 'inspect', 'eval']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: tweetlang ${cmd}`));
    }
    const train = await runCli(['train', '--help']);
    expect(train.stdout).toMatch(/--cleanup MODE +none \| tweet \| tweet-nohashtags \(default tweet-nohashtags\)/);
    expect(train.stdout).toMatch(/tweet-nohashtags: the same, but hashtags are dropped whole/);
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:/);
  });

  it('rejects an unknown command and an unknown flag with exit 2', async () => {
    expectOneLineError(await runCli(['frobnicate']), /unknown command .*E_USAGE/);
    expectOneLineError(await runCli(['train', '--input', good, '--out', 'x', '--bogus']), /bogus.*E_USAGE/);
    expect((await runCli(['train', '--bogus'])).code).toBe(2);
  });

  it.each([
    ['--k 0', ['--k', '0'], /--k must be an integer from 1/],
    ['--features -1', ['--features', '-1'], /--features must be an integer from 1/],
    ['--features abc', ['--features', 'abc'], /--features must be an integer/],
    ['--distance manhattan', ['--distance', 'manhattan'], /--distance must be one of/],
  ])('refuses %s', async (_, flags, msg) => {
    const r = await runCli(['train', '--input', good, '--out', path.join(dir, 'never'), ...flags]);
    expectOneLineError(r, msg);
    expect(r.code).toBe(2);
  });

  it('refuses a missing input file and a missing --input', async () => {
    expectOneLineError(await runCli(['train', '--input', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'm')]), /no such file.*E_NOT_FOUND/);
    expectOneLineError(await runCli(['train', '--out', path.join(dir, 'm')]), /--input is required/);
    expectOneLineError(await runCli(['predict', '--input', path.join(dir, 'missing.jsonl')]), /E_NOT_FOUND/);
  });

  it('refuses an empty file', async () => {
    const f = path.join(dir, 'empty.jsonl');
    await fs.writeFile(f, '');
    expectOneLineError(await runCli(['train', '--input', f, '--out', path.join(dir, 'm')]), /no usable text.*E_EMPTY_INPUT/);
  });

  it('refuses k larger than the number of texts', async () => {
    expectOneLineError(await runCli(['train', '--input', good, '--out', path.join(dir, 'm'), '--k', '50']), /k = 50 is larger than the number of texts \(18\).*E_K_TOO_LARGE/);
  });

  it('skips bad lines with a count: not JSON, no text, 1 MB line, invalid UTF-8', async () => {
    const f = path.join(dir, 'messy.jsonl');
    const parts: Buffer[] = [
      ...tinyCorpus().map((r) => Buffer.from(JSON.stringify(r) + '\n')),
      Buffer.from('this is not json\n'),
      Buffer.from('{"lang":"eng"}\n'),
      Buffer.from(JSON.stringify({ text: 'x'.repeat(1024 * 1024) }) + '\n'),
      Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    ];
    await fs.writeFile(f, Buffer.concat(parts));
    const r = await runCli(['train', '--input', f, '--out', path.join(dir, 'messy-model'), '--k', '3', '--features', '256']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/skipped 4 input lines: .*1 not-json.*1 no-text.*1 too-long.*1 invalid-utf8/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a model path that is not a valid model, naming the problem', async () => {
    const f = path.join(dir, 'not-a-model.json');
    await fs.writeFile(f, '{"format":"other"}');
    expectOneLineError(await runCli(['predict', '--model', f], { input: 'hello\n' }), /invalid model: format.*E_MODEL_FORMAT/);
  });

  it('stops quietly when the reader of stdout goes away (predict | head)', async () => {
    const many = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ text: `texto número ${i} de la prueba` })).join('\n') + '\n';
    const child = spawnCli(['predict', '--format', 'jsonl']);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(many);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/internal error|EPIPE/);
    expect(code).toBe(0);
  });
});
