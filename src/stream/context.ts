/**
 * The StreamingContext runs a graph of DStreams in micro-batches, as Spark Streaming's:
 * - batch times are multiples of the batch interval; the first is the first grid time after start, and
 *   the zero time one interval before it (windows output at zero + n x slide);
 * - at each batch time every input gives at most `maxBatch` items, every stream steps once, then the
 *   output operations run in the order they were declared; a batch that runs late is followed at once
 *   by the next (scheduling delay), so batch times never skip;
 * - with a checkpoint folder, every `every` batches (and on stop) it writes the positions processed,
 *   operator state and registered extra state, then tells the sources (commit); start() restores the
 *   newest checkpoint first (Spark's getOrCreate) and the sources resume from its positions.
 * A failure in a batch stops the context and rejects `done`; no checkpoint is written after it, so a
 * restart replays from the last good checkpoint (at-least-once outputs, exactly-once state). A periodic
 * checkpoint that cannot be written (disk full, read-only folder) is only a warning: see checkpointOrWarn.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { DEFAULT_STREAM } from '../config.js';
import { ConfigError, errorMessage, isAppError } from '../errors.js';
import { componentLogger, type Logger } from '../log.js';
import type { Positions, Source, SourceRecord } from '../sources/types.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, CheckpointStore, type CheckpointData } from './checkpoint.js';
import { systemClock, type Clock } from './clock.js';
import { DStream } from './dstream.js';
import { safeEmit } from './events.js';
import { StreamGraph, type Batch, type InputImpl, type StepContext } from './graph.js';
import { queueInput, type QueueOptions } from './inputs/queue.js';
import { ReceiverInput, type OpenFn, type ReceiverOptions } from './inputs/receiver.js';
import { TimeSlicer } from './slicer.js';

export interface CheckpointOptions {
  dir: string;
  /** Write a checkpoint every this many batches (and on stop). */
  every?: number;
  /** Checkpoint files kept. */
  keep?: number;
}

export interface ContextOptions {
  batchMs: number;
  clock?: Clock;
  /** Most items one input gives to one batch. */
  maxBatch?: number;
  /** Most items a receiver buffers ahead (default 2 x maxBatch). */
  capacity?: number;
  /**
   * Wait, before each batch, until every input has `maxBatch` items or ended: batches of a fixed size
   * (for replays as fast as possible with a VirtualClock, and deterministic tests). Never use it with
   * live sources.
   */
  fill?: boolean;
  /** Stop by itself once every input ended and everything buffered was processed. */
  stopWhenDone?: boolean;
  checkpoint?: CheckpointOptions;
  log?: Logger;
  /** Where print() writes (default process.stdout). */
  stdout?: Writable;
  /**
   * Main-thread time slice of a batch (ms): between operators, and inside long async steps, the engine
   * gives the event loop a turn once a slice has run this long (see slicer.ts).
   */
  sliceMs?: number;
}

export interface EngineBatchEnd {
  time: number;
  records: number;
  /** Wall-clock ms spent on the batch (cut to outputs done and checkpoint written). */
  processingMs: number;
  /** Clock ms between the batch time and the batch start. */
  schedulingDelayMs: number;
}

export interface EngineEvents {
  'batch.start': [{ time: number; records: number }];
  'batch.end': [EngineBatchEnd];
  checkpoint: [{ time: number; dir: string; durationMs: number }];
  warning: [{ code: string; message: string }];
  restored: [{ time: number; dir: string; batches: number }];
}

/** Application state that goes into checkpoints beside the operators' (e.g. the streaming model). */
export interface StateParticipant {
  snapshot(): unknown | Promise<unknown>;
  restore(state: unknown): void | Promise<void>;
}

export type ContextState = 'new' | 'running' | 'stopping' | 'stopped' | 'failed';

