/**
 * A pool of worker threads that classify batches of texts with one model: `classify(texts)` splits a
 * batch into chunks, runs them on every thread, and returns typed-array predictions in input order.
 *
 * - Bounded: at most `maxQueued` chunks wait for a thread; `classify` awaits room before queueing
 *   (backpressure for the streaming pipeline). A call that has started runs to the end; calls after
 *   `close()` reject with E_POOL_CLOSED.
 * - Errors: a failure inside a worker reaches the caller as an AppError with the worker's code; a worker
 *   that dies fails its chunks with E_CLASSIFY_WORKER (retriable) and is replaced.
 * - `setModel` swaps the model on every thread (each builds its predictor first; a bad model is rejected
 *   and the old one stays). `close()` lets queued work finish, then stops the threads.
 * - Runs from compiled dist/ and from TypeScript sources under tsx/vitest (see threads.ts).
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { AppError, ConfigError } from '../errors.js';
import type { ClusterModel } from '../clustering/model.js';
import { Predictor, allocBatchPredictions, type BatchPredictions } from '../clustering/predictor.js';
import type { Logger } from '../log.js';
import { startWorker } from '../threads.js';
import type { FromWorker, SerializedError, ToWorker, WorkerData } from './protocol.js';

export interface ClassifierPoolOptions {
  model: ClusterModel;
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /** Chunks that may wait for a thread before `classify` waits for room (default 64). */
  maxQueued?: number;
  /** Largest chunk sent to one thread (default 8192 texts). */
  maxChunk?: number;
  /** Smallest chunk a batch is split into (default 256 texts). */
  minChunk?: number;
  /** Chunks in flight per thread (default 2: a thread starts its next chunk while its last result travels). */
  inFlightPerThread?: number;
  /** Memory limits of each worker thread (Node's ResourceLimits); a thread over them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  log?: Logger;
}

export interface PoolStats {
  threads: number;
  queued: number;
  inFlight: number;
  maxQueued: number;
  /** Highest number of queued chunks seen. */
  peakQueued: number;
  completedChunks: number;
  replacedWorkers: number;
}

interface Job {
  id: number;
  msg: ToWorker;
  resolve: (m: FromWorker) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job>;
  ready: boolean;
}

function toAppError(e: SerializedError): AppError {
  return new AppError(e.code, e.message, { retriable: e.retriable, status: e.status, details: { error: e.name, inWorker: true } });
}

