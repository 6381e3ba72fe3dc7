/**
 * Fuzzing the HTTP API through app.inject: 10,000 random requests (methods, paths, query strings, headers,
 * bodies: hostile text, random JSON, random bytes, broken encodings, mangled models for the admin upload
 * with the right key) against two configurations of the app (plain; and rate limit, proxy trust and CORS
 * on). No request may get a 5xx, every error reply is the documented JSON shape with a code, nothing is
 * logged at error level, and the app still answers normally afterwards. Fixed seed, bounded runs.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { ADMIN_KEY, testApp, tinyModelJSON, type TestApp, type TestAppOptions } from '../helpers/app.js';
import { FUZZ_SEED, hostileText } from '../helpers/hostile.js';

const RUNS = { plain: 7000, guarded: 3000 };

const PATHS = [
  '/v1/predict', '/v1/model', '/v1/model/reload', '/v1/clusters', '/v1/stats', '/v1/stream', '/healthz', '/readyz', '/metrics',
  '/', '/index.html', '/app.js', '/style.css', '/favicon.svg', '/docs', '/docs/json', '/docs/static/index.html',
];
const QUERY_KEYS = ['cluster', 'lang', 'top', 'samples', 'text', '__proto__', 'constructor', 'cluster[]', 'a.b', '', '%', '%zz', 'x'.repeat(300)];
const WEIRD_PATHS = ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/v1//predict', '/v1/predict/', '/%00', '/%c0%af', '/v1/%ff', '/public/../package.json', '//', '/..%2fpackage.json', '/\u0000', '/app.js%00.html'];

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates become EF BF BD, as a browser sends them). */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

const pathArb = fc.oneof(
  { arbitrary: fc.constantFrom(...PATHS), weight: 8 },
  { arbitrary: fc.constantFrom(...WEIRD_PATHS), weight: 2 },
  { arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => '/' + pct(s)), weight: 1 },
);

const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 200_000 }).map(String),
  fc.constantFrom('spa', 'eng', 'zzz', '', 'NaN', '1e309', '0x10', '-0', 'true', '[]', '{}', '%', '%E0%A4%A', '%ff%fe', '%00'),
  hostileText(6).map(pct),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
);
const queryArb = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 6 }).map((pairs) =>
  pairs.map(([k, v]) => `${k === '%' || k === '%zz' ? k : pct(k)}=${v.replace(/[#\s]/g, '')}`).join('&'),
);

/** Header values a real client could send (HTTP allows tab, visible ASCII and obs-text 0x80-0xFF). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(4000)),
);
const headerName = fc.oneof(
  fc.constantFrom('x-admin-key', 'authorization', 'x-request-id', 'accept', 'accept-encoding', 'content-encoding', 'x-forwarded-for', 'origin', 'cookie', 'range', 'if-none-match', 'expect', 'x-http-method-override'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
);
const contentType = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'Application/JSON', 'application/json;;', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', 'application/json, text/plain', 'application/vnd.api+json', '*/*',
);
const authHeaders = fc.oneof(
  fc.constant({}),
  fc.constant({ 'x-admin-key': ADMIN_KEY }),
  fc.constant({ authorization: `Bearer ${ADMIN_KEY}` }),
  fc.constant({ authorization: `bearer   ${ADMIN_KEY}   ` }),
  headerValue.map((v) => ({ 'x-admin-key': v })),
  headerValue.map((v) => ({ authorization: `Bearer ${v}` })),
  fc.constant({ 'x-admin-key': ADMIN_KEY.slice(0, -1) }),
);

/** A model object with one field broken (the upload must refuse it with a 4xx). */
const mangledModel = fc
  .tuple(fc.constantFrom('version', 'k', 'centers', 'weights', 'labels', 'features', 'distance', 'idf', 'unknown', 'format', 'formatVersion', 'samples', 'terms', 'training'), fc.jsonValue())
  .map(([field, value]) => ({ ...tinyModelJSON(), [field]: value }));