interface Waiter {
  time: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class StreamingContext {
  readonly batchMs: number;
  readonly clock: Clock;
  readonly graph: StreamGraph;
  readonly events = new EventEmitter<EngineEvents>();
  readonly log: Logger;
  readonly maxBatch: number;
  /** Main-thread time slices of the batch in flight (operators pause on it). */
  readonly slicer: TimeSlicer;
  /** Resolves when the context stopped cleanly, rejects with the error that stopped it. */
  readonly done: Promise<void>;
  private readonly opts: ContextOptions;
  private readonly participants = new Map<string, StateParticipant>();
  private readonly store?: CheckpointStore;
  private stateValue: ContextState = 'new';
  private zeroTime = 0;
  private nextTime = 0;
  private batches = 0;
  private batchesSinceStart = 0;
  private lastCompleted?: number;
  private lastCheckpointed?: number;
  /** Periodic checkpoints that failed in a row (retriable I/O errors). */
  private checkpointFailures = 0;
  private stopRequested = false;
  private failure?: unknown;
  private sleepAbort = new AbortController();
  private loopPromise?: Promise<void>;
  private waiters: Waiter[] = [];
  private resolveDone!: () => void;
  private rejectDone!: (err: unknown) => void;

  constructor(opts: ContextOptions) {
    const { batchMs, clock = systemClock, maxBatch = 10_000, log = componentLogger('stream') } = opts;
    if (!Number.isInteger(batchMs) || batchMs < 1) throw new ConfigError('E_BAD_OPTION', `batch interval must be an integer >= 1 ms (got ${batchMs})`);
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new ConfigError('E_BAD_OPTION', `maxBatch must be an integer >= 1 (got ${maxBatch})`);
    const capacity = opts.capacity ?? 2 * maxBatch;
    if (!Number.isInteger(capacity) || capacity < maxBatch) {
      throw new ConfigError('E_BAD_OPTION', `capacity must be an integer >= maxBatch (${maxBatch}) (got ${capacity})`);
    }
    const every = opts.checkpoint?.every ?? 1;
    if (opts.checkpoint && (!Number.isInteger(every) || every < 1)) {
      throw new ConfigError('E_BAD_OPTION', `checkpoint interval must be an integer >= 1 batches (got ${every})`);
    }
    const sliceMs = opts.sliceMs ?? DEFAULT_STREAM.sliceMs;
    if (!(sliceMs > 0)) throw new ConfigError('E_BAD_OPTION', `the time slice must be > 0 ms (got ${sliceMs})`);
    this.slicer = new TimeSlicer(sliceMs);
    this.opts = { ...opts, capacity };
    this.batchMs = batchMs;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.log = log;
    this.graph = new StreamGraph(batchMs);
    if (opts.stdout) this.graph.stdout = opts.stdout;
    if (opts.checkpoint) {
      this.store = new CheckpointStore(opts.checkpoint.dir, {
        keep: opts.checkpoint.keep,
        onWarning: (code, message) => this.warn(code, message),
      });
    }
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined); // callers that never look at done must not crash the process
  }

  get state(): ContextState {
    return this.stateValue;
  }

  /** Time of the last batch that completed. */
  get lastBatchTime(): number | undefined {
    return this.lastCompleted;
  }

  /** Spark's queueStream over pre-made batches. */
  queueStream<T>(queue: T[][], opts: QueueOptions<T> = {}): DStream<T> {
    return this.input(queueInput(queue, this.batchMs, opts));
  }

  /** A stream fed by an async iterable, with backpressure (see ReceiverInput). */
  receiverStream<T>(open: OpenFn<T>, opts: Partial<Omit<ReceiverOptions<T>, 'batchMs' | 'capacity'>> = {}): DStream<T> {
    const impl = new ReceiverInput<T>(open, { name: 'receiver', ...opts, batchMs: this.batchMs, capacity: this.opts.capacity! });
    return this.input(impl);
  }

  /** A stream of a Source's records: resumes from checkpointed positions, commits after checkpoints. */
  sourceStream(source: Source): DStream<SourceRecord> {
    const impl = new ReceiverInput<SourceRecord>((ctx) => source.open(ctx), {
      name: source.name,
      batchMs: this.batchMs,
      capacity: this.opts.capacity!,
      position: (r) => [r.partition, r.next],
      close: () => source.close(),
      commitSource: source.commit ? (p) => source.commit!(p) : undefined,
    });
    return this.input(impl);
  }

