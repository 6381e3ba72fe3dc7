import { describe, expect, it } from 'vitest';
import { Backoff, kindOfStatus, parseReset, reconnectDelay } from '../../src/twitter/backoff.js';
import { describeTwitterError, normaliseApiBase, tokenFromEnv } from '../../src/twitter/client.js';
import { parseTwitterSpec } from '../../src/sources/twitter.js';

describe('Twitter reconnect policy', () => {
  it('classifies statuses', () => {
    expect([undefined, 0, 429, 420, 500, 503, 408, 400, 401, 403, 404].map(kindOfStatus)).toEqual([
      'network', 'network', 'rate-limit', 'rate-limit', 'http', 'http', 'http', 'fatal', 'fatal', 'fatal', 'fatal',
    ]);
  });

  it('network: +250 ms per attempt up to 16 s', () => {
    expect([1, 2, 3, 64, 65, 1000].map((n) => reconnectDelay({ kind: 'network' }, n, 0))).toEqual([250, 500, 750, 16_000, 16_000, 16_000]);
  });

  it('http: 5 s doubling up to 320 s', () => {
    expect([1, 2, 3, 7, 8, 20].map((n) => reconnectDelay({ kind: 'http' }, n, 0))).toEqual([5000, 10_000, 20_000, 320_000, 320_000, 320_000]);
  });

  it('429: a minute doubling, but the reset time when the API gives one', () => {
    expect([1, 2, 5].map((n) => reconnectDelay({ kind: 'rate-limit' }, n, 0))).toEqual([60_000, 120_000, 900_000]);
    expect(reconnectDelay({ kind: 'rate-limit', resetAt: 10_000 + 42_000 }, 3, 10_000)).toBe(43_000);
    expect(reconnectDelay({ kind: 'rate-limit', resetAt: 5_000 }, 1, 10_000)).toBe(60_000); // reset already past
    expect(reconnectDelay({ kind: 'fatal' }, 1, 0)).toBe(Infinity);
  });

  it('counts attempts per kind and resets after a good connection', () => {
    const b = new Backoff();
    expect([b.next({ kind: 'http' }, 0), b.next({ kind: 'http' }, 0), b.next({ kind: 'network' }, 0)]).toEqual([5000, 10_000, 250]);
    b.reset();
    expect(b.next({ kind: 'http' }, 0)).toBe(5000);
  });

  it('parses x-rate-limit-reset (epoch seconds)', () => {
    expect(parseReset('1700000000')).toBe(1_700_000_000_000);
    expect(parseReset(['1700000000'])).toBe(1_700_000_000_000);
    expect(parseReset('soon')).toBeUndefined();
    expect(parseReset(undefined)).toBeUndefined();
  });
});

describe('Twitter client settings', () => {
  it('normalises the API base and rejects credentials in it', () => {
    expect(normaliseApiBase(undefined)).toBe('https://api.twitter.com/2/');
    expect(normaliseApiBase('http://127.0.0.1:8080/2')).toBe('http://127.0.0.1:8080/2/');
    expect(() => normaliseApiBase('ftp://x/2/')).toThrow(/http/);
    expect(() => normaliseApiBase('https://u:p@x/2/')).toThrow(/credentials/);
    expect(() => normaliseApiBase('not a url')).toThrow(/not a URL/);
  });

  it('needs TWITTER_BEARER_TOKEN', () => {
    expect(() => tokenFromEnv({})).toThrow(/TWITTER_BEARER_TOKEN/);
    expect(tokenFromEnv({ TWITTER_BEARER_TOKEN: ' abc ' })).toBe('abc');
  });

  it('parses stream specs', () => {
    expect(parseTwitterSpec('twitter')).toEqual({ stream: 'filter' });
    expect(parseTwitterSpec('twitter:sample')).toEqual({ stream: 'sample' });
    expect(() => parseTwitterSpec('twitter:firehose')).toThrow(/twitter:sample/);
  });

  it('describes API errors from status and titles only', () => {
    const d = describeTwitterError({ code: 403, data: { title: 'Forbidden', detail: 'client-not-enrolled' }, headers: {}, request: { headers: { authorization: 'Bearer SECRET' } } }, 'connecting');
    expect(d.error.code).toBe('E_TWITTER_AUTH');
    expect(d.error.message).toBe("connecting: HTTP 403 (Forbidden; client-not-enrolled); check TWITTER_BEARER_TOKEN and the app's access level");
    expect(describeTwitterError({ code: 429, headers: { 'x-rate-limit-reset': '100' } }, 'x')).toMatchObject({ kind: 'rate-limit', resetAt: 100_000 });
    expect(describeTwitterError({ requestError: { code: 'ECONNREFUSED' } }, 'x').error.message).toBe('x: network error ECONNREFUSED');
  });
});
