import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { createModelRepository } from '../../src/http/services/model-repository.js';
import { ADMIN_KEY, testApp, tinyModelJSON, type TestApp } from '../helpers/app.js';
import { outputBatch } from '../helpers/batches.js';

const admin = { 'x-admin-key': ADMIN_KEY };
/** The bundled default model the test app starts with (models/default.json, rebuilt by npm run model:default). */
const bundled = JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')) as { k: number; features: { numFeatures: number }; training: { iterations: number } };

describe('GET /v1/model and /v1/clusters', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('describes the model in use', async () => {
    const r = await t.app.inject({ url: '/v1/model' });
    expect(r.statusCode).toBe(200);
    const m = r.json();
    expect(m.version).toBe(1);
    expect(m.k).toBe(bundled.k);
    expect(m.labels).toHaveLength(bundled.k);
    expect(m.labels).toContain('spa');
    expect(m.features.numFeatures).toBe(bundled.features.numFeatures);
    expect(m.featuresText).toMatch(new RegExp(`^${bundled.features.numFeatures} features`));
    expect(m.updates).toBe(0);
    expect(m.source).toBe('test');
    expect(m.training.texts).toBeGreaterThan(0);
    expect(m.training.iterations).toBe(bundled.training.iterations);
    expect(m).toHaveProperty('backend');
  });

  it('lists every cluster with weight, label, top n-grams, samples and the recent live texts', async () => {
    const spaCluster = t.models.current.model.labels.indexOf('spa');
    await t.hub.write(
      outputBatch(1000, [
        { text: 'hola amigos', cluster: spaCluster, label: 'spa' },
        { text: 'buenos días', cluster: spaCluster, label: 'spa', lang: 'es' },
      ]),
    );
    const r = await t.app.inject({ url: '/v1/clusters?top=4&samples=1' });
    expect(r.statusCode).toBe(200);
    const { modelVersion, clusters } = r.json();
    expect(modelVersion).toBe(1);
    expect(clusters).toHaveLength(bundled.k);
    const c = clusters[spaCluster];
    expect(c.cluster).toBe(spaCluster);
    expect(c.label).toBe('spa');
    expect(c.weight).toBeGreaterThan(0);
    expect(c.topTerms).toHaveLength(4);
    expect(typeof c.topTerms[0].term).toBe('string');
    expect(c.samples.length).toBeLessThanOrEqual(1);
    expect(c.recent).toEqual([
      { text: 'hola amigos', label: 'spa', time: 1000 },
      { text: 'buenos días', label: 'spa', lang: 'es', time: 1000 },
    ]);
    expect(clusters[(spaCluster + 1) % bundled.k].recent).toEqual([]);
  });

  it('refuses out-of-range and unknown query parameters', async () => {
    for (const url of ['/v1/clusters?top=1000', '/v1/clusters?top=x', '/v1/clusters?foo=1', '/v1/model?x=1']) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().code).toBe('E_VALIDATION');
    }
  });
});