  /** Adds any input implementation. */
  input<T>(impl: InputImpl<T>): DStream<T> {
    return new DStream<T>(this.graph, this.graph.addInput(impl as InputImpl<unknown>));
  }

  /** Registers application state for checkpoints (restored before the inputs open). */
  register(name: string, participant: StateParticipant): void {
    if (this.stateValue !== 'new') throw new ConfigError('E_STREAM_STARTED', 'state must be registered before start()');
    if (this.participants.has(name)) throw new ConfigError('E_BAD_OPTION', `state ${JSON.stringify(name)} is registered twice`);
    this.participants.set(name, participant);
  }

  private inputKey(id: number, impl: InputImpl<unknown>): string {
    return `${id}:${impl.name}`;
  }

  /** Restores the newest checkpoint (if any), opens the inputs and starts the batch loop. */
  async start(): Promise<CheckpointData | undefined> {
    if (this.stateValue !== 'new') throw new ConfigError('E_STREAM_STARTED', 'a StreamingContext starts only once');
    this.graph.freeze();
    let restored: CheckpointData | undefined;
    const resume = new Map<string, Positions>();
    try {
      if (this.store) restored = await this.store.latest();
      const now = this.clock.now();
      const gridAfterNow = (Math.floor(now / this.batchMs) + 1) * this.batchMs;
      if (restored) {
        await this.restore(restored, resume);
        this.zeroTime = restored.zeroTime;
        this.nextTime = Math.max(restored.time + this.batchMs, gridAfterNow);
        this.batches = restored.batches;
        this.lastCheckpointed = restored.time;
        this.log.info({ dir: this.store!.dir, checkpointTime: restored.time, batches: restored.batches }, 'resuming from checkpoint');
        safeEmit(this.events, this.log, 'restored', { time: restored.time, dir: this.store!.dir, batches: restored.batches });
      } else {
        this.nextTime = gridAfterNow;
        this.zeroTime = gridAfterNow - this.batchMs;
      }
    } catch (err) {
      // nothing was opened yet: the context ends here, with this error
      this.failure = err;
      this.stateValue = 'failed';
      this.rejectDone(err);
      throw err;
    }
    this.stateValue = 'running';
    for (const { id, impl } of this.graph.inputs) {
      impl.start({ resume: resume.get(this.inputKey(id, impl)), log: this.log, fail: (err) => this.fail(err) });
    }
    this.loopPromise = this.loop();
    return restored;
  }