export class ClassifierPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly roomWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly opts: Required<Omit<ClassifierPoolOptions, 'model' | 'log' | 'resourceLimits'>>;
  private readonly resourceLimits?: ResourceLimits;
  private readonly log?: Logger;
  private model: ClusterModel;
  private nextId = 1;
  private closing = false;
  private closed = false;
  private stats_ = { peakQueued: 0, completedChunks: 0, replacedWorkers: 0 };

  private constructor(o: ClassifierPoolOptions) {
    const {
      threads = Math.max(1, availableParallelism()),
      maxQueued = 64,
      maxChunk = 8192,
      minChunk = 256,
      inFlightPerThread = 2,
    } = o;
    const int = (name: string, v: number, min: number) => {
      if (!Number.isInteger(v) || v < min) throw new ConfigError('E_BAD_OPTION', `${name} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    };
    int('threads', threads, 1);
    int('maxQueued', maxQueued, 1);
    int('maxChunk', maxChunk, 1);
    int('minChunk', minChunk, 1);
    int('inFlightPerThread', inFlightPerThread, 1);
    this.opts = { threads, maxQueued, maxChunk, minChunk: Math.min(minChunk, maxChunk), inFlightPerThread };
    this.model = o.model;
    this.log = o.log;
    this.resourceLimits = o.resourceLimits;
  }

  /** Starts the threads and waits until each has built its predictor (rejects with the worker's AppError). */
  static async create(options: ClassifierPoolOptions): Promise<ClassifierPool> {
    const pool = new ClassifierPool(options);
    try {
      await Promise.all(Array.from({ length: pool.opts.threads }, () => pool.spawn()));
    } catch (err) {
      await pool.terminateAll();
      throw err;
    }
    return pool;
  }

  get threads(): number {
    return this.opts.threads;
  }

  get currentModel(): ClusterModel {
    return this.model;
  }

  stats(): PoolStats {
    let inFlight = 0;
    for (const s of this.slots) inFlight += s.inFlight.size;
    return { threads: this.slots.length, queued: this.queue.length, inFlight, maxQueued: this.opts.maxQueued, ...this.stats_ };
  }

  /** Predictions of every text, in order. */
  async classify(texts: readonly string[]): Promise<BatchPredictions> {
    this.checkOpen();
    const n = texts.length;
    const out = allocBatchPredictions(n);
    if (n === 0) return out;
    const { threads, maxChunk, minChunk } = this.opts;
    const size = Math.min(maxChunk, Math.max(minChunk, Math.ceil(n / (threads * 2))));
    const { units, offs } = shareTexts(texts);
    const parts: Array<Promise<void>> = [];
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      if (this.queue.length >= this.opts.maxQueued) await this.room();
      const id = this.nextId++;
      const part = this.submit({ type: 'classify', id, units, offs, start, end }).then((m) => {
        if (m.type !== 'result') throw new AppError('E_CLASSIFY_INTERNAL', `unexpected worker reply ${m.type}`);
        out.cluster.set(m.cluster, start);
        out.distance.set(m.distance, start);
        out.reason.set(m.reason, start);
      });
      part.catch(() => undefined); // reported by settleAll below, even when room() throws first
      parts.push(part);
    }
    await settleAll(parts);
    return out;
  }

  /** Swaps the model on every thread; rejects (keeping the old model everywhere it was kept) when a thread cannot use it. */
  async setModel(model: ClusterModel): Promise<void> {
    this.checkOpen();
    new Predictor(model); // fails here, before any thread sees it, when the model cannot be used
    // sent to every live worker directly (not through the queue) so that each thread gets exactly one
    await settleAll(
      this.slots.map((slot) => {
        const id = this.nextId++;
        return new Promise<FromWorker>((resolve, reject) => {
          const job: Job = { id, msg: { type: 'model', id, model }, resolve, reject };
          slot.inFlight.set(id, job);
          slot.worker.postMessage(job.msg);
        });
      }),
    );
    this.model = model;
  }

  /** Lets queued and running chunks finish, then stops every thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    while (this.queue.length > 0 || this.slots.some((s) => s.inFlight.size > 0)) {
      await new Promise<void>((r) => this.idleWaiters.push(r));
    }
    this.closed = true;
    await this.terminateAll();
  }

  private checkOpen(): void {
    if (this.closing) throw new AppError('E_POOL_CLOSED', 'the classifier pool is closed', { status: 503 });
  }

  /** Resolves when the queue has room; the caller must queue synchronously after it (no await in between). */
  private async room(): Promise<void> {
    while (this.queue.length >= this.opts.maxQueued) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  private submit(msg: ToWorker): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve, reject) => {
      this.queue.push({ id: msg.id, msg, resolve, reject });
      if (this.queue.length > this.stats_.peakQueued) this.stats_.peakQueued = this.queue.length;
      this.pump();
    });
  }

  /** Hands queued chunks to threads with room, least loaded first. */
  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (!s.ready || s.inFlight.size >= this.opts.inFlightPerThread) continue;
        if (!best || s.inFlight.size < best.inFlight.size) best = s;
      }
      if (!best) break;
      const job = this.queue.shift()!;
      best.inFlight.set(job.id, job);
      const msg = job.msg;
      best.worker.postMessage(msg);
      const waiter = this.roomWaiters.shift();
      waiter?.();
    }
    if (this.queue.length === 0 && this.slots.every((s) => s.inFlight.size === 0)) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private spawn(): Promise<void> {
    const worker = startWorker(import.meta.url, 'worker', { model: this.model } satisfies WorkerData, this.resourceLimits);
    const slot: Slot = { worker, inFlight: new Map(), ready: false };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          started = true;
          slot.ready = true;
          resolve();
          this.pump();
          return;
        }
        if (m.type === 'init-error') {
          started = true;
          this.removeSlot(slot);
          void worker.terminate();
          reject(toAppError(m.error));
          return;
        }
        const job = slot.inFlight.get(m.id);
        if (!job) return;
        slot.inFlight.delete(m.id);
        if (m.type === 'error') job.reject(toAppError(m.error));
        else {
          if (m.type === 'result') this.stats_.completedChunks++;
          job.resolve(m);
        }
        this.pump();
      });
      worker.on('error', (err) => this.onWorkerDeath(slot, err, started ? undefined : reject));
      worker.on('exit', (code) => {
        if (!this.closed) this.onWorkerDeath(slot, new Error(`worker exited with code ${code}`), started ? undefined : reject);
      });
    });
  }

  private removeSlot(slot: Slot): boolean {
    const i = this.slots.indexOf(slot);
    if (i < 0) return false;
    this.slots.splice(i, 1);
    return true;
  }

  private onWorkerDeath(slot: Slot, err: Error, rejectStart?: (e: Error) => void): void {
    if (!this.removeSlot(slot)) return;
    const failure = new AppError('E_CLASSIFY_WORKER', `a classifier thread failed: ${err.message}`, { retriable: true, cause: err, status: 503 });
    for (const job of slot.inFlight.values()) job.reject(failure);
    slot.inFlight.clear();
    if (rejectStart) {
      rejectStart(failure);
      return;
    }
    this.log?.error({ err }, 'classifier thread failed; starting a replacement');
    if (!this.closing) {
      this.stats_.replacedWorkers++;
      this.spawn().catch((e: unknown) => this.log?.error({ err: e }, 'replacement classifier thread failed to start'));
    }
    this.pump();
  }

  private async terminateAll(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** The texts as UTF-16 code units in shared memory (see protocol.ts): one write per text, no per-string clone. */
function shareTexts(texts: readonly string[]): { units: SharedArrayBuffer; offs: SharedArrayBuffer } {
  let total = 0;
  for (const t of texts) total += t.length;
  const units = new SharedArrayBuffer(2 * total);
  const offs = new SharedArrayBuffer(4 * (texts.length + 1));
  const o = new Int32Array(offs);
  const bytes = Buffer.from(units);
  let pos = 0;
  for (let i = 0; i < texts.length; i++) {
    o[i] = pos;
    pos += bytes.write(texts[i], 2 * pos, 'utf16le') >> 1;
  }
  o[texts.length] = pos;
  return { units, offs };
}

/** Like Promise.all, but waits for every promise before rejecting with the first failure. */
async function settleAll<T>(ps: Array<Promise<T>>): Promise<T[]> {
  const rs = await Promise.allSettled(ps);
  const bad = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
  return rs.map((r) => (r as PromiseFulfilledResult<T>).value);
}
