/**
 * The Twitter source against a local server speaking the API v2 streaming wire format over real HTTP:
 * tweets with lang and created_at, reconnect after a dropped connection, keep-alive silence detection,
 * backoff after 429 (honouring x-rate-limit-reset) and 503, and a clean fatal error on 401 that never
 * shows the token. Sleeps are recorded instead of waited, so the schedule is asserted, not timed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwitterSource, type ReconnectInfo, type TwitterSource } from '../../src/sources/twitter.js';
import type { SourceRecord } from '../../src/sources/types.js';
import { createLogger } from '../../src/log.js';
import { startFakeTwitter, type FakeTwitter, type Tweet } from '../helpers/twitter-server.js';

const TOKEN = 'AAAA-test-bearer-token-do-not-log-0123456789';

function tweets(n: number, from = 0): Tweet[] {
  return Array.from({ length: n }, (_, i) => ({ id: String(1_000_000 + from + i), text: `hola mundo ${from + i}`, lang: 'es', created_at: '2024-05-01T10:00:00.000Z' }));
}

describe('Twitter source over the v2 streaming wire format', () => {
  let server: FakeTwitter;
  let logs: string;
  let source: TwitterSource | undefined;
  const sleeps: number[] = [];
  const reconnects: ReconnectInfo[] = [];

  beforeEach(async () => {
    server = await startFakeTwitter(TOKEN);
    logs = '';
    sleeps.length = 0;
    reconnects.length = 0;
  });

  afterEach(async () => {
    await source?.close();
    await server.close();
  });

  function make(opts: Partial<Parameters<typeof createTwitterSource>[0]> = {}) {
    const log = createLogger({ level: 'debug', destination: { write: (s: string) => ((logs += s), true) } as unknown as NodeJS.WritableStream });
    source = createTwitterSource({
      token: TOKEN,
      apiBase: server.base,
      keepAliveTimeoutMs: 2000,
      sleep: async (ms) => void sleeps.push(ms),
      onReconnect: (i) => reconnects.push(i),
      log,
      ...opts,
    });
    return source;
  }

  async function take(s: TwitterSource, n: number): Promise<SourceRecord[]> {
    const ac = new AbortController();
    const out: SourceRecord[] = [];
    const deadline = setTimeout(() => ac.abort(), 20_000);
    for await (const r of s.open({ signal: ac.signal, log: createLogger({ level: 'silent' }) })) {
      out.push(r);
      if (out.length >= n) break;
    }
    clearTimeout(deadline);
    return out;
  }

  it('asks for lang and created_at with the bearer token and yields tweets', async () => {
    server.plans = [{ tweets: tweets(3), then: 'keepalive' }];
    const got = await take(make(), 3);
    expect(got.map((r) => r.value)).toEqual(tweets(3).map((t) => ({ text: t.text, id: t.id, lang: 'es', createdAt: t.created_at })));
    expect(got[0].partition).toBe('twitter:filter');
    expect(server.connections[0].path).toBe('/2/tweets/search/stream');
    expect(server.connections[0].query.get('tweet.fields')?.split(',')).toEqual(expect.arrayContaining(['lang', 'created_at']));
    expect(server.connections[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  it('reads the sample stream', async () => {
    server.plans = [{ tweets: tweets(2), then: 'keepalive' }];
    await take(make({ stream: 'sample' }), 2);
    expect(server.connections[0].path).toBe('/2/tweets/sample/stream');
  });

  it('reconnects after a dropped connection, backing off linearly from 250 ms', async () => {
    server.plans = [{ tweets: tweets(2), then: 'drop' }, { tweets: tweets(2, 2), then: 'keepalive' }];
    const got = await take(make(), 4);
    expect(got.map((r) => r.value.id)).toEqual(tweets(4).map((t) => t.id));
    expect(server.connections).toHaveLength(2);
    expect(reconnects.map((r) => [r.kind, r.delayMs])).toEqual([['network', 250]]);
    expect(source!.counters.reconnects).toBe(1);
  });

  it('treats a silent connection as dead (no keep-alive within the timeout) and reconnects', async () => {
    server.plans = [{ tweets: tweets(1), then: 'silence' }, { tweets: tweets(1, 1), then: 'keepalive' }];
    const got = await take(make({ keepAliveTimeoutMs: 300 }), 2);
    expect(got.map((r) => r.value.id)).toEqual(tweets(2).map((t) => t.id));
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0].reason).toMatch(/no data or keep-alive for 300 ms/);
  });

  it('after 429 waits until x-rate-limit-reset, then doubles from a minute without one', async () => {
    server.plans = [{ status: 429, resetInSec: 120 }, { status: 429 }, { tweets: tweets(1), then: 'keepalive' }];
    const before = Date.now();
    const got = await take(make(), 1);
    expect(got).toHaveLength(1);
    expect(reconnects.map((r) => [r.kind, r.status])).toEqual([
      ['rate-limit', 429],
      ['rate-limit', 429],
    ]);
    // the first wait reaches the reset time the server gave (120 s ahead, whole seconds) plus slack
    expect(sleeps[0]).toBeGreaterThan(119_000 - (Date.now() - before));
    expect(sleeps[0]).toBeLessThanOrEqual(121_000);
    expect(sleeps[1]).toBe(120_000); // second 429 in a row, no reset header: 60 s doubled
    expect(server.connections).toHaveLength(3);
  });

  it('backs off exponentially from 5 s on 5xx, and resets after a good connection', async () => {
    server.plans = [{ status: 503 }, { status: 503 }, { tweets: tweets(1), then: 'drop' }, { status: 503 }, { tweets: tweets(1, 1), then: 'keepalive' }];
    await take(make(), 2);
    expect(reconnects.map((r) => [r.kind, r.delayMs])).toEqual([
      ['http', 5000],
      ['http', 10_000],
      ['network', 250],
      ['http', 5000],
    ]);
  });

  it('reconnects after an operational-disconnect error payload', async () => {
    server.plans = [{ tweets: tweets(1), then: 'keepalive', errorPayload: true }, { tweets: tweets(1, 1), then: 'keepalive' }];
    const got = await take(make(), 2);
    expect(got).toHaveLength(2);
    expect(reconnects[0].reason).toMatch(/operational-disconnect/);
  });

  it('stops with E_TWITTER_AUTH on 401, and the token appears in no error or log line', async () => {
    const s = make({ token: 'wrong-secret-token-xyz' });
    let error: unknown;
    try {
      await take(s, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_TWITTER_AUTH', retriable: false });
    expect((error as Error).message).toMatch(/HTTP 401/);
    expect(JSON.stringify({ m: (error as Error).message, logs })).not.toContain('wrong-secret-token-xyz');
    expect(reconnects).toEqual([]);
  });

  it('never logs the token while reconnecting', async () => {
    server.plans = [{ status: 503 }, { tweets: tweets(1), then: 'keepalive' }];
    await take(make(), 1);
    expect(logs).toContain('reconnecting');
    expect(logs).not.toContain(TOKEN);
  });
});
