/**
 * A typed discretized stream: a sequence of batches, one per batch interval (or per slide, after a
 * window). Operators build new streams lazily; nothing runs until the StreamingContext starts, and at
 * least one output operation (foreachBatch, print) must exist. Spark Streaming's DStream API:
 * map, flatMap, filter, transform, union, window, count, countByValue, reduce, and on pair streams
 * ([key, value] arrays) mapValues, reduceByKey, groupByKey, join/leftOuterJoin with a static table,
 * reduceByKeyAndWindow (with an optional inverse function), updateStateByKey.
 */
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { writeOut } from '../cli/io.js';
import { assertMultiple, type Batch, type NodeImpl, type StreamGraph } from './graph.js';
import * as B from './ops/batch.js';
import type { Pair, StaticTable } from './ops/batch.js';
import { stateNode, type UpdateFn } from './ops/state.js';
import { reducedWindowNode, windowNode } from './ops/window.js';
import { formatPrintBlock } from './print.js';
import type { TimeSlicer } from './slicer.js';

export type { Pair, StaticTable } from './ops/batch.js';

export interface ReduceByKeyAndWindowOptions<K, V> {
  /** The inverse of reduce (e.g. subtraction for sums): makes each window incremental. */
  inverse?: (a: V, b: V) => V;
  /** Keeps only entries that pass (e.g. non-zero counts); only meaningful with an inverse. */
  filter?: (entry: Pair<K, V>) => boolean;
}

export class DStream<T> {
  readonly id: number;
  readonly graph: StreamGraph;
  readonly slideMs: number;

  constructor(graph: StreamGraph, id: number) {
    this.graph = graph;
    this.id = id;
    this.slideMs = graph.nodes[id].slideMs;
  }

  /** Adds a node fed by this stream; returns its stream. */
  protected derive<U>(impl: NodeImpl<U>): DStream<U> {
    return new DStream<U>(this.graph, this.graph.add(impl as NodeImpl<unknown>));
  }

  /** A node that applies `fn` to each batch of this stream. */
  private perBatch<U>(kind: string, fn: (items: Batch<T>, time: number) => Batch<U>): DStream<U> {
    return this.derive<U>({
      kind,
      slideMs: this.slideMs,
      parentIds: [this.id],
      step: (time, inputs, valid) => (valid && inputs[0] ? fn(inputs[0] as Batch<T>, time) : undefined),
    });
  }

  map<U>(fn: (x: T) => U): DStream<U> {
    return this.perBatch('map', (items) => items.map((x) => fn(x)));
  }

  flatMap<U>(fn: (x: T) => Iterable<U>): DStream<U> {
    return this.perBatch('flatMap', (items) => {
      const out: U[] = [];
      for (const x of items) for (const y of fn(x)) out.push(y);
      return out;
    });
  }

  filter(pred: (x: T) => boolean): DStream<T> {
    return this.perBatch('filter', (items) => items.filter((x) => pred(x)));
  }

  /** Any function of a whole batch (Spark's transform). */
  transform<U>(fn: (items: Batch<T>, time: number) => Batch<U>): DStream<U> {
    return this.perBatch('transform', fn);
  }

  /**
   * Like transform, for long work: `fn` pauses on the slicer between chunks (or awaits worker threads)
   * so that the event loop keeps turning; the engine awaits it before the next operator steps.
   */
  transformAsync<U>(fn: (items: Batch<T>, time: number, slicer: TimeSlicer) => Promise<Batch<U>>): DStream<U> {
    return this.derive<U>({
      kind: 'transform',
      slideMs: this.slideMs,
      parentIds: [this.id],
      step: (time, inputs, valid, run) => (valid && inputs[0] ? fn(inputs[0] as Batch<T>, time, run.slicer) : undefined),
    });
  }

  /** Every element of this stream and of the others, batch by batch (same slide required). */
  union(...others: DStream<T>[]): DStream<T> {
    for (const o of others) {
      if (o.graph !== this.graph) throw new ConfigError('E_STREAM_GRAPH', 'cannot union streams of different contexts');
      if (o.slideMs !== this.slideMs) {
        throw new ConfigError('E_WINDOW', `cannot union streams with different slides (${this.slideMs} ms and ${o.slideMs} ms)`);
      }
    }
    return this.derive<T>({
      kind: 'union',
      slideMs: this.slideMs,
      parentIds: [this.id, ...others.map((o) => o.id)],
      step: (_time, inputs, valid) => (valid ? inputs.flatMap((b) => (b ?? []) as T[]) : undefined),
    });
  }

