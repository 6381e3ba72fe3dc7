/** What scoring a vector against a model's centers needs, built once per model (Predictor, wasm-classify.ts). */
import type { ClusterModel } from './model.js';

export interface ScoringTables {
  /** Centers feature-major [d][k], float32 like the model's centers: exact, and half the cache footprint. */
  ct: Float32Array;
  /** Squared norm and norm of each center, summed in float64 over the features in order. */
  cNorm2: Float64Array;
  cNorm: Float64Array;
  /** Label of each cluster as a small integer (-1: unlabelled), for the margin rule. */
  labelIds: Int32Array;
}

export function scoringTables(model: ClusterModel): ScoringTables {
  const { k } = model;
  const d = model.features.numFeatures;
  const ct = new Float32Array(d * k);
  const cNorm2 = new Float64Array(k);
  const cNorm = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const v = model.centers[j * d + i];
      ct[i * k + j] = v;
      s += v * v;
    }
    cNorm2[j] = s;
    cNorm[j] = Math.sqrt(s);
  }
  const ids = new Map<string, number>();
  const labelIds = Int32Array.from(model.labels, (l) => {
    if (l === null) return -1;
    if (!ids.has(l)) ids.set(l, ids.size);
    return ids.get(l)!;
  });
  return { ct, cNorm2, cNorm, labelIds };
}
