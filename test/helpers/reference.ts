/**
 * The single-process StreamingKMeans reference: one process, every round's whole batch assigned with the
 * current model and folded once with MLlib's rule. Written with the fold rule (foldStats) and the
 * predictor, not with the distributed code under test.
 */
import type { ClusterModel } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { addPoint, emptyStats, foldStats, stateFromCenters, type Decay } from '../../src/clustering/streaming-kmeans.js';

export function singleProcessModels(model: ClusterModel, rounds: string[][], decay: Decay): ClusterModel[] {
  const d = model.features.numFeatures;
  const state = stateFromCenters(model.centers, model.weights, model.k, d);
  const out: ClusterModel[] = [];
  let current = model;
  for (const texts of rounds) {
    const predictor = new Predictor(current);
    const stats = emptyStats(model.k, d);
    for (const t of texts) {
      const v = predictor.featurizer.transform(t);
      const p = predictor.predictVector(v);
      if (p.cluster !== null) addPoint(stats, v, p.cluster);
    }
    foldStats(state, stats, decay, model.distance);
    current = { ...current, version: current.version + 1, centers: Float32Array.from(state.centers), weights: Array.from(state.weights), updates: current.updates + 1 };
    out.push(current);
  }
  return out;
}
