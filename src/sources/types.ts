/**
 * The one contract every source follows (replay, socket, folder, stdin, Kafka, Twitter).
 *
 * A source yields records as an AsyncIterable; each record carries the position to resume from *after*
 * it, keyed by partition (a file path, "topic/partition", "socket"...). The engine checkpoints the latest
 * position per partition once a batch's outputs are durable, calls `commit` (Kafka commits offsets there;
 * file sources need nothing), and on restart passes the checkpointed positions back as `resume`.
 * Unreadable input is skipped and counted in `counters.skipped`, never thrown.
 */
import type { TextRecord } from '../io/records.js';
import type { Logger } from '../log.js';

/** A resume token: for files the byte offset of the next line; for Kafka the next offset (string). */
export type Offset = number | string;

/** partition -> offset to resume from. */
export type Positions = Record<string, Offset>;

export interface SourceRecord {
  value: TextRecord;
  partition: string;
  /** Resume here to read the record after this one. */
  next: Offset;
  /** Wall-clock ms when the source received it (for ingest-to-delivery latency). */
  receivedAt: number;
}

export interface SourceCounters {
  records: number;
  skipped: Record<string, number>;
  reconnects: number;
}

export interface OpenContext {
  /** Positions from the last checkpoint (absent on a fresh start). */
  resume?: Positions;
  signal: AbortSignal;
  log: Logger;
}

export interface Source {
  /** e.g. "replay:/data/tweets.jsonl" (never holds a secret). */
  readonly name: string;
  readonly counters: SourceCounters;
  open(ctx: OpenContext): AsyncIterable<SourceRecord>;
  /** Outputs up to these positions are durable (at-least-once commit point). */
  commit?(positions: Positions): Promise<void>;
  close(): Promise<void>;
}

export function newCounters(): SourceCounters {
  return { records: 0, skipped: {}, reconnects: 0 };
}

export function countSkip(c: SourceCounters, reason: string): void {
  c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
}
