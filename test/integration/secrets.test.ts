/**
 * No secret in logs or replies: the real service process (services/api/main.ts, as `npm start` runs it)
 * with known values for TWEETLANG_ADMIN_KEY and TWITTER_BEARER_TOKEN, logging at trace level, is driven
 * through admin and error paths (right and wrong keys, uploads good and bad, reloads, secrets pasted into
 * URLs, bodies, filters and request ids), then stopped; its whole output and every reply (bodies and
 * headers) are searched for the secret values, raw and JSON-escaped.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/data.js';
import { tinyModelJSON } from '../helpers/app.js';
import { waitFor } from '../helpers/sse.js';

const ENTRY = path.join(ROOT, 'services', 'api', 'main.ts');
const ADMIN = 'adm1n-K3y-"quoted"-\\-0f9e8d7c6b5a';
const TWITTER = 'AAAAAAAAAAAAAAAAAAAAAtw1tterB3arer%2Fsecret%3Dtoken';
const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];

describe('secrets in the running service', () => {
  let tmp = '';
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('never appear in its logs (trace level) or in any reply, across admin and error paths', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-secrets-'));
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        TWEETLANG_ADMIN_KEY: ADMIN,
        TWITTER_BEARER_TOKEN: TWITTER,
        TWEETLANG_MODEL_STORE: path.join(tmp, 'store'),
        TWEETLANG_CHECKPOINT_DIR: path.join(tmp, 'ckpt'),
        TWEETLANG_REPLAY_RATE: '200',
        TWEETLANG_BODY_LIMIT: '64k',
        TWEETLANG_MODEL_UPLOAD_LIMIT: '1m',
        TWEETLANG_BACKEND: 'cpu',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const replies: Array<{ what: string; status: number; headers: string; body: string }> = [];
    try {
      await waitFor(() => /tweetlang API listening on (http:\/\/[^"]+)"/.test(out) || child.exitCode !== null, 'listening', 30_000);
      const base = /tweetlang API listening on (http:\/\/[^"]+)"/.exec(out)![1];
      const call = async (what: string, url: string, init: RequestInit = {}) => {
        const r = await fetch(base + url, init);
        const body = await r.text();
        replies.push({ what, status: r.status, headers: JSON.stringify([...r.headers.entries()]), body });
        return r.status;
      };
      const json = { 'content-type': 'application/json' };
      const model = JSON.stringify(tinyModelJSON(['spa', 'eng']));

      expect(await call('reload with the key', '/v1/model/reload', { method: 'POST', headers: { 'x-admin-key': ADMIN } })).toBe(200);
      expect(await call('reload with a Bearer key', '/v1/model/reload', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } })).toBe(200);
      expect(await call('upload', '/v1/model', { method: 'PUT', headers: { ...json, 'x-admin-key': ADMIN }, body: model })).toBe(200);
      expect(await call('bad upload', '/v1/model', { method: 'PUT', headers: { ...json, 'x-admin-key': ADMIN }, body: JSON.stringify({ ...JSON.parse(model), k: 7 }) })).toBe(400);
      expect(await call('upload not JSON', '/v1/model', { method: 'PUT', headers: { ...json, 'x-admin-key': ADMIN }, body: `${ADMIN} ${TWITTER}` })).toBe(400);
      expect(await call('upload too big', '/v1/model', { method: 'PUT', headers: { ...json, 'x-admin-key': ADMIN }, body: 'x'.repeat(2 * 1024 * 1024) })).toBe(413);
      expect(await call('a key longer by one', '/v1/model/reload', { method: 'POST', headers: { 'x-admin-key': `${ADMIN}x` } })).toBe(403);
      expect(await call('the Twitter token as admin key', '/v1/model/reload', { method: 'POST', headers: { authorization: `Bearer ${TWITTER}` } })).toBe(403);
      expect(await call('no key', '/v1/model', { method: 'PUT', headers: json, body: model })).toBe(401);
      expect(await call('key in the path', `/v1/${encodeURIComponent(ADMIN)}/${TWITTER}`)).toBe(404);
      expect(await call('key in the query', `/v1/model?key=${encodeURIComponent(ADMIN)}&t=${TWITTER}`)).toBe(400);
      expect(await call('token in a filter', `/v1/stream?lang=${TWITTER}`)).toBe(400);
      expect(await call('secrets in a bad body', '/v1/predict', { method: 'POST', headers: json, body: `{"text": ${ADMIN}}` })).toBe(400);
      expect(await call('secrets in a text', '/v1/predict', { method: 'POST', headers: json, body: JSON.stringify({ texts: [ADMIN, TWITTER] }) })).toBe(200);
      expect(await call('secret as request id', '/healthz', { headers: { 'x-request-id': TWITTER } })).toBe(200);
      expect(await call('model', '/v1/model')).toBe(200);
      expect(await call('metrics', '/metrics')).toBe(200);
      expect(await call('openapi', '/docs/json')).toBe(200);
      await waitFor(() => out.includes('"msg":"resuming from checkpoint"') || /"time":\d+,"dir":/.test(out) || out.includes('embedded pipeline'), 'the pipeline to start', 30_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    // the paths ran: the admin routes were on, keys were checked, the scrubber had something to do
    expect(out).not.toMatch(/admin routes .* are disabled/);
    expect(out).toMatch(/admin request with a wrong key/);
    expect(out).toMatch(/model uploaded and swapped in/);
    for (const secret of [ADMIN, TWITTER]) {
      for (const form of forms(secret)) {
        expect(out.includes(form), `the log holds ${form}`).toBe(false);
      }
    }
    expect(out).toContain('[redacted]'); // the scrubber had work: secrets sent by clients reached log lines
    for (const r of replies) {
      for (const secret of [ADMIN, TWITTER]) {
        for (const form of forms(secret)) {
          expect(r.body.includes(form), `${r.what}: the reply holds ${form}`).toBe(false);
          expect(r.headers.includes(form), `${r.what}: a reply header holds ${form}`).toBe(false);
        }
      }
    }
    // nor their first characters, quoted back by a JSON parse error
    for (const r of replies.filter((x) => x.what === 'upload not JSON' || x.what === 'secrets in a bad body')) {
      expect(r.body, r.what).toMatch(/E_INVALID_JSON/);
      expect(r.body, r.what).not.toContain(ADMIN.slice(0, 8));
    }
  }, 90_000);
});
