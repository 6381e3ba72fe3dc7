/**
 * SSE clients for the stream bench, in a worker thread (bench/lib/sse-client-worker.ts): connect them to a
 * server, record the ingest-to-delivery latency of every tweet they receive between start() and stop().
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../src/threads.js';
import type { FromClients, ToClients } from './sse-client-worker.js';

export interface Delivery {
  /** Latencies (ms), sorted ascending. */
  latencies: Float64Array;
  skipped: number;
  disconnected: number;
}

export class SseClients {
  private readonly worker: Worker;
  private waiting: Array<(m: FromClients) => void> = [];
  private failure: Error | undefined;

  constructor() {
    this.worker = startWorker(import.meta.url, 'sse-client-worker', null);
    this.worker.on('message', (m: FromClients) => {
      if (m.type === 'error') {
        this.failure ??= new Error(`SSE client: ${m.message}`);
        return;
      }
      this.waiting.shift()?.(m);
    });
    this.worker.on('error', (err) => (this.failure ??= err));
  }

  private send(m: ToClients): void {
    this.worker.postMessage(m);
  }

  private reply(timeoutMs: number): Promise<FromClients> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure ?? new Error('SSE clients did not answer')), timeoutMs);
      this.waiting.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** Connects one client per query string (e.g. '', '?lang=spa') and waits for every `hello`. */
  async connect(url: string, queries: string[]): Promise<void> {
    const r = this.reply(10_000);
    this.send({ type: 'connect', url, queries });
    await r;
    if (this.failure) throw this.failure;
  }

  start(): void {
    this.send({ type: 'measure', on: true });
  }

  async stop(): Promise<Delivery> {
    const r = this.reply(30_000);
    this.send({ type: 'measure', on: false });
    const m = await r;
    if (m.type !== 'result') throw new Error(`unexpected reply ${m.type}`);
    return { latencies: m.latencies.sort(), skipped: m.skipped, disconnected: m.disconnected };
  }

  /** Disconnects every client (the worker stays for the next connect). */
  disconnect(): void {
    this.send({ type: 'close' });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
