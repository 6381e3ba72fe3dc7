/**
 * `tweetlang rules` and `tweetlang collect --source twitter` as a user runs them (the real CLI in a child
 * process), against the local Twitter API v2 wire-format server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFakeTwitter, type FakeTwitter } from '../helpers/twitter-server.js';

const TOKEN = 'cli-test-bearer-token-7d1f00';

describe('tweetlang rules / collect against a local Twitter API', () => {
  let server: FakeTwitter;
  let dir: string;
  const env = () => ({ TWITTER_BEARER_TOKEN: TOKEN, TWITTER_API_BASE: server.base });

  beforeAll(async () => {
    server = await startFakeTwitter(TOKEN);
    dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-collect-'));
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds, lists and deletes rules', async () => {
    const dry = await runCli(['rules', 'add', 'lang:es -is:retweet', '--dry-run'], { env: env() });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^valid\t\d+\tlang:es -is:retweet\n$/);
    expect(server.rules).toEqual([]);
    const add = await runCli(['rules', 'add', 'lang:es -is:retweet', 'lang:en', '--tag', 'mine'], { env: env() });
    expect(add.code).toBe(0);
    expect(add.stdout.trim().split('\n')).toHaveLength(2);
    const list = await runCli(['rules', 'list', '--json'], { env: env() });
    const rules = JSON.parse(list.stdout);
    expect(rules.map((r: { value: string; tag: string }) => [r.value, r.tag])).toEqual([
      ['lang:es -is:retweet', 'mine'],
      ['lang:en', 'mine'],
    ]);
    const dup = await runCli(['rules', 'add', 'lang:en'], { env: env() });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('not added: "lang:en": DuplicateRule [E_TWITTER_RULE]');
    const del = await runCli(['rules', 'delete', rules[0].id], { env: env() });
    expect([del.code, del.stdout]).toEqual([0, 'deleted 1\n']);
    const all = await runCli(['rules', 'delete', '--all'], { env: env() });
    expect([all.code, all.stdout]).toEqual([0, 'deleted 1\n']);
    expect((await runCli(['rules', 'list'], { env: env() })).stdout).toBe('no rules\n');
  });

  it('says clearly what is wrong, never showing the token', async () => {
    const noToken = await runCli(['rules', 'list'], { env: { TWITTER_BEARER_TOKEN: '', TWITTER_API_BASE: server.base } });
    expect([noToken.code, noToken.stderr.trim()]).toEqual([1, 'tweetlang rules: TWITTER_BEARER_TOKEN is not set (an app bearer token from the developer portal) [E_TWITTER_TOKEN]']);
    const wrong = await runCli(['rules', 'list'], { env: { TWITTER_BEARER_TOKEN: 'wrong-token-secret', TWITTER_API_BASE: server.base } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/HTTP 401.*\[E_TWITTER_AUTH\]/);
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong-token-secret');
    const usage = await runCli(['rules', 'frobnicate'], { env: env() });
    expect(usage.code).toBe(2);
    const help = await runCli(['rules', '--help']);
    expect([help.code, help.stdout.startsWith('Usage: tweetlang rules')]).toEqual([0, true]);
  });

  it('collect writes the tweets as JSONL files and stops after --max', async () => {
    server.plans = [
      { tweets: Array.from({ length: 4 }, (_, i) => ({ id: String(100 + i), text: `hola ${i}`, lang: 'es', created_at: '2024-05-01T10:00:00.000Z' })), then: 'drop' },
      { tweets: Array.from({ length: 4 }, (_, i) => ({ id: String(200 + i), text: `hello ${i}`, lang: 'en' })), then: 'keepalive' },
    ];
    const out = path.join(dir, 'run1');
    const r = await runCli(['collect', '--source', 'twitter', '--out', out, '--max', '6', '--every', '200ms'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('collect: done, 6 tweets');
    const files = readdirSync(out).sort();
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) expect(f).toMatch(/^tweets-\d{8}T\d{9}Z(-\d+)?\.jsonl$/);
    const lines = files.flatMap((f) => readFileSync(path.join(out, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['100', '101', '102', '103', '200', '201']);
    expect(lines[0]).toEqual({ id: '100', text: 'hola 0', lang: 'es', created_at: '2024-05-01T10:00:00.000Z' });
    expect(lines[4]).toEqual({ id: '200', text: 'hello 0', lang: 'en', created_at: null });
    // the collected files are what `examine` reads
    const ex = await runCli(['examine', '--input', out, '--sql', 'SELECT lang, count(*) AS n FROM tweets GROUP BY lang ORDER BY lang', '--json']);
    expect(ex.stdout).toBe('{"lang":"en","n":"2"}\n{"lang":"es","n":"4"}\n');
  });

  it('collect rejects bad flags with exit 2', async () => {
    expect((await runCli(['collect', '--source', 'twitter'], { env: env() })).code).toBe(2);
    expect((await runCli(['collect', '--source', 'ftp:x', '--out', dir], { env: env() })).code).toBe(2);
    expect((await runCli(['collect', '--source', 'twitter', '--out', dir, '--every', 'soon'], { env: env() })).code).toBe(2);
    expect((await runCli(['collect', '--source', 'twitter', '--out', dir, '--to', 'kafka:x'], { env: env() })).code).toBe(2);
  });
});
