/**
 * Feature weights learned at training time, stored in the model as its `idf` vector (the featurizer
 * multiplies each term frequency by it): Spark's IDF, optionally fitted on a balanced mix of languages,
 * and optionally sharpened by how specific each feature is to one language.
 *
 * - balanced IDF: each document counts 1 / (texts of its language), so that every language weighs the
 *   same, whatever its number of texts; the background languages together weigh `backgroundShare` of
 *   the whole.
 * - language specificity: for each feature j, the distribution over the labelled languages of its mean
 *   frequency share q(l | j); specificity 1 - H(q) / ln L is 1 for a feature seen in one language only
 *   and 0 for one spread evenly over all. The weight is multiplied by (floor + (1 - floor) x spec)^power.
 *   Features that every language shares (digits, punctuation, hashtag and mention leftovers, common
 *   loan words) then count less than the n-grams that tell languages apart.
 */
import type { SparseVector } from '../src/linalg/sparse.js';

export interface WeightingSettings {
  /** Fit the IDF with every language weighing the same. */
  balanced: boolean;
  /** With `balanced`: the share of the IDF mass of the background languages together (0..1). */
  backgroundShare: number;
  /** Exponent of the language-specificity factor (0: off). */
  specificity: number;
  /** The factor's floor (0..1): a feature shared by all languages keeps floor^power of its weight. */
  floor: number;
}

export const SPARK_WEIGHTING: Readonly<WeightingSettings> = Object.freeze({ balanced: false, backgroundShare: 0, specificity: 0, floor: 0 });

/**
 * Weights for `counts` (raw hashed counts of each training text), `langs` aligned with them; languages in
 * `labelled` are known, the others background (undefined: unlabelled text, counted as background).
 */
export function featureWeights(
  counts: readonly SparseVector[],
  langs: ReadonlyArray<string | undefined>,
  labelled: ReadonlySet<string>,
  numFeatures: number,
  w: Readonly<WeightingSettings>,
): Float32Array {
  const n = counts.length;
  // document weights
  const docW = new Float64Array(n).fill(1);
  if (w.balanced) {
    const per = new Map<string, number>();
    let bgN = 0;
    for (const l of langs) {
      if (l !== undefined && labelled.has(l)) per.set(l, (per.get(l) ?? 0) + 1);
      else bgN++;
    }
    const knownMass = 1 - (bgN > 0 ? w.backgroundShare : 0);
    const perLang = per.size ? (n * knownMass) / per.size : 0;
    const bgEach = bgN ? (n * w.backgroundShare) / bgN : 0;
    for (let i = 0; i < n; i++) {
      const l = langs[i];
      docW[i] = l !== undefined && labelled.has(l) ? perLang / per.get(l)! : bgEach;
    }
  }
  const df = new Float64Array(numFeatures);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = counts[i];
    m += docW[i];
    for (let p = 0; p < v.indices.length; p++) if (v.values[p] !== 0) df[v.indices[p]] += docW[i];
  }
  const out = new Float32Array(numFeatures);
  for (let j = 0; j < numFeatures; j++) out[j] = Math.log((m + 1) / (df[j] + 1));
  if (w.specificity > 0) {
    const spec = languageSpecificity(counts, langs, labelled, numFeatures);
    for (let j = 0; j < numFeatures; j++) out[j] *= Math.pow(w.floor + (1 - w.floor) * spec[j], w.specificity);
  }
  return out;
}

/** 1 - H(q(. | j)) / ln L over the labelled languages, q from each language's mean frequency shares. */
export function languageSpecificity(
  counts: readonly SparseVector[],
  langs: ReadonlyArray<string | undefined>,
  labelled: ReadonlySet<string>,
  numFeatures: number,
): Float64Array {
  const ids = [...labelled].sort();
  const L = ids.length;
  const index = new Map(ids.map((l, i) => [l, i]));
  const acc = new Float64Array(L * numFeatures);
  const texts = new Float64Array(L);
  counts.forEach((v, i) => {
    const li = langs[i] === undefined ? undefined : index.get(langs[i]!);
    if (li === undefined) return;
    let s = 0;
    for (let p = 0; p < v.values.length; p++) s += v.values[p];
    if (s === 0) return;
    texts[li]++;
    for (let p = 0; p < v.indices.length; p++) acc[li * numFeatures + v.indices[p]] += v.values[p] / s;
  });
  const spec = new Float64Array(numFeatures);
  if (L < 2) return spec.fill(1);
  const logL = Math.log(L);
  const q = new Float64Array(L);
  for (let j = 0; j < numFeatures; j++) {
    let tot = 0;
    for (let l = 0; l < L; l++) {
      q[l] = texts[l] ? acc[l * numFeatures + j] / texts[l] : 0;
      tot += q[l];
    }
    if (tot === 0) {
      spec[j] = 0;
      continue;
    }
    let h = 0;
    for (let l = 0; l < L; l++) if (q[l] > 0) h -= (q[l] / tot) * Math.log(q[l] / tot);
    spec[j] = 1 - h / logL;
  }
  return spec;
}