  /** Batches with times in (t - length, t], every `slide` ms (both multiples of this stream's slide). */
  window(lengthMs: number, slideMs: number = this.slideMs): DStream<T> {
    this.checkWindow(lengthMs, slideMs);
    return this.derive<T>(windowNode<T>(this.id, lengthMs, slideMs));
  }

  private checkWindow(lengthMs: number, slideMs: number): void {
    assertMultiple('window length', lengthMs, this.graph.batchMs, 'batch interval');
    assertMultiple('window slide', slideMs, this.graph.batchMs, 'batch interval');
    if (this.slideMs !== this.graph.batchMs) {
      assertMultiple('window length', lengthMs, this.slideMs, "parent stream's slide");
      assertMultiple('window slide', slideMs, this.slideMs, "parent stream's slide");
    }
  }

  /** One element per batch: the number of elements. */
  count(): DStream<number> {
    return this.perBatch('count', (items) => [items.length]);
  }

  /** [value, occurrences] per distinct value of each batch. */
  countByValue(): DStream<[T, number]> {
    return this.perBatch('countByValue', (items) => B.countByValue(items));
  }

  /** One element per non-empty batch: all elements reduced with `fn`. */
  reduce(fn: (a: T, b: T) => T): DStream<T> {
    return this.perBatch('reduce', (items) => (items.length ? [items.reduce((a, b) => fn(a, b))] : []));
  }

  /** Number of elements in each window. */
  countByWindow(lengthMs: number, slideMs: number = this.slideMs): DStream<number> {
    return this.window(lengthMs, slideMs).count();
  }

  // ---- pair streams: elements are [key, value] ----

  mapValues<K, V, W>(this: DStream<Pair<K, V>>, fn: (v: V) => W): DStream<[K, W]> {
    return this.perBatch('mapValues', (items) => items.map(([k, v]) => [k, fn(v)] as [K, W]));
  }

  reduceByKey<K, V>(this: DStream<Pair<K, V>>, fn: (a: V, b: V) => V): DStream<[K, V]> {
    return this.perBatch('reduceByKey', (items) => B.reduceByKey(items, fn));
  }

  groupByKey<K, V>(this: DStream<Pair<K, V>>): DStream<[K, V[]]> {
    return this.perBatch('groupByKey', (items) => B.groupByKey(items));
  }

  /** Inner join of each batch with a static table: [key, [value, tableValue]]. */
  join<K, V, W>(this: DStream<Pair<K, V>>, table: StaticTable<K, W>): DStream<[K, [V, W]]> {
    const t = B.toTable(table);
    return this.perBatch('join', (items) => B.joinStatic(items, t));
  }

  leftOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, table: StaticTable<K, W>): DStream<[K, [V, W | undefined]]> {
    const t = B.toTable(table);
    return this.perBatch('leftOuterJoin', (items) => B.leftOuterJoinStatic(items, t));
  }

  /**
   * Per-key reduction over a sliding window. With `inverse`, each window is the previous one plus the
   * batches that entered minus (inverse) the batches that left, as Spark's incremental version.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    reduce: (a: V, b: V) => V,
    lengthMs: number,
    slideMs: number = this.slideMs,
    opts: ReduceByKeyAndWindowOptions<K, V> = {},
  ): DStream<[K, V]> {
    this.checkWindow(lengthMs, slideMs);
    if (opts.inverse && lengthMs < slideMs) {
      throw new ConfigError('E_WINDOW', `an incremental window needs length >= slide (got ${lengthMs} ms < ${slideMs} ms)`);
    }
    const perBatch = this.reduceByKey(reduce);
    return perBatch.derive<[K, V]>(
      reducedWindowNode<K, V>(perBatch.id, { reduce, inverse: opts.inverse, filter: opts.filter, lengthMs, slideMs, parentSlideMs: this.slideMs }),
    );
  }

  /** Running state per key (Spark's updateStateByKey); returning undefined forgets the key. */
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, update: UpdateFn<K, V, S>): DStream<[K, S]> {
    return this.derive<[K, S]>(stateNode<K, V, S>(this.id, this.slideMs, update));
  }

  // ---- output operations ----

  /** Runs `fn` on every batch (awaited before the batch counts as done): Spark's foreachRDD. */
  foreachBatch(fn: (items: Batch<T>, time: number) => void | Promise<void>, name = 'foreachBatch'): void {
    this.graph.addOutput({ name, parentId: this.id, run: (items, time) => fn(items as Batch<T>, time) });
  }

  /** Prints the first `num` elements of every batch with its time (Spark's print / pprint). */
  print(num = 10, out?: Pick<Writable, 'write' | 'once' | 'off'>): void {
    this.foreachBatch((items, time) => writeOut((out ?? this.graph.stdout) as Writable, formatPrintBlock(items, time, num)), 'print');
  }
}
