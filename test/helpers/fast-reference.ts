/**
 * Slow, obviously-correct reference paths the optimised code is checked against: the regex clean-up,
 * the generic HashingTF term hash (UTF-8 bytes + MurmurHash3) over Scala sliding windows, the weighting
 * written out term by term, and a brute-force nearest center over dense centers.
 */
import { applyCleanup } from '../../src/features/cleanup.js';
import { slidingWindows, termIndex } from '../../src/features/hashing-tf.js';
import type { FeatureSettings } from '../../src/features/settings.js';
import type { SparseVector } from '../../src/linalg/sparse.js';
import { cosineDistance, squaredEuclidean } from '../../src/clustering/distance.js';
import type { ClusterModel } from '../../src/clustering/model.js';

export function referenceTransform(text: string, s: FeatureSettings, idf: Float32Array | null): SparseVector {
  const prepared = applyCleanup(text, s.cleanup, s.lowercase);
  const counts = new Map<number, number>();
  for (const n of s.ngrams) {
    for (const [a, b] of slidingWindows(prepared, n)) {
      const i = termIndex(prepared, a, b, s.numFeatures, s.hash);
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
  }
  const indices = Int32Array.from([...counts.keys()].sort((x, y) => x - y));
  const raw = Array.from(indices, (i) => {
    const c = counts.get(i)!;
    let v = s.tf === 'raw' ? c : s.tf === 'binary' ? 1 : 1 + Math.log(c);
    if (s.idf) v *= idf![i];
    return v;
  });
  const values = Float32Array.from(raw);
  if (s.norm === 'l2') {
    const sq = raw.reduce((acc, v) => acc + v * v, 0);
    if (sq > 0) for (let i = 0; i < values.length; i++) values[i] *= 1 / Math.sqrt(sq);
  }
  return { size: s.numFeatures, indices, values };
}

/** Distances from a vector to every center, computed densely. */
export function referenceDistances(model: ClusterModel, v: SparseVector): number[] {
  const d = model.features.numFeatures;
  const x = new Float64Array(d);
  for (let i = 0; i < v.indices.length; i++) x[v.indices[i]] = v.values[i];
  const out: number[] = [];
  for (let j = 0; j < model.k; j++) {
    out.push(
      model.distance === 'euclidean'
        ? Math.sqrt(squaredEuclidean(x, 0, model.centers, j * d, d))
        : cosineDistance(x, 0, model.centers, j * d, d),
    );
  }
  return out;
}
