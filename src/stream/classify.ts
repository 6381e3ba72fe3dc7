/**
 * Classifying a batch with one model snapshot, and the --cluster/--lang filter.
 *
 * Predictions come from the fast batch predictor (`Predictor.predictBatch`, the same code and the same
 * answers as `POST /v1/predict`), on the main thread in chunks that pause on the batch's time slicer, or
 * on a ClassifierPool's worker threads. Sparse vectors (`transformPrepared`) are computed only when
 * someone needs them: the StreamingKMeans updater and `batch.stats` listeners; they are exactly the vectors
 * the updater always folded.
 */
import type { ClassifierPool } from '../classify/pool.js';
import type { ModelSnapshot } from '../clustering/model-holder.js';
import type { ClusterModel } from '../clustering/model.js';
import { modelLabels } from '../clustering/model.js';
import { allocBatchPredictions, type BatchPredictions } from '../clustering/predictor.js';
import { ConfigError, errorMessage, isAppError } from '../errors.js';
import type { SparseVector } from '../linalg/sparse.js';
import type { Classified } from '../sinks/types.js';
import type { SourceRecord } from '../sources/types.js';
import type { TimeSlicer } from './slicer.js';

export interface Scored {
  item: Classified;
  /** The record's feature vector, when the batch was classified with `vectors: true`; else null. */
  vector: SparseVector | null;
}

export interface ClassifyOptions {
  /** Pauses between chunks (main-thread work). */
  slicer: TimeSlicer;
  /** Also compute each record's sparse vector (StreamingKMeans, batch statistics). */
  vectors?: boolean;
  /** Predict on these worker threads instead of the main thread (its model is set to the snapshot's first). */
  pool?: ClassifierPool;
  /** A pool failure: the batch is classified on the main thread instead (the warning says why). */
  onPoolError?: (code: string, message: string) => void;
}

/** Texts per synchronous chunk on the main thread (well under 1 ms of work with the default model). */
export const CLASSIFY_CHUNK = 128;
/** Smaller batches are classified on the main thread even with a pool (a round trip costs more). */
export const POOL_MIN_BATCH = 64;

/** Predictions of every record of the batch with `snap`, as `snap.predictor.predict` gives them. */
export async function classifyRecords(records: readonly SourceRecord[], snap: ModelSnapshot, o: ClassifyOptions): Promise<Scored[]> {
  const { predictor, model } = snap;
  const { slicer } = o;
  const n = records.length;
  const texts = new Array<string>(n);
  for (let i = 0; i < n; i++) texts[i] = records[i].value.text;

  // the pool predicts (other threads) while this thread computes vectors, if any
  let pooled: Promise<BatchPredictions | undefined> | undefined;
  if (o.pool && n >= POOL_MIN_BATCH) pooled = classifyOnPool(o.pool, model, texts, o.onPoolError);

  let vectors: SparseVector[] | null = null;
  if (o.vectors) {
    const fz = predictor.featurizer;
    const vs = new Array<SparseVector>(n);
    await slicer.chunks(n, CLASSIFY_CHUNK, (start, end) => {
      for (let i = start; i < end; i++) vs[i] = fz.transformPrepared(fz.prepare(texts[i]));
    });
    vectors = vs;
  }

  let preds = pooled ? await pooled : undefined;
  if (pooled) slicer.reset(); // waiting on the threads gave the event loop its turns
  if (!preds) {
    const out = allocBatchPredictions(n);
    await slicer.chunks(n, CLASSIFY_CHUNK, (start, end) => {
      predictor.predictBatch(start === 0 && end === n ? texts : texts.slice(start, end), out, start);
    });
    preds = out;
  }

  const scored = new Array<Scored>(n);
  const { labels, version } = model;
  const { cluster, distance, reason } = preds;
  await slicer.chunks(n, 4096, (start, end) => {
    for (let i = start; i < end; i++) {
      const c = cluster[i];
      const item: Classified =
        c < 0
          ? { record: records[i], cluster: null, label: null, distance: null, modelVersion: version }
          : { record: records[i], cluster: c, label: reason[i] === 0 ? labels[c] : null, distance: distance[i], modelVersion: version };
      scored[i] = { item, vector: vectors ? vectors[i] : null };
    }
  });
  return scored;
}

/** Predictions from the pool with `model`, or undefined when the pool failed (reported through onError). */
async function classifyOnPool(
  pool: ClassifierPool,
  model: ClusterModel,
  texts: string[],
  onError?: (code: string, message: string) => void,
): Promise<BatchPredictions | undefined> {
  try {
    if (pool.currentModel !== model) await pool.setModel(model);
    return await pool.classify(texts);
  } catch (err) {
    const code = isAppError(err) ? err.code : 'E_CLASSIFY_INTERNAL';
    onError?.(code, `classifier threads failed (${errorMessage(err)}); this batch is classified on the main thread`);
    return undefined;
  }
}

/** Which records the pipeline writes to its sinks: clusters and/or labels (either matches); none = all. */
export interface TweetFilter {
  clusters?: readonly number[];
  labels?: readonly string[];
}

export function matcher(filter: TweetFilter = {}): (c: Classified) => boolean {
  const clusters = new Set(filter.clusters ?? []);
  const labels = new Set(filter.labels ?? []);
  if (clusters.size === 0 && labels.size === 0) return () => true;
  return (c) => (c.cluster !== null && clusters.has(c.cluster)) || (c.label !== null && labels.has(c.label));
}

/** Checks a filter against a model: clusters exist, labels are among the model's. */
export function validateFilter(filter: TweetFilter, model: ClusterModel): void {
  for (const j of filter.clusters ?? []) {
    if (!Number.isInteger(j) || j < 0 || j >= model.k) {
      throw new ConfigError('E_BAD_FILTER', `cluster ${j} does not exist: the model has clusters 0 to ${model.k - 1}`);
    }
  }
  const known = modelLabels(model);
  for (const l of filter.labels ?? []) {
    if (!known.includes(l)) {
      throw new ConfigError(
        'E_BAD_FILTER',
        known.length
          ? `label ${JSON.stringify(l)} is not a label of the model; its labels: ${known.join(', ')}`
          : `label ${JSON.stringify(l)}: the model has no labelled clusters; filter by --cluster instead`,
      );
    }
  }
}
