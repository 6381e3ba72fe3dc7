/**
 * What the running pipeline exposes to the services around it (HTTP API, metrics, updater): lifecycle
 * events and windowed statistics. The streaming engine implements it; the HTTP layer only depends on it.
 * Listeners must be quick: a slow listener must never stall the pipeline (emit is synchronous, so
 * listeners that do I/O hand it off).
 */
import type { EventEmitter } from 'node:events';
import type { ClusterStats } from '../clustering/streaming-kmeans.js';

export interface BatchInfo {
  /** Batch time (ms since epoch, a multiple of the batch interval). */
  time: number;
  /** Records in the batch. */
  records: number;
  /** Records that passed the pipeline's filter (--cluster/--lang), i.e. written to its sinks. */
  matched: number;
  /** Records per predicted cluster ("none" for texts without features). */
  perCluster: Record<string, number>;
  /** Records per predicted label ("unknown" for null). */
  perLabel: Record<string, number>;
  /** Wall-clock ms from batch start to outputs written. */
  processingMs: number;
  /** How late the batch started after its batch time. */
  schedulingDelayMs: number;
  modelVersion: number;
}

export interface PipelineEvents {
  'batch.start': [{ time: number; records: number }];
  'batch.end': [BatchInfo];
  'model.updated': [{ version: number; source: string }];
  checkpoint: [{ time: number; dir: string; durationMs: number }];
  /** Errors the pipeline survived (logged with a code); fatal ones reject start(). */
  warning: [{ code: string; message: string }];
  /**
   * Per-cluster sums and counts of the batch's feature vectors, assigned by the model that classified
   * the batch (`modelVersion`): what a distributed StreamingKMeans updater folds (mergeStats, foldStats).
   * Emitted only while someone listens (it costs k x numFeatures floats per batch).
   */
  'batch.stats': [BatchStats];
  /** Windowed counts, each time the window slides (the same object stats() returns until the next). */
  window: [WindowStats];
}

export interface BatchStats {
  time: number;
  modelVersion: number;
  /** Records in the batch that had features (the others have no cluster). */
  points: number;
  stats: ClusterStats;
}

export interface WindowStats {
  windowMs: number;
  slideMs: number;
  /** End of the window (batch time). */
  asOf: number;
  total: number;
  clusters: Array<{
    cluster: number;
    label: string | null;
    count: number;
    topHashtags: Array<{ tag: string; count: number }>;
  }>;
}

export interface Pipeline {
  readonly events: EventEmitter<PipelineEvents>;
  readonly running: boolean;
  /** Starts consuming; resolves once running (the loop continues in the background). */
  start(): Promise<void>;
  /** Stops the source, drains the batch in flight, writes a checkpoint when configured. */
  stop(): Promise<void>;
  /** Counts per cluster and top hashtags over the current window. */
  stats(): WindowStats;
}
