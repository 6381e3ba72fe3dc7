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

/** What the pipeline passes to a write besides the batch. */
export interface WriteContext {
  /**
   * Gives the event loop a turn when the batch's main-thread time slice is used up (resolves at once
   * otherwise). A sink that does long synchronous work on a big batch awaits it between chunks.
   */
  pause(): Promise<void>;
}

export interface Sink {
  readonly name: string;
  write(batch: OutputBatch, run?: WriteContext): Promise<void>;
  close(): Promise<void>;
}
