/**
 * Offset bookkeeping for the Kafka source, kept apart from kafkajs so it can be tested on its own:
 * which partitions this member owns now, what was committed, and which of the engine's checkpointed
 * positions may be committed. Rules:
 * - a position is "the next offset to read" (last processed + 1), as Kafka commits it;
 * - only partitions this member owns in the current generation are committed: after a rebalance another
 *   member owns the revoked ones, and a late commit from here would move its offsets;
 * - a commit never moves an offset backwards (a stale checkpoint cannot rewind the group).
 */
import type { Offset, Positions } from '../sources/types.js';
import { ConfigError } from '../errors.js';
import { parsePartitionKey, partitionKey } from './spec.js';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Offset after `offset` (int64 as a decimal string, as kafkajs gives them). */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export function toOffsetString(o: Offset): string {
  const s = typeof o === 'number' ? String(o) : o;
  if (!/^\d+$/.test(s)) throw new ConfigError('E_BAD_POSITION', `not a Kafka offset: ${JSON.stringify(o)}`);
  return s;
}

function greater(a: string, b: string | undefined): boolean {
  return b === undefined || BigInt(a) > BigInt(b);
}

export interface AssignmentChange {
  revoked: string[];
  assigned: string[];
  /** Partitions owned now. */
  owned: string[];
}

export interface CommitPlan {
  commit: TopicPartitionOffset[];
  /** Partition keys left out, with why. */
  skipped: Array<{ partition: string; reason: 'other-topic' | 'not-owned' | 'not-ahead' }>;
}

export class OffsetBook {
  private owned = new Set<string>();
  private committed = new Map<string, string>();
  readonly topics: ReadonlySet<string>;

  constructor(topics: Iterable<string>) {
    this.topics = new Set(topics);
  }

  /** A new assignment (kafkajs GROUP_JOIN: topic -> partitions). Forgets commits of revoked partitions. */
  assign(assignment: Record<string, number[]>): AssignmentChange {
    const next = new Set<string>();
    for (const [topic, parts] of Object.entries(assignment)) {
      if (!this.topics.has(topic)) continue;
      for (const p of parts) next.add(partitionKey(topic, p));
    }
    const revoked = [...this.owned].filter((k) => !next.has(k)).sort();
    const assigned = [...next].filter((k) => !this.owned.has(k)).sort();
    for (const k of revoked) this.committed.delete(k);
    this.owned = next;
    return { revoked, assigned, owned: [...next].sort() };
  }

  /** All partitions lost (consumer stopped or crashed). */
  revokeAll(): string[] {
    const revoked = [...this.owned].sort();
    this.owned.clear();
    this.committed.clear();
    return revoked;
  }

  isOwned(key: string): boolean {
    return this.owned.has(key);
  }

  get ownedPartitions(): string[] {
    return [...this.owned].sort();
  }

  /** The offset committed (or found committed at assignment) for a partition. */
  committedOffset(key: string): string | undefined {
    return this.committed.get(key);
  }

  /** Records what the group had committed for a partition when it was assigned. */
  noteCommitted(key: string, offset: string): void {
    if (greater(offset, this.committed.get(key))) this.committed.set(key, offset);
  }

  /** Which of `positions` to commit now. */
  plan(positions: Positions): CommitPlan {
    const plan: CommitPlan = { commit: [], skipped: [] };
    for (const [key, pos] of Object.entries(positions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let tp: { topic: string; partition: number };
      try {
        tp = parsePartitionKey(key);
      } catch {
        plan.skipped.push({ partition: key, reason: 'other-topic' });
        continue;
      }
      if (!this.topics.has(tp.topic)) plan.skipped.push({ partition: key, reason: 'other-topic' });
      else if (!this.owned.has(key)) plan.skipped.push({ partition: key, reason: 'not-owned' });
      else {
        const offset = toOffsetString(pos);
        if (!greater(offset, this.committed.get(key))) plan.skipped.push({ partition: key, reason: 'not-ahead' });
        else plan.commit.push({ topic: tp.topic, partition: tp.partition, offset });
      }
    }
    return plan;
  }

  /** After a successful commit. */
  markCommitted(list: readonly TopicPartitionOffset[]): void {
    for (const c of list) this.noteCommitted(partitionKey(c.topic, c.partition), c.offset);
  }
}
