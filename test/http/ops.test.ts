import { afterEach, describe, expect, it } from 'vitest';
import type { BatchInfo } from '../../src/stream/pipeline-types.js';
import { testApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function batchInfo(over: Partial<BatchInfo> = {}): BatchInfo {
  return {
    time: 10_000,
    records: 5,
    matched: 2,
    perCluster: { '0': 3, '4': 1, none: 1 },
    perLabel: { spa: 3, hin: 1, unknown: 1 },
    processingMs: 40,
    schedulingDelayMs: 5,
    modelVersion: 1,
    ...over,
  };
}

const metric = (text: string, line: string) => {
  const m = new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('health and readiness', () => {
  it('/healthz answers ok', async () => {
    t = await testApp();
    const r = await t.app.inject({ url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 until the pipeline runs, 200 while it runs, 503 once draining', async () => {
    t = await testApp();
    const r1 = await t.app.inject({ url: '/readyz' });
    expect(r1.statusCode).toBe(503);
    expect(r1.json()).toEqual({ ready: false, checks: { model: true, pipeline: false, draining: false }, modelVersion: 1 });
    await t.pipeline!.start();
    const r2 = await t.app.inject({ url: '/readyz' });
    expect(r2.statusCode).toBe(200);
    expect(r2.json().ready).toBe(true);
    t.app.lifecycle.draining = true;
    const r3 = await t.app.inject({ url: '/readyz' });
    expect(r3.statusCode).toBe(503);
    expect(r3.json().checks.draining).toBe(true);
  });

  it('/readyz is 200 without a pipeline once a model is loaded', async () => {
    t = await testApp({ pipeline: null });
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json().checks.pipeline).toBeNull();
  });
});

describe('/metrics', () => {
  it('exposes pipeline batches, records per cluster, batch latency, SSE clients, model version', async () => {
    t = await testApp();
    await t.pipeline!.start();
    t.pipeline!.events.emit('batch.end', batchInfo());
    t.pipeline!.events.emit('batch.end', batchInfo({ processingMs: 2000, perCluster: { '0': 1 }, matched: 1 }));
    t.pipeline!.events.emit('warning', { code: 'E_SOURCE', message: 'x' });
    t.pipeline!.events.emit('checkpoint', { time: 1, dir: '/tmp', durationMs: 3 });
    const sub = t.hub.subscribe();
    t.models.set({ ...t.models.current.model, version: 4 }, 'streaming-update');
    const r = await t.app.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const m = r.body;
    expect(metric(m, 'tweetlang_batches_total')).toBe(2);
    expect(metric(m, 'tweetlang_records_in_total{cluster="0"}')).toBe(4);
    expect(metric(m, 'tweetlang_records_in_total{cluster="none"}')).toBe(1);
    expect(metric(m, 'tweetlang_records_out_total')).toBe(3);
    expect(metric(m, 'tweetlang_batch_duration_seconds_count')).toBe(2);
    expect(metric(m, 'tweetlang_batch_duration_seconds_bucket{le="0.05"}')).toBe(1);
    expect(metric(m, 'tweetlang_batch_duration_seconds_bucket{le="2.5"}')).toBe(2);
    expect(metric(m, 'tweetlang_pipeline_warnings_total{code="E_SOURCE"}')).toBe(1);
    expect(metric(m, 'tweetlang_checkpoints_total')).toBe(1);
    expect(metric(m, 'tweetlang_pipeline_running')).toBe(1);
    expect(metric(m, 'tweetlang_sse_clients')).toBe(1);
    expect(metric(m, 'tweetlang_model_version')).toBe(4);
    expect(metric(m, 'tweetlang_model_swaps_total{source="streaming-update"}')).toBe(1);
    sub.close();
  });

  it('counts SSE drops from the hub', async () => {
    t = await testApp({ hub: { queueSize: 2, maxBehindMs: 1e9 } });
    t.hub.subscribe();
    const { outputBatch, numbered } = await import('../helpers/batches.js');
    await t.hub.write(outputBatch(0, numbered(5, [0])));
    const m = (await t.app.inject({ url: '/metrics' })).body;
    expect(metric(m, 'tweetlang_sse_dropped_events_total')).toBe(3);
    expect(metric(m, 'tweetlang_sse_events_total')).toBe(5);
  });
});

describe('GET /v1/stats', () => {
  it('returns the pipeline window: counts and top hashtags per cluster, trimmed by ?top', async () => {
    t = await testApp();
    await t.pipeline!.start();
    t.pipeline!.window = {
      windowMs: 20_000,
      slideMs: 10_000,
      asOf: 1_700_000_000_000,
      total: 7,
      clusters: [
        { cluster: 0, label: 'spa', count: 5, topHashtags: [{ tag: 'futbol', count: 3 }, { tag: 'madrid', count: 1 }] },
        { cluster: 3, label: null, count: 2, topHashtags: [] },
      ],
    };
    const r = await t.app.inject({ url: '/v1/stats' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ pipeline: 'running', ...t.pipeline!.window });
    const top1 = await t.app.inject({ url: '/v1/stats?top=1' });
    expect(top1.json().clusters[0].topHashtags).toEqual([{ tag: 'futbol', count: 3 }]);
    expect((await t.app.inject({ url: '/v1/stats?top=-1' })).json().code).toBe('E_VALIDATION');
    expect((await t.app.inject({ url: '/v1/stats?window=5' })).statusCode).toBe(400);
  });

  it('says "absent" with zero counts when the service has no pipeline', async () => {
    t = await testApp({ pipeline: null });
    const r = await t.app.inject({ url: '/v1/stats' });
    expect(r.json()).toEqual({ pipeline: 'absent', windowMs: 0, slideMs: 0, asOf: 0, total: 0, clusters: [] });
  });
});

describe('errors, headers, CORS and rate limits', () => {
  it('unknown routes and methods answer 404 JSON with a code', async () => {
    t = await testApp();
    for (const [method, url] of [
      ['GET', '/nope'],
      ['DELETE', '/v1/model'],
      ['GET', '/v1/predict'],
      ['GET', '/assets/../package.json'],
    ] as const) {
      const r = await t.app.inject({ method, url });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json().code).toBe('E_ROUTE_NOT_FOUND');
    }
  });

  it('malformed URLs and content-lengths answer 400 JSON with a code', async () => {
    t = await testApp();
    for (const [url, code] of [
      ['/v1/%ff', 'E_BAD_URL'],
      ['/%E0%A4%A', 'E_BAD_URL'],
    ]) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().code).toBe(code);
    }
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      payload: '{"text":"a"}',
      headers: { 'content-type': 'application/json', 'content-length': '5' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('E_BAD_CONTENT_LENGTH');
  });

  it('an unexpected error gives 500 "internal error" without a stack, and the service keeps serving', async () => {
    t = await testApp();
    t.app.pipeline!.stats = () => {
      throw new Error('boom at /secret/path.ts:12');
    };
    const r = await t.app.inject({ url: '/v1/stats' });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ statusCode: 500, code: 'E_INTERNAL', error: 'Internal Server Error', message: 'internal error' });
    const logged = t.logs.lines.find((l) => l.level === 50 && String(l.msg).includes('boom'));
    expect(logged).toBeDefined();
    expect(r.headers['x-request-id']).toBe(logged!.reqId); // the client can quote the id the log has
    const mine = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers['x-request-id']).toBe('abc-123');
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('sets security headers with a CSP that allows only the page itself', async () => {
    t = await testApp();
    const r = await t.app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['strict-transport-security']).toBeUndefined();
  });

  it('serves the dashboard files with types and ETags, and nothing else from public/', async () => {
    t = await testApp();
    const page = await t.app.inject({ url: '/?lang=spa&cluster=3' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('/assets/app.js');
    const js = await t.app.inject({ url: '/assets/app.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('EventSource');
    const again = await t.app.inject({ url: '/assets/app.js', headers: { 'if-none-match': String(js.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await t.app.inject({ url: '/assets/style.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await t.app.inject({ url: '/favicon.ico' })).headers['content-type']).toBe('image/svg+xml');
    expect((await t.app.inject({ url: '/assets/nope.js' })).json().code).toBe('E_ROUTE_NOT_FOUND');
    expect((await t.app.inject({ url: '/assets/index.html' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/assets/.hidden' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/?foo=1' })).json().code).toBe('E_VALIDATION');
  });

  it('CORS is off unless origins are configured', async () => {
    t = await testApp();
    const off = await t.app.inject({ url: '/v1/model', headers: { origin: 'https://example.com' } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    await t.close();
    t = await testApp({ http: { corsOrigins: ['https://example.com'] } });
    const on = await t.app.inject({ url: '/v1/model', headers: { origin: 'https://example.com' } });
    expect(on.headers['access-control-allow-origin']).toBe('https://example.com');
    const other = await t.app.inject({ url: '/v1/model', headers: { origin: 'https://evil.test' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate limits /v1 routes with 429 E_RATE_LIMITED, but never health checks or metrics', async () => {
    t = await testApp({ http: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ url: '/v1/model' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await t.app.inject({ url: '/v1/model' });
    expect(limited.json().code).toBe('E_RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 5; i++) {
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    }
  });

  it('serves the OpenAPI document with every route and the dashboard assets', async () => {
    t = await testApp();
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/healthz', '/metrics', '/readyz', '/v1/clusters', '/v1/model', '/v1/model/reload', '/v1/predict', '/v1/stats', '/v1/stream'].sort(),
    );
    expect(doc.paths['/v1/predict'].post.requestBody).toBeDefined();
    expect(doc.paths['/v1/model'].put.security).toEqual([{ adminKey: [] }, { bearer: [] }]);
    const ui = await t.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
  });
});
