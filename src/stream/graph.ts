/**
 * The engine's graph: nodes (one per DStream) in creation order, which is a topological order since a
 * stream is built from streams that exist already; inputs (nodes fed from outside); output operations.
 * Every batch time, each node steps once after its parents; a node outputs only at its own times
 * (multiples of its slide since the graph's zero time), as Spark's DStream.isTimeValid.
 */
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Writable } from 'node:stream';
import type { Positions } from '../sources/types.js';
import type { TimeSlicer } from './slicer.js';

export type Batch<T> = readonly T[];

/** What a node's step may use besides its inputs: the batch's time slicer (see slicer.ts). */
export interface StepContext {
  slicer: TimeSlicer;
}

export interface NodeImpl<T> {
  /** Short operator name (map, window, reduceByKeyAndWindow...), recorded in checkpoints. */
  readonly kind: string;
  /** Ms between two outputs (the batch interval, or a window's slide). */
  readonly slideMs: number;
  readonly parentIds: readonly number[];
  /**
   * Called at every batch time once the parents stepped. `inputs[i]` is parent i's output at this time
   * (undefined when that parent has no output now); `valid` says whether this node outputs at this time.
   * Returns the output (only when valid), or a promise of it: long work (transformAsync) pauses on
   * `run.slicer` so that the event loop keeps turning; the engine awaits it before the next node steps.
   */
  step(
    time: number,
    inputs: ReadonlyArray<Batch<unknown> | undefined>,
    valid: boolean,
    run: StepContext,
  ): Batch<T> | undefined | Promise<Batch<T> | undefined>;
  /** Stateful nodes: a JSON value to checkpoint, and its inverse. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}

export interface InputContext {
  resume?: Positions;
  log: Logger;
  /** A fatal error in the input (the engine stops with it). */
  fail(err: unknown): void;
}

/** A node fed from outside the graph (a queue of batches, a Source, an async iterable). */
export interface InputImpl<T> extends NodeImpl<T> {
  readonly name: string;
  start(ctx: InputContext): void;
  /** Stops reading; resolves once the reader stopped. */
  stop(): Promise<void>;
  /** Takes the next batch (at most `max` items) for `time`; step() then returns it. */
  cut(time: number, max: number): number;
  /** The batch cut last is fully processed (its positions become committed). */
  commit(): void;
  /** Resolves when `max` items are buffered or the input ended (batches of a fixed size, see `fill`). */
  ready(max: number): Promise<void>;
  /** No more items will come and none are buffered. */
  readonly done: boolean;
  readonly buffered: number;
  /** Positions of everything processed so far (inputs that can resume), else undefined. */
  positions(): Positions | undefined;
  /** Tells the source that outputs up to `positions` are durable. */
  commitSource?(positions: Positions): Promise<void>;
}

export interface OutputOp {
  readonly name: string;
  readonly parentId: number;
  run(items: Batch<unknown>, time: number): void | Promise<void>;
}

export class StreamGraph {
  readonly batchMs: number;
  readonly nodes: NodeImpl<unknown>[] = [];
  readonly inputs: Array<{ id: number; impl: InputImpl<unknown> }> = [];
  readonly outputs: OutputOp[] = [];
  /** Where print() writes (the context's stdout option). */
  stdout: Writable = process.stdout;
  private started = false;

  constructor(batchMs: number) {
    this.batchMs = batchMs;
  }

  add(impl: NodeImpl<unknown>): number {
    this.assertOpen();
    this.nodes.push(impl);
    return this.nodes.length - 1;
  }

  addInput(impl: InputImpl<unknown>): number {
    const id = this.add(impl);
    this.inputs.push({ id, impl });
    return id;
  }

  addOutput(op: OutputOp): void {
    this.assertOpen();
    this.outputs.push(op);
  }

  freeze(): void {
    if (this.outputs.length === 0) {
      throw new ConfigError('E_NO_OUTPUT', 'the stream has no output operation (foreachBatch, print): nothing would run');
    }
    this.started = true;
  }

  private assertOpen(): void {
    if (this.started) {
      throw new ConfigError('E_STREAM_STARTED', 'streams and output operations cannot be added once the context has started');
    }
  }

  /** Stable ids of stateful nodes: "<index>:<kind>" (a checkpoint only fits the graph it came from). */
  statefulIds(): string[] {
    return this.nodes.flatMap((n, i) => (n.snapshot ? [`${i}:${n.kind}`] : []));
  }
}

/** Checks that a duration is a positive multiple of `unit`, naming what is wrong otherwise. */
export function assertMultiple(what: string, ms: number, unit: number, unitName: string): void {
  if (!Number.isFinite(ms) || ms <= 0 || !Number.isInteger(ms)) {
    throw new ConfigError('E_WINDOW', `${what} must be a positive whole number of ms (got ${ms})`);
  }
  if (ms % unit !== 0) {
    throw new ConfigError('E_WINDOW', `${what} (${ms} ms) must be a multiple of the ${unitName} (${unit} ms)`);
  }
}
