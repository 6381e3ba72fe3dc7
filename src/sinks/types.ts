/**
 * The sink contract: a sink receives each micro-batch's classified records (already filtered to the
 * chosen clusters/labels by the pipeline) and resolves `write` only when they are durable (files synced,
 * Kafka acknowledged) or handed off (console, SSE hub). Offsets are committed after every sink resolved.
 */
import type { SourceRecord } from '../sources/types.js';

export interface Classified {
  record: SourceRecord;
  cluster: number | null;
  label: string | null;
  distance: number | null;
  modelVersion: number;
}

export interface OutputBatch {
  /** Batch time (ms since epoch, a multiple of the batch interval), as Spark's batch time. */
  time: number;
  items: Classified[];
}

export interface Sink {
  readonly name: string;
  write(batch: OutputBatch): Promise<void>;
  close(): Promise<void>;
}
