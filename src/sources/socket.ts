/**
 * `socket:HOST:PORT`: Spark's socketTextStream. A TCP client that reads lines from a server (try
 * `nc -lk 9999` and type), and reconnects with exponential backoff when the server is not there yet or
 * goes away. Input is not replayable: positions count bytes received (for information), and a restart
 * reads what the server sends from then on.
 */
import net from 'node:net';
import { ConfigError, errorMessage } from '../errors.js';
import { splitLines } from '../io/lines.js';
import type { InputFormat } from '../io/records.js';
import { sleep, systemClock, type Clock } from '../stream/clock.js';
import { linesToRecords } from './read-lines.js';
import { newCounters, type OpenContext, type Source, type SourceRecord } from './types.js';

export interface SocketOptions {
  host: string;
  port: number;
  format?: InputFormat;
  clock?: Clock;
  /** First reconnect delay; doubles on each failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  maxLineBytes?: number;
}

function connect(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    });
  });
}

export function socketSource({
  host,
  port,
  format = 'auto',
  clock = systemClock,
  backoffMs = 250,
  maxBackoffMs = 5000,
  maxLineBytes,
}: SocketOptions): Source {
  if (!host) throw new ConfigError('E_SOURCE_SPEC', 'socket source needs a host');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('E_SOURCE_SPEC', `socket port must be from 1 to 65535 (got ${port})`);
  if (!(backoffMs > 0) || !(maxBackoffMs >= backoffMs)) throw new ConfigError('E_BAD_OPTION', 'socket backoff must be > 0 and maxBackoffMs >= backoffMs');
  const partition = `socket:${host}:${port}`;
  const counters = newCounters();
  let current: net.Socket | undefined;

  async function* open({ resume, signal, log }: OpenContext): AsyncGenerator<SourceRecord> {
    if (resume?.[partition] !== undefined) log.info({ partition }, 'a socket cannot replay: reading what the server sends from now on');
    let received = 0;
    let failures = 0;
    let connectedOnce = false;
    while (!signal.aborted) {
      let socket: net.Socket;
      try {
        socket = await connect(host, port, signal);
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1));
        // say it once, then only when the wait is at its longest, not on every attempt
        if (failures === 1 || wait === maxBackoffMs) log.warn({ code: 'E_SOURCE_UNREACHABLE', host, port, err: errorMessage(err), retryInMs: wait }, 'cannot connect; retrying');
        counters.reconnects++;
        await sleep(clock, wait, signal);
        continue;
      }
      current = socket;
      failures = 0;
      log.info({ host, port, reconnect: connectedOnce }, 'connected');
      connectedOnce = true;
      const onAbort = () => socket.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const lines = splitLines(socket, { start: received, maxLineBytes });
        for await (const rec of linesToRecords(lines, { partition, format, counters, clock })) yield rec;
      } catch (err) {
        if (!signal.aborted) log.warn({ code: 'E_SOURCE_DISCONNECTED', host, port, err: errorMessage(err) }, 'connection lost');
      } finally {
        signal.removeEventListener('abort', onAbort);
        received += socket.bytesRead;
        socket.destroy();
        current = undefined;
      }
      if (signal.aborted) return;
      log.warn({ code: 'E_SOURCE_DISCONNECTED', host, port, retryInMs: backoffMs }, 'server closed the connection; reconnecting');
      counters.reconnects++;
      await sleep(clock, backoffMs, signal);
    }
  }

  return {
    name: `socket:${host}:${port}`,
    counters,
    open,
    close: async () => {
      current?.destroy();
    },
  };
}
