/** GET /v1/stream over a real socket: filters, heartbeats, skip-ahead, slow clients, shutdown. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, type TestApp, type TestAppOptions } from '../helpers/app.js';
import { numbered, outputBatch } from '../helpers/batches.js';
import { connectSse, waitFor, type SseClient } from '../helpers/sse.js';

let t: TestApp | undefined;
const clients: SseClient[] = [];
let base = '';

async function start(opts: TestAppOptions = {}): Promise<TestApp> {
  t = await testApp(opts);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return t;
}

async function sse(path: string): Promise<SseClient> {
  const c = await connectSse(base + path);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.close();
  t = undefined;
});

describe('GET /v1/stream', () => {
  it('sends a hello, then one tweet event per matching record, in order, with cluster and label', async () => {
    const { hub } = await start();
    const c35 = await sse('/v1/stream?cluster=3&cluster=5');
    const spa = await sse('/v1/stream?lang=spa');
    const all = await sse('/v1/stream');
    expect(c35.status).toBe(200);
    expect(c35.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(c35.headers['cache-control']).toContain('no-cache');
    expect(c35.headers['x-content-type-options']).toBe('nosniff'); // security headers survive the hijack
    await waitFor(() => [c35, spa, all].every((c) => c.events.length >= 1), 'hello events');
    expect(c35.events[0].event).toBe('hello');
    expect(JSON.parse(c35.events[0].data)).toMatchObject({ filter: { clusters: [3, 5], labels: [] }, modelVersion: 1 });
    expect(hub.subscriberCount).toBe(3);

    await hub.write(
      outputBatch(5000, [
        { text: 'uno', cluster: 3, label: 'eng' },
        { text: 'dos', cluster: 0, label: 'spa', lang: 'es', id: '7' },
        { text: 'tres', cluster: 5, label: 'deu' },
        { text: 'cuatro', cluster: 1, label: 'jpn' },
      ]),
    );
    await hub.write(outputBatch(10_000, [{ text: 'cinco', cluster: 5, label: 'spa' }]));
    await waitFor(() => all.tweets().length === 5 && c35.tweets().length === 3 && spa.tweets().length === 2, 'tweets');
    expect(c35.tweets().map((e) => e.text)).toEqual(['uno', 'tres', 'cinco']);
    expect(spa.tweets().map((e) => e.text)).toEqual(['dos', 'cinco']);
    expect(spa.tweets()[0]).toEqual({ cluster: 0, label: 'spa', distance: 0.5, text: 'dos', lang: 'es', id: '7', time: 5000, receivedAt: 0, modelVersion: 1 });
    const ids = all.events.filter((e) => e.event === 'tweet').map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('sends heartbeat comments while nothing happens', async () => {
    await start({ http: { sse: { heartbeatMs: 100 } } });
    const c = await sse('/v1/stream');
    await waitFor(() => c.comments.filter((x) => x.startsWith('hb')).length >= 2, 'two heartbeats');
  });

  it('refuses bad filters with 400 JSON before streaming', async () => {
    await start();
    for (const [q, code] of [
      ['?cluster=abc', 'E_VALIDATION'],
      [`?cluster=${t!.models.current.model.k}`, 'E_UNKNOWN_CLUSTER'],
      ['?lang=klingon', 'E_UNKNOWN_LABEL'],
      ['?since=5', 'E_VALIDATION'],
    ]) {
      const c = await sse('/v1/stream' + q);
      await waitFor(() => c.closed, 'reply end');
      expect(c.status, q).toBe(400);
      expect(JSON.parse(c.body).code).toBe(code);
    }
    expect(t!.hub.subscriberCount).toBe(0);
  });

  it('refuses clients beyond the limit with 503 E_TOO_MANY_STREAMS and frees the slot when one leaves', async () => {
    const { hub } = await start({ hub: { maxSubscribers: 1 } });
    const first = await sse('/v1/stream');
    const second = await sse('/v1/stream');
    await waitFor(() => second.closed, 'refusal');
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body).code).toBe('E_TOO_MANY_STREAMS');
    first.close();
    await waitFor(() => hub.subscriberCount === 0, 'slot freed');
    const third = await sse('/v1/stream');
    expect(third.status).toBe(200);
  });

  it('tells a client that fell behind how many events it skipped, then sends the newest', async () => {
    const { hub } = await start({ hub: { queueSize: 4, maxBehindMs: 1e9 } });
    const c = await sse('/v1/stream');
    await waitFor(() => c.events.length === 1, 'hello');
    await hub.write(outputBatch(0, numbered(10, [0])));
    await waitFor(() => c.tweets().length === 4, 'tweets');
    const skipped = c.events.find((e) => e.event === 'skipped');
    expect(JSON.parse(skipped!.data)).toEqual({ dropped: 6, totalDropped: 6 });
    expect(c.tweets().map((e) => e.text)).toEqual(['t6', 't7', 't8', 't9']);
  });

  it('drops a client that stops reading, without slowing the writer or the other clients', async () => {
    const { hub } = await start({ hub: { queueSize: 50, maxBehindMs: 0 } });
    const fast = await sse('/v1/stream');
    // a client that sends its request and then never reads
    const slow = net.connect({ host: '127.0.0.1', port: Number(new URL(base).port) });
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write('GET /v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    slow.pause();
    let slowClosed = false;
    slow.on('close', () => (slowClosed = true));
    slow.on('error', () => undefined);
    await waitFor(() => hub.subscriberCount === 2, 'both subscribed');

    const big = 'x'.repeat(2000);
    let written = 0;
    for (let b = 0; b < 400 && hub.stats().slowDisconnects === 0; b++) {
      const items = Array.from({ length: 50 }, (_, i) => ({ text: `${b}-${i} ${big}`, cluster: 0, label: 'spa' }));
      await hub.write(outputBatch(b, items)); // resolves at once, whatever the clients do
      written += items.length;
      await waitFor(() => fast.tweets().length === written, `fast client to get batch ${b}`);
    }
    expect(hub.stats().slowDisconnects).toBe(1);
    expect(hub.subscriberCount).toBe(1);
    expect(fast.tweets().length).toBe(written);
    expect(fast.events.some((e) => e.event === 'skipped')).toBe(false);
    slow.resume();
    await waitFor(() => slowClosed, 'slow socket closed');
    const m = (await t!.app.inject({ url: '/metrics' })).body;
    expect(m).toMatch(/^tweetlang_sse_slow_disconnects_total 1$/m);
    expect(Number(/^tweetlang_sse_dropped_events_total (\d+)$/m.exec(m)?.[1])).toBeGreaterThan(0);
    expect(m).toMatch(/^tweetlang_sse_clients 1$/m);
  });

  it('a client that goes away is unsubscribed', async () => {
    const { hub } = await start();
    const c = await sse('/v1/stream');
    await waitFor(() => hub.subscriberCount === 1, 'subscribed');
    c.close();
    await waitFor(() => hub.subscriberCount === 0, 'unsubscribed');
  });

  it('app.close() ends every stream with an end event and returns', async () => {
    const { app } = await start();
    const c = await sse('/v1/stream?lang=spa');
    await waitFor(() => c.events.length === 1, 'hello');
    await app.close();
    await waitFor(() => c.closed, 'stream closed');
    expect(c.events.at(-1)).toEqual({ event: 'end', data: '{"reason":"shutdown"}' });
  });
});
