/**
 * updateStateByKey, as Spark's StateDStream: at each batch, every key that has a state or new values
 * gets update(newValues, previousState); returning undefined drops the key. The output is every
 * (key, state) pair after the update. The state map is JSON for checkpoints.
 */
import { InputError } from '../../errors.js';
import type { Batch, NodeImpl } from '../graph.js';
import type { Pair } from './batch.js';

export type UpdateFn<K, V, S> = (values: V[], state: S | undefined, key: K) => S | undefined;

export function stateNode<K, V, S>(parentId: number, slideMs: number, update: UpdateFn<K, V, S>): NodeImpl<[K, S]> {
  let state = new Map<K, S>();
  return {
    kind: 'updateStateByKey',
    slideMs,
    parentIds: [parentId],
    step(time, inputs, valid) {
      if (!valid) return undefined;
      const grouped = new Map<K, V[]>();
      for (const [k, v] of (inputs[0] ?? []) as Batch<Pair<K, V>>) {
        const list = grouped.get(k);
        if (list) list.push(v);
        else grouped.set(k, [v]);
      }
      const next = new Map<K, S>();
      for (const [k, s] of state) {
        const u = update(grouped.get(k) ?? [], s, k);
        if (u !== undefined) next.set(k, u);
      }
      for (const [k, values] of grouped) {
        if (state.has(k)) continue;
        const u = update(values, undefined, k);
        if (u !== undefined) next.set(k, u);
      }
      state = next;
      return [...state];
    },
    snapshot: () => [...state],
    restore(s) {
      if (!Array.isArray(s) || s.some((e) => !Array.isArray(e) || e.length !== 2)) {
        throw new InputError('E_CHECKPOINT_INVALID', 'checkpoint state of updateStateByKey is malformed');
      }
      state = new Map(s as Array<[K, S]>);
    },
  };
}
