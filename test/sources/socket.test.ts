import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { socketSource } from '../../src/sources/socket.js';
import { ManualClock } from '../../src/stream/clock.js';
import { until } from '../stream/helpers.js';
import { read } from './helpers.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function listen(port = 0): Promise<{ server: net.Server; port: number; conns: net.Socket[] }> {
  const conns: net.Socket[] = [];
  const server = net.createServer((c) => conns.push(c));
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, conns }));
  });
}

async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((r) => server.close(r));
  servers.splice(servers.indexOf(server), 1);
  return port;
}

describe('socket source (socketTextStream)', () => {
  it('reads lines, reconnects with backoff when the server is absent or goes away', async () => {
    const port = await freePort();
    const clock = new ManualClock(0);
    const src = socketSource({ host: '127.0.0.1', port, clock, backoffMs: 100, maxBackoffMs: 400 });
    const r = read(src);
    // nobody listens yet: the source backs off on the clock
    await until(() => clock.waiting === 1 && src.counters.reconnects === 1, 'the first refused connection');
    const { conns } = await listen(port);
    clock.advance(100);
    await until(() => conns.length === 1, 'the connection');
    conns[0].write('hola amigos\nsecond ');
    conns[0].write('line\n');
    await until(() => r.records.length === 2, 'two lines');
    expect(r.records.map((x) => x.value.text)).toEqual(['hola amigos', 'second line']);
    expect(r.records[1].next).toBe(Buffer.byteLength('hola amigos\nsecond line\n'));
    // the server drops the connection: the source reconnects and goes on
    conns[0].end('last words\n');
    await until(() => clock.waiting === 1 && r.records.length === 3, 'the reconnect wait');
    clock.advance(100);
    await until(() => conns.length === 2, 'the second connection');
    conns[1].write('{"text": "after reconnect", "lang": "eng"}\n');
    await until(() => r.records.length === 4, 'a record on the new connection');
    expect(r.records[3].value).toEqual({ text: 'after reconnect' , lang: 'eng' });
    expect(src.counters.reconnects).toBe(2);
    r.stop();
    await src.close();
    await r.done;
  });

  it('validates host and port', () => {
    expect(() => socketSource({ host: 'localhost', port: 0 })).toThrow(/port must be from 1 to 65535/);
  });
});