  private async restore(c: CheckpointData, resume: Map<string, Positions>): Promise<void> {
    if (c.batchMs !== this.batchMs) {
      throw new ConfigError(
        'E_CHECKPOINT_MISMATCH',
        `the checkpoint in ${this.store!.dir} was written with a ${c.batchMs} ms batch interval, not ${this.batchMs} ms; use the same interval or another checkpoint folder`,
      );
    }
    const ids = this.graph.statefulIds();
    if (JSON.stringify(ids) !== JSON.stringify(c.graph)) {
      throw new ConfigError(
        'E_CHECKPOINT_GRAPH',
        `the checkpoint in ${this.store!.dir} belongs to another stream (operators ${c.graph.join(', ') || 'none'}; this one has ${ids.join(', ') || 'none'}); use another checkpoint folder`,
      );
    }
    this.graph.nodes.forEach((n, i) => {
      const key = `${i}:${n.kind}`;
      if (n.restore && key in c.nodes) n.restore(c.nodes[key]);
    });
    for (const { id, impl } of this.graph.inputs) {
      const p = c.inputs[this.inputKey(id, impl)];
      if (p) resume.set(this.inputKey(id, impl), p);
    }
    for (const [name, p] of this.participants) {
      if (name in c.extras) await p.restore(c.extras[name]);
    }
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopRequested) {
        await this.clock.sleepUntil(this.nextTime, this.sleepAbort.signal);
        if (this.stopRequested) break;
        const ran = await this.runBatch(this.nextTime);
        if (!ran) break;
        if (this.opts.stopWhenDone && this.graph.inputs.every((i) => i.impl.done)) break;
      }
      if (this.failure !== undefined) throw this.failure;
      await this.stopInputs();
      if (this.store && this.lastCompleted !== undefined && this.lastCompleted !== this.lastCheckpointed) {
        // the last checkpoint of a clean stop must be durable: a failure here is the stop's error
        await this.checkpoint(this.lastCompleted);
      }
      this.stateValue = 'stopped';
      this.settleWaiters();
      this.resolveDone();
    } catch (err) {
      this.failure ??= err;
      this.stateValue = 'failed';
      this.log.error({ err: errorMessage(err), code: isAppError(err) ? err.code : undefined }, 'stream stopped by an error');
      await this.stopInputs().catch(() => undefined);
      this.settleWaiters();
      this.rejectDone(err);
    }
  }

  /** Runs one batch; false when the context was stopped before the batch could start. */
  private async runBatch(time: number): Promise<boolean> {
    const { graph } = this;
    if (this.opts.fill) {
      await Promise.all(graph.inputs.map((i) => i.impl.ready(this.maxBatch)));
      if (this.stopRequested) return false;
    }
    const started = performance.now();
    const schedulingDelayMs = Math.max(0, this.clock.now() - time);
    let records = 0;
    for (const { impl } of graph.inputs) records += impl.cut(time, this.maxBatch);
    safeEmit(this.events, this.log, 'batch.start', { time, records });
    const outputs: Array<Batch<unknown> | undefined> = new Array(graph.nodes.length);
    // the batch runs in time slices: the event loop gets a turn between operators once a slice is used up
    const run: StepContext = { slicer: this.slicer };
    run.slicer.reset();
    for (let i = 0; i < graph.nodes.length; i++) {
      const node = graph.nodes[i];
      const valid = (time - this.zeroTime) % node.slideMs === 0;
      const out = node.step(time, node.parentIds.map((p) => outputs[p]), valid, run);
      outputs[i] = isPromise(out) ? await out : out;
      await run.slicer.pause();
    }
    for (const op of graph.outputs) {
      const items = outputs[op.parentId];
      if (items !== undefined) {
        await op.run(items, time);
        await run.slicer.pause();
      }
    }
    for (const { impl } of graph.inputs) impl.commit();
    this.batches++;
    this.batchesSinceStart++;
    this.lastCompleted = time;
    this.nextTime = time + this.batchMs;
    if (this.store) {
      if (this.batchesSinceStart % (this.opts.checkpoint!.every ?? 1) === 0) await this.checkpointOrWarn(time);
    } else {
      await this.commitSources();
    }
    safeEmit(this.events, this.log, 'batch.end', { time, records, processingMs: performance.now() - started, schedulingDelayMs });
    this.settleWaiters();
    return true;
  }

  private positions(): Record<string, Positions> {
    const out: Record<string, Positions> = {};
    for (const { id, impl } of this.graph.inputs) {
      const p = impl.positions();
      if (p) out[this.inputKey(id, impl)] = p;
    }
    return out;
  }

  private async commitSources(): Promise<void> {
    for (const { id, impl } of this.graph.inputs) {
      const p = impl.positions();
      if (p && impl.commitSource) {
        try {
          await impl.commitSource(p);
        } catch (err) {
          // a failed commit only means more replay after a crash: report, go on
          this.warn(isAppError(err) ? err.code : 'E_COMMIT', `committing positions of input ${id}:${impl.name} failed: ${errorMessage(err)}`);
        }
      }
    }
  }

  /**
   * A periodic checkpoint. When the folder cannot be written (disk full, read-only, I/O error: a
   * retriable AppError), the stream goes on: nothing is lost, since the state stays in memory and the
   * sources are not told to commit, but a crash now replays from the last checkpoint that was written
   * (the at-least-once window grows until a checkpoint succeeds again). Each failure is a warning
   * (E_CHECKPOINT_FAILED, with the cause's code); the next interval tries again, and the first success
   * after failures is logged.
   */
  private async checkpointOrWarn(time: number): Promise<void> {
    try {
      await this.checkpoint(time);
    } catch (err) {
      if (!(isAppError(err) && err.retriable)) throw err;
      this.checkpointFailures++;
      this.warn(
        'E_CHECKPOINT_FAILED',
        `checkpoint of batch ${time} not written (${err.code}: ${errorMessage(err)}); the stream goes on and tries again in ${this.opts.checkpoint!.every ?? 1} batches` +
          (this.lastCheckpointed === undefined ? '' : `; a crash now would replay from the checkpoint of batch ${this.lastCheckpointed}`),
        { cause: err.code, failures: this.checkpointFailures },
      );
      return;
    }
    if (this.checkpointFailures > 0) {
      this.log.info({ code: 'E_CHECKPOINT_FAILED', failures: this.checkpointFailures, time }, 'checkpoints are written again');
      this.checkpointFailures = 0;
    }
  }

  private async checkpoint(time: number): Promise<void> {
    const started = performance.now();
    const nodes: Record<string, unknown> = {};
    this.graph.nodes.forEach((n, i) => {
      if (n.snapshot) nodes[`${i}:${n.kind}`] = n.snapshot();
    });
    const extras: Record<string, unknown> = {};
    for (const [name, p] of this.participants) extras[name] = await p.snapshot();
    const data: CheckpointData = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      time,
      zeroTime: this.zeroTime,
      batchMs: this.batchMs,
      batches: this.batches,
      createdAt: new Date(this.clock.now()).toISOString(),
      graph: this.graph.statefulIds(),
      inputs: this.positions(),
      nodes,
      extras,
    };
    await this.store!.write(data);
    this.lastCheckpointed = time;
    await this.commitSources();
    safeEmit(this.events, this.log, 'checkpoint', { time, dir: this.store!.dir, durationMs: performance.now() - started });
  }

  private warn(code: string, message: string, extra: Record<string, unknown> = {}): void {
    this.log.warn({ code, ...extra }, message);
    safeEmit(this.events, this.log, 'warning', { code, message });
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.stopRequested = true;
    this.sleepAbort.abort();
  }

  private inputsStopped?: Promise<void>;
  private stopInputs(): Promise<void> {
    this.inputsStopped ??= Promise.all(this.graph.inputs.map((i) => i.impl.stop())).then(() => undefined);
    return this.inputsStopped;
  }

  /**
   * Stops reading, lets the batch in flight finish, writes a last checkpoint (when configured).
   * Resolves when stopped; rejects only if the context had failed.
   */
  async stop(): Promise<void> {
    if (this.stateValue === 'new') {
      this.stateValue = 'stopped';
      this.resolveDone();
      return;
    }
    if (this.stateValue === 'failed' && !this.loopPromise) return this.done;
    if (this.stateValue === 'running') this.stateValue = 'stopping';
    this.stopRequested = true;
    this.sleepAbort.abort();
    void this.stopInputs().catch(() => undefined);
    await this.loopPromise;
    return this.done;
  }

  /** Resolves once the batch at `time` (or a later one) completed; rejects if the context ends first. */
  awaitBatch(time: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ time, resolve, reject });
      this.settleWaiters();
    });
  }

  private settleWaiters(): void {
    const ended = this.stateValue === 'stopped' || this.stateValue === 'failed';
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.lastCompleted !== undefined && this.lastCompleted >= w.time) w.resolve();
      else if (ended) w.reject(this.failure ?? new ConfigError('E_STREAM_STOPPED', `the stream stopped before batch ${w.time}`));
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** The time the next batch will get. */
  get pendingTime(): number {
    return this.nextTime;
  }
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as Promise<T> | undefined)?.then === 'function';
}
