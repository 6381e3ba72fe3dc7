/** Human-facing views of a model (used by `tweetlang inspect` and GET /v1/model, /v1/clusters). */
import { describeFeatures } from '../features/settings.js';
import type { ClusterModel } from './model.js';

export interface ClusterSummary {
  cluster: number;
  weight: number;
  label: string | null;
  /** Share of the cluster's labelled training texts in its majority language (null when unknown). */
  labelShare: number | null;
  topTerms: Array<{ term: string; weight: number }>;
  samples: string[];
}

export function topTerms(model: ClusterModel, j: number, top: number): Array<{ term: string; weight: number }> {
  const d = model.features.numFeatures;
  const row = model.centers.subarray(j * d, (j + 1) * d);
  const idx: number[] = [];
  for (let i = 0; i < d; i++) if (row[i] > 0) idx.push(i);
  idx.sort((a, b) => row[b] - row[a] || a - b);
  return idx.slice(0, top).map((i) => ({ term: model.terms[i] ?? `#${i}`, weight: row[i] }));
}

export function clusterSummaries(model: ClusterModel, opts: { top?: number; samples?: number } = {}): ClusterSummary[] {
  const top = opts.top ?? 10;
  const nSamples = opts.samples ?? 3;
  return Array.from({ length: model.k }, (_, j) => {
    const langs = model.training?.languages?.[j];
    let labelShare: number | null = null;
    if (langs && model.labels[j]) {
      const total = Object.values(langs).reduce((a, b) => a + b, 0);
      labelShare = total ? (langs[model.labels[j]!] ?? 0) / total : null;
    }
    return {
      cluster: j,
      weight: model.weights[j],
      label: model.labels[j],
      labelShare,
      topTerms: topTerms(model, j, top),
      samples: (model.samples[j] ?? []).slice(0, nSamples),
    };
  });
}

export function describeModel(model: ClusterModel) {
  return {
    version: model.version,
    createdAt: model.createdAt,
    k: model.k,
    distance: model.distance,
    features: model.features,
    featuresText: describeFeatures(model.features),
    labels: model.labels,
    unknown: model.unknown,
    updates: model.updates,
    training: model.training,
  };
}
