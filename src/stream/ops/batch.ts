/**
 * Per-batch functions behind the stateless pair operators (pure: a batch in, a new batch out). Keys are
 * compared as JavaScript Map keys (SameValueZero): use strings or numbers, not objects or arrays.
 * Output order is the order in which keys first appear in the batch.
 */
import type { Batch } from '../graph.js';

export type Pair<K, V> = readonly [K, V];

export function reduceByKey<K, V>(items: Batch<Pair<K, V>>, reduce: (a: V, b: V) => V): Array<[K, V]> {
  const m = new Map<K, V>();
  for (const [k, v] of items) {
    if (m.has(k)) m.set(k, reduce(m.get(k) as V, v));
    else m.set(k, v);
  }
  return [...m];
}

export function groupByKey<K, V>(items: Batch<Pair<K, V>>): Array<[K, V[]]> {
  const m = new Map<K, V[]>();
  for (const [k, v] of items) {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }
  return [...m];
}

export function countByValue<T>(items: Batch<T>): Array<[T, number]> {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m];
}

export type StaticTable<K, W> = ReadonlyMap<K, W> | Iterable<Pair<K, W>>;

export function toTable<K, W>(table: StaticTable<K, W>): ReadonlyMap<K, W> {
  return table instanceof Map ? table : new Map(table as Iterable<Pair<K, W>>);
}

/** Inner join with a static table (Spark: stream.transform(rdd => rdd.join(table))). */
export function joinStatic<K, V, W>(items: Batch<Pair<K, V>>, table: ReadonlyMap<K, W>): Array<[K, [V, W]]> {
  const out: Array<[K, [V, W]]> = [];
  for (const [k, v] of items) if (table.has(k)) out.push([k, [v, table.get(k) as W]]);
  return out;
}

/** Left outer join with a static table: W is undefined where the table has no row. */
export function leftOuterJoinStatic<K, V, W>(items: Batch<Pair<K, V>>, table: ReadonlyMap<K, W>): Array<[K, [V, W | undefined]]> {
  return items.map(([k, v]) => [k, [v, table.get(k)]] as [K, [V, W | undefined]]);
}