const predictBody = fc.oneof(
  hostileText(40).map((text) => ({ text })),
  fc.array(hostileText(20), { maxLength: 20 }).map((texts) => ({ texts })),
  fc.record({ text: fc.jsonValue(), texts: fc.jsonValue() }, { requiredKeys: [] }),
  fc.constant({ text: 'x'.repeat(10_001) }),
  fc.constant({ texts: Array.from({ length: 1001 }, () => 'a') }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "text": "hola"}')),
);

type Body = string | Buffer | object | undefined;
const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: predictBody, weight: 5 },
  { arbitrary: mangledModel, weight: 2 },
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), weight: 2 },
  { arbitrary: hostileText(30), weight: 2 },
  { arbitrary: fc.constantFrom('{', '{"text":', '[1,2', '{"text": "\\ud800"}', '\ufeff{"text":"bom"}', '{"text": "a"}garbage', 'null', '"str"', '1e999', '{"a":' + '['.repeat(5000)), weight: 2 },
);

/** Free-form requests: any method, any path, any body. */
const freeRequest = fc.record({
  method: fc.oneof({ arbitrary: fc.constantFrom('GET', 'POST', 'PUT'), weight: 6 }, { arbitrary: fc.constantFrom('DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'), weight: 1 }),
  path: pathArb,
  query: fc.option(queryArb, { nil: undefined }),
  contentType: fc.option(contentType, { nil: undefined }),
  auth: authHeaders,
  extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
  body: bodyArb,
});

/** Requests aimed at a real route (method and path right), with random everything else. */
const ROUTES: Array<[string, string, fc.Arbitrary<Body>]> = [
  ['POST', '/v1/predict', predictBody],
  ['PUT', '/v1/model', fc.oneof(mangledModel, bodyArb)],
  ['POST', '/v1/model/reload', fc.option(bodyArb, { nil: undefined })],
  ['GET', '/v1/model', fc.constant(undefined)],
  ['GET', '/v1/clusters', fc.constant(undefined)],
  ['GET', '/v1/stats', fc.constant(undefined)],
  ['GET', '/v1/stream', fc.constant(undefined)],
  ['GET', '/', fc.constant(undefined)],
  ['GET', '/readyz', fc.constant(undefined)],
];
const routedRequest = fc
  .tuple(
    fc.integer({ min: 0, max: ROUTES.length - 1 }).chain((i) => fc.tuple(fc.constant(ROUTES[i]), ROUTES[i][2])),
    fc.option(queryArb, { nil: undefined, freq: 2 }),
    fc.option(contentType, { nil: undefined, freq: 1 }),
    authHeaders,
    fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  )
  .map(([[[method, path], body], query, ct, auth, extra]) => ({ method, path, query, contentType: ct ?? 'application/json', auth, extra, body }));

const requestArb = fc.oneof({ arbitrary: routedRequest, weight: 3 }, { arbitrary: freeRequest, weight: 2 });
type Req = Omit<typeof freeRequest extends fc.Arbitrary<infer T> ? T : never, 'method'> & { method: string };

function toInject(r: Req): InjectOptions {
  const headers: Record<string, string> = {};
  for (const [k, v] of r.extra) headers[k] = v;
  Object.assign(headers, r.auth);
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  let payload: string | Buffer | undefined;
  if (r.body !== undefined && !['GET', 'HEAD'].includes(r.method)) {
    payload = typeof r.body === 'string' || Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json';
  }
  return { method: r.method as InjectOptions['method'], url: r.path + (r.query ? `?${r.query}` : ''), headers, payload };
}

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/**
 * GET and HEAD /v1/stream go over a real socket: inject never settles a hijacked reply. Once the stream opened,
 * its client is unsubscribed (as a client leaving would) and the reply ends.
 */
function sendOverSocket(base: string, o: InjectOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + String(o.url), { method: o.method, headers: o.headers as http.OutgoingHttpHeaders }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.payload as string | Buffer | undefined);
  });
}

