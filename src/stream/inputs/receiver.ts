/**
 * An input fed by an AsyncIterable (a Source, or any generator). A pump pulls items into a bounded
 * buffer; each batch takes at most `maxBatch` of them. When the buffer is full the pump stops pulling,
 * so a slow pipeline pauses the source itself (a file is no longer read, a socket is no longer drained
 * and TCP pushes back): memory stays bounded by `capacity` items plus the source's own small buffers.
 *
 * Items may carry a position (partition -> offset to resume after them). Positions of a batch become
 * "committed" only once the engine says the batch's outputs are done; checkpoints store those, and a
 * restart passes them back to the source as `resume`.
 */
import { errorMessage } from '../../errors.js';
import type { Offset, Positions } from '../../sources/types.js';
import type { Batch, InputContext, InputImpl } from '../graph.js';

export interface ReceiverOptions<T> {
  name: string;
  batchMs: number;
  /** Most items buffered ahead of the batches (default 2 x maxBatch, set by the context). */
  capacity: number;
  /** Where to resume after `item`, if the input can resume. */
  position?: (item: T) => readonly [string, Offset];
  /** Called on stop after the pump was told to stop (e.g. Source.close). */
  close?: () => Promise<void>;
  /** Forwarded to the source once outputs up to these positions are durable. */
  commitSource?: (positions: Positions) => Promise<void>;
}

export type OpenFn<T> = (ctx: { resume?: Positions; signal: AbortSignal; log: InputContext['log'] }) => AsyncIterable<T>;

/** A FIFO of items with O(1) push and shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

export class ReceiverInput<T> implements InputImpl<T> {
  readonly kind = 'receiver';
  readonly name: string;
  readonly slideMs: number;
  readonly parentIds: readonly number[] = [];
  private readonly open: OpenFn<T>;
  private readonly opts: ReceiverOptions<T>;
  private readonly buffer = new Fifo<T>();
  private current: Batch<T> = [];
  private committed: Positions = {};
  private pending: Positions = {};
  private ended = false;
  private stopping = false;
  private abort = new AbortController();
  private pump?: Promise<void>;
  private wakeReader?: () => void;
  private wakePump?: () => void;
  /** Items pulled from the source so far (tests check the bound on memory with it). */
  pulled = 0;

  constructor(open: OpenFn<T>, opts: ReceiverOptions<T>) {
    this.open = open;
    this.opts = opts;
    this.name = opts.name;
    this.slideMs = opts.batchMs;
  }

  start(ctx: InputContext): void {
    this.committed = { ...(ctx.resume ?? {}) };
    this.pending = { ...this.committed };
    const iterable = this.open({ resume: ctx.resume, signal: this.abort.signal, log: ctx.log });
    this.pump = this.run(iterable, ctx);
  }

  private async run(iterable: AsyncIterable<T>, ctx: InputContext): Promise<void> {
    try {
      for await (const item of iterable) {
        this.buffer.push(item);
        this.pulled++;
        this.wake();
        while (this.buffer.size >= this.opts.capacity && !this.stopping) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
        }
        if (this.stopping) break;
      }
    } catch (err) {
      if (!this.stopping) ctx.fail(err);
      else ctx.log.debug({ err: errorMessage(err) }, 'input failed while stopping');
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake(): void {
    const w = this.wakeReader;
    this.wakeReader = undefined;
    w?.();
  }

  async ready(max: number): Promise<void> {
    while (this.buffer.size < max && !this.ended && !this.stopping) {
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }

  cut(_time: number, max: number): number {
    const items = this.buffer.take(max);
    this.current = items;
    const pos = this.opts.position;
    if (pos) {
      this.pending = { ...this.committed };
      for (const item of items) {
        const [partition, offset] = pos(item);
        this.pending[partition] = offset;
      }
    }
    const w = this.wakePump;
    this.wakePump = undefined;
    w?.();
    return items.length;
  }

  step(_time: number, _inputs: unknown, valid: boolean): Batch<T> | undefined {
    return valid ? this.current : undefined;
  }

  commit(): void {
    this.committed = this.pending;
    this.current = [];
  }

  get done(): boolean {
    return this.ended && this.buffer.size === 0;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  positions(): Positions | undefined {
    return this.opts.position ? { ...this.committed } : undefined;
  }

  async commitSource(positions: Positions): Promise<void> {
    await this.opts.commitSource?.(positions);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    const w = this.wakePump;
    this.wakePump = undefined;
    w?.();
    this.wake();
    await this.opts.close?.();
    await this.pump;
  }
}
