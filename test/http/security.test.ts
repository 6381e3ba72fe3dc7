/**
 * What protects the API (docs/SECURITY.md), beyond the admin, header, CORS and rate-limit cases of
 * model.test.ts and ops.test.ts: the key is only taken from headers and compared whole; rate limits come
 * from the environment and cannot be dodged with a forged X-Forwarded-For; every reply (errors and assets
 * included) carries the security headers; CORS preflights; uploads are size-limited and fully validated
 * before anything is saved or swapped; secret values never reach a log line, an error reply or a request id.
 */
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../src/config.js';
import { keysEqual } from '../../src/http/auth.js';
import { createLogger } from '../../src/log.js';
import { clearSecrets, registerSecrets, scrubSecrets, secretsFromEnv } from '../../src/secrets.js';
import { ADMIN_KEY, defaultModel, LogCapture, testApp, tinyModelJSON, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  clearSecrets();
});

const admin = { 'x-admin-key': ADMIN_KEY };

describe('admin key', () => {
  it('compares whole keys: a prefix, an extension, another case or a look-alike is refused', () => {
    expect(keysEqual(ADMIN_KEY, ADMIN_KEY)).toBe(true);
    for (const other of ['', ADMIN_KEY.slice(0, -1), `${ADMIN_KEY}x`, ADMIN_KEY.toUpperCase(), ` ${ADMIN_KEY}`, ADMIN_KEY.replace('-', '\u2010'), `${ADMIN_KEY}\u0000`]) {
      expect(keysEqual(other, ADMIN_KEY), JSON.stringify(other)).toBe(false);
    }
  });

  it('is taken only from the x-admin-key or authorization header, never from the query, a cookie or the body', async () => {
    t = await testApp({ withStore: true });
    const tries = [
      { url: `/v1/model/reload?key=${ADMIN_KEY}` },
      { url: `/v1/model/reload?x-admin-key=${ADMIN_KEY}` },
      { url: '/v1/model/reload', headers: { cookie: `x-admin-key=${ADMIN_KEY}` } },
      { url: '/v1/model/reload', payload: { key: ADMIN_KEY, 'x-admin-key': ADMIN_KEY } },
      { url: '/v1/model/reload', headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` } },
    ];
    for (const r of tries) {
      const res = await t.app.inject({ method: 'POST', ...r });
      expect(res.statusCode, JSON.stringify(r)).toBe(401);
      expect(res.json().code).toBe('E_ADMIN_KEY_MISSING');
    }
    expect(t.models.version).toBe(1);
  });
});

describe('rate limits', () => {
  const envApp = async (env: Record<string, string>) => {
    const { http } = loadApiConfig(env);
    return testApp({ http: { rateLimitMax: http.rateLimitMax, rateLimitWindowMs: http.rateLimitWindowMs, trustProxy: http.trustProxy } });
  };
  const codes = async (n: number, headers: Record<string, string> = {}) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await t!.app.inject({ url: '/v1/model', headers })).statusCode);
    return out;
  };

  it('are set by TWEETLANG_RATE_LIMIT and _WINDOW_MS; 0 turns them off; a bad value stops start-up', async () => {
    t = await envApp({ TWEETLANG_RATE_LIMIT: '2', TWEETLANG_RATE_LIMIT_WINDOW_MS: '3600000' });
    expect(await codes(3)).toEqual([200, 200, 429]);
    const limited = await t.app.inject({ url: '/v1/model' });
    expect(limited.headers['x-ratelimit-limit']).toBe('2');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000); // seconds left of the hour
    await t.close();
    t = await envApp({ TWEETLANG_RATE_LIMIT: '0' });
    expect((await codes(50)).every((c) => c === 200)).toBe(true);
    expect(() => loadApiConfig({ TWEETLANG_RATE_LIMIT: '-1' })).toThrow(/TWEETLANG_RATE_LIMIT must be an integer/);
    expect(() => loadApiConfig({ TWEETLANG_RATE_LIMIT_WINDOW_MS: '0' })).toThrow(/TWEETLANG_RATE_LIMIT_WINDOW_MS/);
  });

  it('cannot be dodged with a forged X-Forwarded-For unless the service is told to trust a proxy', async () => {
    t = await envApp({ TWEETLANG_RATE_LIMIT: '2' });
    const forged = [];
    for (let i = 0; i < 4; i++) forged.push((await t.app.inject({ url: '/v1/model', headers: { 'x-forwarded-for': `10.0.0.${i}` } })).statusCode);
    expect(forged).toEqual([200, 200, 429, 429]);
    await t.close();
    // behind a proxy (TWEETLANG_TRUST_PROXY=true) the forwarded address is the client: one bucket each
    t = await envApp({ TWEETLANG_RATE_LIMIT: '2', TWEETLANG_TRUST_PROXY: 'true' });
    expect(await codes(3, { 'x-forwarded-for': '10.0.0.1' })).toEqual([200, 200, 429]);
    expect(await codes(2, { 'x-forwarded-for': '10.0.0.2' })).toEqual([200, 200]);
  });
});

describe('security headers and CORS', () => {
  it('every reply carries the security headers: the page, assets, JSON, errors, docs', async () => {
    t = await testApp();
    for (const url of ['/', '/assets/app.js', '/v1/model', '/nope', '/v1/model?bad=1', '/docs/json', '/healthz']) {
      const r = await t.app.inject({ url });
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      // Swagger UI (/docs) has its own policy, which allows framing by the same origin only
      expect(String(r.headers['content-security-policy']), url).toMatch(url.startsWith('/docs') ? /frame-ancestors '(self|none)'/ : /frame-ancestors 'none'/);
      expect(String(r.headers['content-security-policy']), url).toContain("object-src 'none'");
      expect(r.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(r.headers['x-powered-by'], url).toBeUndefined();
      expect(r.headers['x-request-id'], url).toBeTruthy();
    }
    const docs = await t.app.inject({ url: '/docs/static/index.html' });
    expect(String(docs.headers['content-security-policy'])).not.toContain('validator.swagger.io');
  });

  it("pages get helmet's full set with the dashboard's policy; API replies a policy that allows nothing, without the HTML-only headers", async () => {
    t = await testApp();
    for (const url of ['/', '/assets/app.js']) {
      const r = await t.app.inject({ url });
      const csp = String(r.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(r.headers['x-dns-prefetch-control'], url).toBe('off');
      expect(r.headers['x-permitted-cross-domain-policies'], url).toBe('none');
      expect(r.headers['x-download-options'], url).toBe('noopen');
      expect(r.headers['x-xss-protection'], url).toBe('0');
    }
    const replies = [
      await t.app.inject({ url: '/v1/model' }),
      await t.app.inject({ url: '/nope' }),
      await t.app.inject({ url: '/healthz' }),
      await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'hola' } }),
      await t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'content-type': 'application/json' }, payload: '{' }),
    ];
    for (const r of replies) {
      expect(String(r.headers['content-security-policy'])).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-xss-protection']).toBeUndefined();
      expect(r.headers['x-dns-prefetch-control']).toBeUndefined();
    }
  });

  it('answers preflights only for configured origins, and refuses a malformed one in the JSON shape', async () => {
    t = await testApp({ http: { corsOrigins: ['https://app.example.com'] } });
    const ok = await t.app.inject({ method: 'OPTIONS', url: '/v1/predict', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST');
    const other = await t.app.inject({ method: 'OPTIONS', url: '/v1/predict', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const malformed = await t.app.inject({ method: 'OPTIONS', url: '/v1/predict' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'E_BAD_PREFLIGHT' });
  });
});

describe('model uploads', () => {
  beforeEach(async () => {
    t = await testApp({ withStore: true, http: { bodyLimit: 1024 * 1024, modelUploadLimit: 2 * 1024 * 1024 } });
  });
  const put = (payload: unknown) => t!.app.inject({ method: 'PUT', url: '/v1/model', headers: { ...admin, 'content-type': 'application/json' }, payload: payload as string });
  const storeFiles = async () => (await readdir(t!.storeDir!).catch(() => [])).sort();

  it('are refused over the upload limit (413) before being parsed, and nothing is saved', async () => {
    const before = await storeFiles();
    const big = JSON.stringify({ ...tinyModelJSON(), samples: [['x'.repeat(3 * 1024 * 1024)]] });
    const r = await put(big);
    expect(r.statusCode).toBe(413);
    expect(r.json().code).toBe('E_BODY_TOO_LARGE');
    expect(await storeFiles()).toEqual(before);
  });

  const broken: Array<[string, (m: Record<string, unknown>) => unknown]> = [
    ['training stats of the wrong types', (m) => ({ ...m, training: { texts: 'many', converged: 'yes' } })],
    ['a training block that is a list', (m) => ({ ...m, training: [] })],
    ['centers of the wrong size', (m) => ({ ...m, k: 3 })],
    ['a non-finite center', (m) => ({ ...m, centers: { dtype: 'float32', shape: [2, 64], data: Buffer.from(new Float32Array(128).fill(Number.NaN).buffer).toString('base64') } })],
    ['negative weights', (m) => ({ ...m, weights: [-1, 1] })],
    ['a label longer than 64 characters', (m) => ({ ...m, labels: ['x'.repeat(65), null] })],
    ['terms outside the feature range', (m) => ({ ...m, terms: { 64: 'ab' } })],
    ['samples that are not strings', (m) => ({ ...m, samples: [[{ $gt: '' }]] })],
    ['too many features', (m) => ({ ...m, features: { ...(m.features as object), numFeatures: 2 ** 23 } })],
    ['a __proto__ key', () => `{"__proto__": {"admin": true}, ${JSON.stringify(tinyModelJSON()).slice(1)}`],
  ];
  for (const [what, mangle] of broken) {
    it(`with ${what} are refused (400), nothing saved, the running model stays`, async () => {
      const before = await storeFiles();
      const payload = mangle(tinyModelJSON());
      const r = await put(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toMatch(/^E_(MODEL_INVALID|MODEL_FORMAT|INVALID_JSON|VALIDATION)$/);
      expect(await storeFiles()).toEqual(before);
      expect(t!.models.version).toBe(1);
      expect(t!.models.current.model.k).toBe(defaultModel().k);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  }
});

describe('secrets', () => {
  const SECRET = 'tw-bearer-AAAAAAAAAAAAAAAAAAAAA-%2F-secret';

  it('are read from the known environment variables (8+ characters)', () => {
    expect(secretsFromEnv({ TWEETLANG_ADMIN_KEY: ADMIN_KEY, TWITTER_BEARER_TOKEN: SECRET, OTHER: 'not-a-secret-value', KAFKA_SASL_PASSWORD: 'short' })).toEqual([ADMIN_KEY, SECRET]);
  });

  it('never reach a log line, whatever field or message carries them', () => {
    registerSecrets([SECRET, 'quote"and\\backslash-secret']);
    const logs = new LogCapture();
    const log = createLogger({ level: 'trace', destination: logs });
    log.info({ url: `/v1/x?token=${SECRET}`, nested: { deep: [SECRET] } }, `failed with ${SECRET}`);
    log.warn({ err: new Error(`Bearer ${SECRET} refused`) }, 'upstream said no');
    log.info({ v: 'quote"and\\backslash-secret' }, 'escaped');
    const text = JSON.stringify(logs.lines);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('backslash-secret');
    expect(logs.lines[0].msg).toBe('failed with [redacted]');
    expect(logs.lines).toHaveLength(3);
    expect(scrubSecrets(`a ${SECRET} b`)).toBe('a [redacted] b');
  });

  it('never reach an error reply or a request id, even when the client sent them', async () => {
    registerSecrets([ADMIN_KEY]);
    t = await testApp({ withStore: true });
    const replies = [
      await t.app.inject({ url: `/v1/${ADMIN_KEY}` }),
      await t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'content-type': 'application/json' }, payload: `${ADMIN_KEY} is not json` }),
      await t.app.inject({ url: `/v1/stream?lang=${ADMIN_KEY}` }),
      await t.app.inject({ url: '/healthz', headers: { 'x-request-id': ADMIN_KEY } }),
      await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: { 'x-admin-key': `${ADMIN_KEY}-and-more` } }),
    ];
    expect(replies.map((r) => r.statusCode)).toEqual([404, 400, 400, 200, 403]);
    for (const r of replies) {
      expect(r.body).not.toContain(ADMIN_KEY);
      expect(JSON.stringify(r.headers)).not.toContain(ADMIN_KEY);
    }
    expect(replies[0].json().message).toBe('no route GET /v1/[redacted]');
    expect(replies[3].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-42.a:b' } })).headers['x-request-id']).toBe('trace-42.a:b');
    expect((await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'x'.repeat(200) } })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
