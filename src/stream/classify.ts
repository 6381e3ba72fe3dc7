/**
 * Classifying a batch with one model snapshot: featurize each text once, predict with the snapshot's
 * predictor, keep the vector (StreamingKMeans and per-batch cluster statistics reuse it). Also the
 * --cluster/--lang filter.
 */
import type { ModelSnapshot } from '../clustering/model-holder.js';
import type { ClusterModel } from '../clustering/model.js';
import { modelLabels } from '../clustering/model.js';
import { ConfigError } from '../errors.js';
import { countLetters } from '../features/cleanup.js';
import type { SparseVector } from '../linalg/sparse.js';
import type { Classified } from '../sinks/types.js';
import type { SourceRecord } from '../sources/types.js';

export interface Scored {
  item: Classified;
  vector: SparseVector;
}

export function classifyBatch(records: readonly SourceRecord[], snap: ModelSnapshot): Scored[] {
  const { predictor, model } = snap;
  const fz = predictor.featurizer;
  const minLetters = model.unknown.minLetters;
  const out: Scored[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const prepared = fz.prepare(record.value.text);
    const vector = fz.transformPrepared(prepared);
    const p = predictor.predictVector(vector, minLetters > 0 ? countLetters(prepared) : Infinity);
    out[i] = { item: { record, cluster: p.cluster, label: p.label, distance: p.distance, modelVersion: model.version }, vector };
  }
  return out;
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