describe('admin routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp({ withStore: true, http: { modelUploadLimit: 4 * 1024 * 1024 } });
  });
  afterEach(() => t.close());

  it('refuse a request without the key (401), with a wrong key (403), and keep the model', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/v1/model/reload' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('E_ADMIN_KEY_MISSING');
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    for (const headers of [{ 'x-admin-key': 'wrong' }, { 'x-admin-key': ADMIN_KEY + 'x' }, { authorization: 'Bearer nope' }, { 'x-admin-key': ADMIN_KEY.slice(0, -1) }]) {
      const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers, payload: tinyModelJSON() });
      expect(r.statusCode).toBe(403);
      expect(r.json().code).toBe('E_ADMIN_KEY_INVALID');
    }
    expect(t.models.current.model.k).toBe(bundled.k);
    expect(t.logs.messages()).toContain('admin request with a wrong key');
    expect(JSON.stringify(t.logs.lines)).not.toContain(ADMIN_KEY);
  });

  it('check the key before reading an upload body', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/v1/model', payload: 'not even json', headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(401);
  });

  it('accept the key as a Bearer token', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(r.statusCode).toBe(200);
  });

  it('reload takes the seed model while the store is empty', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: admin });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ version: 1, previousVersion: 1, k: bundled.k });
    expect(r.json().source).toMatch(/default\.json$/);
    expect(t.models.current.source).toMatch(/default\.json$/);
  });

  it('an upload is validated, saved atomically as the next store version, and swapped in', async () => {
    const up = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON(['aaa', 'bbb']) });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ version: 2, previousVersion: 1, source: 'upload', k: 2, labels: ['aaa', 'bbb'] });
    const file = path.join(t.storeDir!, 'model-000002.json');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(path.join(t.storeDir!, 'CURRENT'), 'utf8').trim()).toBe('model-000002.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ k: 2, version: 2 });

    const info = (await t.app.inject({ url: '/v1/model' })).json();
    expect(info).toMatchObject({ k: 2, source: 'upload', labels: ['aaa', 'bbb'] });
    const p = (await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'hola' } })).json();
    expect(['aaa', 'bbb']).toContain(p.predictions[0].label);

    // a second upload becomes version 3; reload then reads the store, not the seed
    const up2 = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON(['ccc', 'ddd', 'eee']) });
    expect(up2.json()).toMatchObject({ version: 3, previousVersion: 2, k: 3 });
    t.models.set(t.models.current.model, 'elsewhere');
    const re = await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: admin });
    expect(re.json()).toMatchObject({ version: 3, k: 3, labels: ['ccc', 'ddd', 'eee'], source: t.storeDir });
  });

  it('forgets the recent live texts when the model is swapped (clusters change meaning)', async () => {
    await t.hub.write(outputBatch(1, [{ text: 'hola', cluster: 0, label: 'spa' }]));
    expect(t.hub.recent(0)).toHaveLength(1);
    await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON() });
    expect(t.hub.recent(0)).toEqual([]);
  });

  const broken: Array<[string, (m: Record<string, unknown>) => unknown, RegExp]> = [
    ['a wrong format tag', (m) => ({ ...m, format: 'other' }), /format must be "tweetlang-model"/],
    ['too few center values', (m) => ({ ...m, centers: { dtype: 'float32', shape: [2, 64], data: Buffer.alloc(8).toString('base64') } }), /centers holds 2 values, expected 128/],
    ['a label list of the wrong length', (m) => ({ ...m, labels: ['a'] }), /labels must be 2 entries/],
    ['bad feature settings', (m) => ({ ...m, features: { ...(m.features as object), hash: 'md5' } }), /features.hash/],
    ['a negative weight', (m) => ({ ...m, weights: [1, -1] }), /weights/],
  ];
  for (const [name, mutate, message] of broken) {
    it(`refuses a model with ${name} (400 naming the problem) and keeps the running model`, async () => {
      const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: mutate(tinyModelJSON()) as object });
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toMatch(/^E_MODEL_/);
      expect(r.json().message).toMatch(message);
      expect(t.models.current.model.k).toBe(bundled.k);
      expect(existsSync(path.join(t.storeDir!, 'CURRENT'))).toBe(false);
    });
  }

  it('refuses a body that is not a model object', async () => {
    const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: { hello: 'world' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('E_VALIDATION');
  });

  it('refuses an upload over the upload size limit with 413', async () => {
    const big = { ...tinyModelJSON(), padding: 'x'.repeat(5 * 1024 * 1024) };
    const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json().code).toBe('E_BODY_TOO_LARGE');
    expect(t.models.current.model.k).toBe(bundled.k);
  });

  it('a reload that finds a broken store file answers 400 and keeps the running model', async () => {
    await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON() });
    writeFileSync(path.join(t.storeDir!, 'model-000002.json'), '{"format": "tweetlang-model"');
    const r = await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: admin });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('E_MODEL_FORMAT');
    expect(t.models.current.model.k).toBe(2);
  });
});

describe('admin routes stay off without a usable key', () => {
  for (const [name, key, reason] of [
    ['unset', undefined, 'TWEETLANG_ADMIN_KEY is not set'],
    ['short', 'fifteen-chars!!', 'TWEETLANG_ADMIN_KEY is shorter than 16 characters'],
  ] as const) {
    it(`key ${name}: the routes are not registered (404) and the log says why`, async () => {
      const t = await testApp({ withStore: true, http: { adminKey: key } });
      try {
        const r = await t.app.inject({ method: 'POST', url: '/v1/model/reload', headers: { 'x-admin-key': key ?? 'x' } });
        expect(r.statusCode).toBe(404);
        expect(r.json().code).toBe('E_ROUTE_NOT_FOUND');
        const put = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: { 'x-admin-key': key ?? 'x' }, payload: tinyModelJSON() });
        expect(put.statusCode).toBe(404);
        const warn = t.logs.lines.find((l) => String(l.msg).startsWith('admin routes'));
        expect(warn?.level).toBe(40);
        expect(String(warn?.msg)).toContain(reason);
        expect((await t.app.inject({ url: '/v1/model' })).statusCode).toBe(200);
      } finally {
        await t.close();
      }
    });
  }

  it('a store that cannot be written answers 503 E_MODEL_SAVE_FAILED and keeps the running model', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-blocked-'));
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const t = await testApp({ repo: createModelRepository({ storeDir: path.join(blocker, 'store'), seedPath: DEFAULT_MODEL_PATH }) });
    try {
      const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON() });
      expect(r.statusCode).toBe(503);
      expect(r.json().code).toBe('E_MODEL_SAVE_FAILED');
      expect(r.json().message).toMatch(/running model stays/);
      expect(t.models.current.model.k).toBe(bundled.k);
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a store, an upload answers 503 E_NO_MODEL_STORE', async () => {
    const t = await testApp();
    try {
      const r = await t.app.inject({ method: 'PUT', url: '/v1/model', headers: admin, payload: tinyModelJSON() });
      expect(r.statusCode).toBe(503);
      expect(r.json().code).toBe('E_NO_MODEL_STORE');
    } finally {
      await t.close();
    }
  });
});
