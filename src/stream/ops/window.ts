/**
 * Window operators, as Spark Streaming defines them: at each of its times t (multiples of the slide), a
 * window of length L holds the parent's batches with times in (t - L, t].
 * - window(): the union of those batches.
 * - reduceByKeyAndWindow(): the per-key reduction of those batches. With an inverse function it is
 *   incremental (Spark's ReducedWindowedDStream): previous window's value, minus (inverse) the batches
 *   that left, plus the batches that entered; an optional filter drops entries (e.g. zero counts), which
 *   otherwise stay as Spark keeps them. Without a previous window (start, restart after a gap) it
 *   reduces the whole window from the batches it holds.
 * The state (parent batches still needed, previous window) is JSON for checkpoints.
 */
import { InputError } from '../../errors.js';
import type { Batch, NodeImpl } from '../graph.js';
import type { Pair } from './batch.js';

type Stored<T> = Array<[number, T[]]>;

export function windowNode<T>(parentId: number, lengthMs: number, slideMs: number): NodeImpl<T> {
  let buffer: Stored<T> = [];
  return {
    kind: `window(${lengthMs}/${slideMs})`,
    slideMs,
    parentIds: [parentId],
    step(time, inputs, valid) {
      const parent = inputs[0] as Batch<T> | undefined;
      if (parent) buffer.push([time, [...parent]]);
      buffer = buffer.filter(([t]) => t > time - lengthMs);
      if (!valid) return undefined;
      return buffer.flatMap(([, items]) => items);
    },
    snapshot: () => buffer,
    restore(state) {
      buffer = asStored<T>(state, 'window');
    },
  };
}

export interface ReducedWindowOptions<K, V> {
  reduce: (a: V, b: V) => V;
  inverse?: (a: V, b: V) => V;
  filter?: (entry: Pair<K, V>) => boolean;
  lengthMs: number;
  slideMs: number;
  /** The parent's slide: how far apart its batches are. */
  parentSlideMs: number;
}

/** `parentId` must already be reduced per batch (one entry per key). */
export function reducedWindowNode<K, V>(parentId: number, o: ReducedWindowOptions<K, V>): NodeImpl<[K, V]> {
  const { reduce, inverse, filter, lengthMs, slideMs } = o;
  let batches: Stored<[K, V]> = [];
  let prev: { time: number; entries: Array<[K, V]> } | undefined;

  const reduceRange = (from: number, to: number): Map<K, V> => {
    // batches with time in (from, to]
    const m = new Map<K, V>();
    for (const [t, entries] of batches) {
      if (t <= from || t > to) continue;
      for (const [k, v] of entries) m.set(k, m.has(k) ? reduce(m.get(k) as V, v) : v);
    }
    return m;
  };

  return {
    kind: `reduceByKeyAndWindow(${lengthMs}/${slideMs}${inverse ? ',inverse' : ''})`,
    slideMs,
    parentIds: [parentId],
    step(time, inputs, valid) {
      const parent = inputs[0] as Batch<Pair<K, V>> | undefined;
      if (parent) batches.push([time, parent.map(([k, v]) => [k, v] as [K, V])]);
      // the inverse path needs the batches that leave the window: (t - L - slide, t - L]
      const keepAfter = time - lengthMs - (inverse ? slideMs : 0);
      batches = batches.filter(([t]) => t > keepAfter);
      if (!valid) return undefined;
      let result: Map<K, V>;
      if (inverse && prev && prev.time === time - slideMs) {
        const old = reduceRange(time - lengthMs - slideMs, time - lengthMs);
        const added = reduceRange(time - slideMs, time);
        result = new Map(prev.entries);
        for (const [k, v] of old) {
          if (result.has(k)) result.set(k, inverse(result.get(k) as V, v));
        }
        for (const [k, v] of added) result.set(k, result.has(k) ? reduce(result.get(k) as V, v) : v);
      } else {
        result = reduceRange(time - lengthMs, time);
      }
      let entries = [...result];
      if (filter) entries = entries.filter((e) => filter(e));
      prev = { time, entries };
      return entries;
    },
    snapshot: () => ({ batches, prev: prev ?? null }),
    restore(state) {
      const s = state as { batches?: unknown; prev?: unknown } | null;
      if (typeof s !== 'object' || s === null) throw bad('reduceByKeyAndWindow');
      batches = asStored<[K, V]>(s.batches, 'reduceByKeyAndWindow');
      const p = s.prev as { time?: unknown; entries?: unknown } | null;
      if (p === null || p === undefined) prev = undefined;
      else if (typeof p.time === 'number' && Array.isArray(p.entries)) prev = { time: p.time, entries: p.entries as Array<[K, V]> };
      else throw bad('reduceByKeyAndWindow');
    },
  };
}

function bad(kind: string): InputError {
  return new InputError('E_CHECKPOINT_INVALID', `checkpoint state of ${kind} is malformed`);
}

function asStored<T>(state: unknown, kind: string): Stored<T> {
  if (!Array.isArray(state) || state.some((e) => !Array.isArray(e) || typeof e[0] !== 'number' || !Array.isArray(e[1]))) throw bad(kind);
  return state as Stored<T>;
}
