import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.js';

const json = { 'content-type': 'application/json' };

describe('POST /v1/predict', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ http: { maxTexts: 3, maxTextLength: 50, bodyLimit: 4096 } });
  });
  afterAll(() => t.close());

  it('labels a Spanish sentence spa with the bundled model', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: '¿Dónde está la biblioteca?' } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.modelVersion).toBe(1);
    expect(body.predictions).toHaveLength(1);
    expect(body.predictions[0].label).toBe('spa');
    expect(Number.isInteger(body.predictions[0].cluster)).toBe(true);
    expect(body.predictions[0].distance).toBeGreaterThan(0);
  });

  it('answers several texts in request order', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      payload: { texts: ['The weather is nice today, is it not?', 'これは日本語の文です。', '¿Dónde está la biblioteca?'] },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().predictions.map((p: { label: string }) => p.label)).toEqual(['eng', 'jpn', 'spa']);
  });

  it('gives null cluster, label and distance to a text without features', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: '   ' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().predictions).toEqual([{ cluster: null, label: null, distance: null }]);
  });

  it('answers with the model swapped in after the previous request', async () => {
    const before = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'hola' } });
    const m = t.models.current.model;
    t.models.set({ ...m, version: 9 }, 'test');
    const after = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'hola' } });
    expect(before.json().modelVersion).toBe(1);
    expect(after.json().modelVersion).toBe(9);
    t.models.set(m, 'test');
  });

  it('counts requests and texts in /metrics', async () => {
    const before = await t.app.inject({ url: '/metrics' });
    const count = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a b c', 'd e f'] } });
    const after = await t.app.inject({ url: '/metrics' });
    expect(count(after.body, 'tweetlang_predict_texts_total') - count(before.body, 'tweetlang_predict_texts_total')).toBe(2);
    expect(after.body).toMatch(/tweetlang_predict_requests_total\{outcome="ok"\} \d+/);
  });
});

describe('POST /v1/predict refuses bad input with a 4xx and a code, and keeps serving', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ http: { maxTexts: 3, maxTextLength: 50, bodyLimit: 4096 } });
  });
  afterAll(() => t.close());

  const cases: Array<{ name: string; payload: string | Buffer; headers?: Record<string, string>; url?: string; status: number; code: string; message?: RegExp }> = [
    { name: 'malformed JSON', payload: '{"text": "a"', status: 400, code: 'E_INVALID_JSON', message: /position/ },
    { name: 'an empty body', payload: '', status: 400, code: 'E_EMPTY_BODY' },
    { name: 'a JSON array', payload: '["a"]', status: 400, code: 'E_VALIDATION' },
    { name: 'a number for text', payload: '{"text": 5}', status: 400, code: 'E_VALIDATION', message: /body\/text must be string/ },
    { name: 'a string for texts', payload: '{"texts": "abc"}', status: 400, code: 'E_VALIDATION', message: /body\/texts/ },
    { name: 'a number among texts', payload: '{"texts": ["a", 2]}', status: 400, code: 'E_VALIDATION', message: /body\/texts\/1/ },
    { name: 'an empty text', payload: '{"text": ""}', status: 400, code: 'E_EMPTY_TEXT' },
    { name: 'an empty text among texts', payload: '{"texts": ["a", ""]}', status: 400, code: 'E_EMPTY_TEXT', message: /texts\/1/ },
    { name: 'a text over the length limit', payload: JSON.stringify({ text: 'x'.repeat(51) }), status: 400, code: 'E_TEXT_TOO_LONG' },
    { name: 'too many texts', payload: JSON.stringify({ texts: ['a', 'b', 'c', 'd'] }), status: 400, code: 'E_TOO_MANY_TEXTS' },
    { name: 'an empty texts array', payload: '{"texts": []}', status: 400, code: 'E_NO_TEXTS' },
    { name: 'neither text nor texts', payload: '{}', status: 400, code: 'E_NO_TEXTS' },
    { name: 'both text and texts', payload: '{"text": "a", "texts": ["b"]}', status: 400, code: 'E_TEXT_AND_TEXTS' },
    { name: 'an unknown property', payload: '{"text": "a", "lang": "es"}', status: 400, code: 'E_VALIDATION', message: /unknown property "lang"/ },
    { name: 'an unknown query parameter', url: '/v1/predict?verbose=1', payload: '{"text": "a"}', status: 400, code: 'E_VALIDATION', message: /querystring has unknown property "verbose"/ },
    {
      name: 'invalid UTF-8',
      payload: Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      status: 400,
      code: 'E_INVALID_UTF8',
    },
    { name: 'a lone UTF-8 continuation byte', payload: Buffer.concat([Buffer.from('{"text": "'), Buffer.from([0x80]), Buffer.from('"}')]), status: 400, code: 'E_INVALID_UTF8' },
    { name: 'a body over the size limit', payload: JSON.stringify({ text: 'x'.repeat(5000) }), status: 413, code: 'E_BODY_TOO_LARGE' },
    { name: 'a text/plain body', payload: 'hola', headers: { 'content-type': 'text/plain' }, status: 415, code: 'E_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'a form body', payload: 'text=hola', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'E_UNSUPPORTED_MEDIA_TYPE' },
    { name: 'prototype poisoning', payload: '{"text": "a", "__proto__": {"x": 1}}', status: 400, code: 'E_INVALID_JSON', message: /__proto__/ },
  ];

  for (const c of cases) {
    it(`${c.name} -> ${c.status} ${c.code}`, async () => {
      const r = await t.app.inject({ method: 'POST', url: c.url ?? '/v1/predict', payload: c.payload, headers: c.headers ?? json });
      expect(r.statusCode).toBe(c.status);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      const body = r.json();
      expect(body.code).toBe(c.code);
      expect(body.statusCode).toBe(c.status);
      expect(typeof body.message).toBe('string');
      expect(body.message.length).toBeGreaterThan(0);
      if (c.message) expect(body.message).toMatch(c.message);
      expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
    });
  }

  it('still answers a good request after all of them', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: '¿Dónde está la biblioteca?' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().predictions[0].label).toBe('spa');
  });

  it('accepts a body with a UTF-8 byte order mark', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/v1/predict', payload: Buffer.from('\uFEFF{"text": "hola"}', 'utf8'), headers: json });
    expect(r.statusCode).toBe(200);
  });

  it('counts refused requests apart from answered ones', async () => {
    const r = await t.app.inject({ url: '/metrics' });
    expect(Number(/tweetlang_predict_requests_total\{outcome="rejected"\} (\d+)/.exec(r.body)?.[1])).toBeGreaterThanOrEqual(cases.length);
  });
});