/** Runs one request (inject, or a socket for the live stream); a reply that never comes fails. */
async function send(t: TestApp, base: string, r: Req): Promise<Reply> {
  const o = toInject(r);
  const pending: Promise<Reply> = (r.method === 'GET' || r.method === 'HEAD') && r.path === '/v1/stream' ? sendOverSocket(base, o) : (t.app.inject(o) as Promise<unknown> as Promise<Reply>);
  let settled = false;
  void pending.finally(() => (settled = true)).catch(() => undefined);
  // a reply that never comes is a failure too (a generous bound: this is not a timing assertion)
  const deadline = Date.now() + 20_000;
  while (!settled) {
    await new Promise((res) => setImmediate(res));
    for (const s of t.hub.subscribers()) s.close();
    if (Date.now() > deadline) throw new Error(`no reply to ${r.method} ${r.path}?${r.query ?? ''}`);
  }
  return pending;
}

async function fuzz(t: TestApp, runs: number, seed: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await t.pipeline!.start(); // a running pipeline: /readyz is 200, so any 5xx is a failure
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const res = await send(t, base, r);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      expect(res.statusCode, `${r.method} ${r.path}?${r.query ?? ''} -> ${res.body.slice(0, 300)}`).toBeLessThan(500);
      // Node's HTTP server itself answers an Expect header other than 100-continue (417, no body), before the app
      if (res.statusCode === 417 && r.extra.some(([k, v]) => k === 'expect' && v.trim().toLowerCase() !== '100-continue')) return;
      expect(res.headers['x-request-id']).toBeTruthy();
      if (res.statusCode >= 400 && r.method !== 'HEAD') {
        const body = res.json() as { statusCode: number; code: string; message: string };
        expect(body.statusCode).toBe(res.statusCode);
        expect(body.code).toMatch(/^E_[A-Z0-9_]+$/);
        expect(typeof body.message).toBe('string');
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  console.info(`fuzzed ${runs} requests, replies by status: ${JSON.stringify(statuses)}`);
  return statuses;
}

async function expectStillServing(t: TestApp): Promise<void> {
  expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  const p = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: '¿Dónde está la biblioteca?' }, headers: { 'x-forwarded-for': '10.9.9.9' } });
  expect(p.statusCode).toBe(200);
  // valid uploads among the fuzz (a model with a harmless field changed) may have swapped the model in
  expect(p.json()).toMatchObject({ modelVersion: t.models.version, predictions: [expect.objectContaining({ cluster: expect.any(Number) })] });
  expect(t.logs.lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined(); // no prototype pollution
}

describe('HTTP API fuzz (10,000 random requests)', () => {
  let plain: TestApp;
  let guarded: TestApp;
  const opts = (http: TestAppOptions['http']): TestAppOptions => ({ withStore: true, http, logLevel: 'info' });
  beforeAll(async () => {
    plain = await testApp(opts({}));
    guarded = await testApp(opts({ rateLimitMax: 200, rateLimitWindowMs: 60_000, trustProxy: true, corsOrigins: ['https://app.example.com'] }));
  });
  afterAll(async () => {
    await plain?.close();
    await guarded?.close();
  });

  it(`${RUNS.plain} requests against the plain app: no 5xx, JSON errors with codes, still serving`, async () => {
    const statuses = await fuzz(plain, RUNS.plain, FUZZ_SEED);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS.plain);
    expect(statuses[200]).toBeGreaterThan(RUNS.plain / 20); // valid requests were among them
    expect(statuses[400]).toBeGreaterThan(RUNS.plain / 20);
    await expectStillServing(plain);
  }, 240_000);

  it(`${RUNS.guarded} requests with rate limits, X-Forwarded-For trust and CORS on: no 5xx, still serving`, async () => {
    const statuses = await fuzz(guarded, RUNS.guarded, FUZZ_SEED + 1);
    expect(statuses[429]).toBeGreaterThan(0);
    await expectStillServing(guarded);
  }, 240_000);
});
