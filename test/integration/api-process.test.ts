/** The API service as `npm start` runs it: a real process, real port, signals. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/data.js';
import { waitFor } from '../helpers/sse.js';

const ENTRY = path.join(ROOT, 'services', 'api', 'main.ts');

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', TWEETLANG_ADMIN_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, stderr: () => err, exit };
}

let proc: Proc | undefined;
let tmp: string | undefined;
afterEach(async () => {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exit;
  }
  proc = undefined;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('services/api/main', () => {
  it('serves predict and the dashboard, and exits 0 on SIGTERM after a graceful stop', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-api-'));
    proc = run({ TWEETLANG_MODEL_STORE: path.join(tmp, 'store'), TWEETLANG_SAMPLE_STREAM: path.join(tmp, 'none.jsonl') });
    await waitFor(() => /tweetlang API listening on (http:\/\/[^"]+)"/.test(proc!.stderr()) || proc!.child.exitCode !== null, 'listening', 30_000);
    const url = /tweetlang API listening on (http:\/\/[^"]+)"/.exec(proc.stderr())![1];

    const r = await fetch(`${url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '¿Dónde está la biblioteca?' }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { predictions: Array<{ label: string }> }).predictions[0].label).toBe('spa');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // without a sample stream it runs without a pipeline, and says so
    expect(proc.stderr()).toMatch(/running without the embedded pipeline/);
    expect(proc.stderr()).toMatch(/admin routes .* are disabled: TWEETLANG_ADMIN_KEY is not set/);

    proc.child.kill('SIGTERM');
    const { code } = await proc.exit;
    expect(code).toBe(0);
    expect(proc.stderr()).toMatch(/"msg":"stopped"/);
  });

  it('refuses a bad setting at start-up with one line naming it (exit 2)', async () => {
    proc = run({ PORT: 'eighty' });
    const { code } = await proc.exit;
    expect(code).toBe(2);
    expect(proc.stderr().trim().split('\n')).toEqual(['tweetlang api: PORT must be an integer from 0 to 65535 (got "eighty") [E_CONFIG]']);
  });

  it('exits 1 with a clear line when the model cannot be loaded', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-api-'));
    proc = run({ TWEETLANG_MODEL: path.join(tmp, 'missing.json'), TWEETLANG_MODEL_STORE: path.join(tmp, 'store') });
    const { code } = await proc.exit;
    expect(code).toBe(1);
    expect(proc.stderr()).toMatch(/cannot start: model not found/);
  });
});
