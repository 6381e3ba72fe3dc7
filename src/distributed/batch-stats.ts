/**
 * One batch's ClusterStats from its texts, as a member computes them: each text featurized and assigned
 * with the member's current predictor (texts without features are left out, as they have no cluster).
 */
import type { Predictor } from '../clustering/predictor.js';
import { addPoint, emptyStats, type ClusterStats } from '../clustering/streaming-kmeans.js';

export function batchStats(predictor: Predictor, texts: Iterable<string>): ClusterStats {
  const { k } = predictor.model;
  const stats = emptyStats(k, predictor.model.features.numFeatures);
  for (const t of texts) {
    const v = predictor.featurizer.transform(t);
    const p = predictor.predictVector(v);
    if (p.cluster !== null) addPoint(stats, v, p.cluster);
  }
  return stats;
}
