/** Small hand-made models for tests of the distributed update (no training needed). */
import type { ClusterModel } from '../../src/clustering/model.js';
import type { Distance } from '../../src/clustering/distance.js';
import { SPARK_FEATURES, type FeatureSettings } from '../../src/features/settings.js';
import { createRng } from '../../src/linalg/random.js';

export function tinyModel({
  k = 3,
  features = { ...SPARK_FEATURES, numFeatures: 64 },
  distance = 'euclidean',
  seed = 7,
  weight = 10,
}: { k?: number; features?: FeatureSettings; distance?: Distance; seed?: number; weight?: number } = {}): ClusterModel {
  const d = features.numFeatures;
  const rng = createRng(seed);
  const centers = new Float32Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = Math.abs(rng.normal()) * 0.5;
  if (distance === 'cosine') {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += centers[j * d + i] ** 2;
      for (let i = 0; i < d; i++) centers[j * d + i] /= Math.sqrt(s);
    }
  }
  return {
    version: 1,
    createdAt: new Date(0).toISOString(),
    features: { ...features, ngrams: [...features.ngrams] },
    idf: null,
    distance,
    k,
    centers,
    weights: new Array(k).fill(weight),
    labels: Array.from({ length: k }, (_, j) => (j === 0 ? 'spa' : j === 1 ? 'eng' : null)),
    unknown: { minLetters: 0, maxDistance: null, minMargin: null },
    training: null,
    updates: 0,
    terms: {},
    samples: [],
  };
}

/** Deterministic pseudo-tweets in a few "languages" (letter pools). */
export function fakeTexts(n: number, seed = 1): Array<{ id: string; text: string; lang: string }> {
  const pools: Record<string, string> = { spa: 'aeiouñlrsdcn', eng: 'thwkeaoisnrl', deu: 'schtzeiunrgä' };
  const langs = Object.keys(pools);
  const rng = createRng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const lang = langs[Math.floor(rng.next() * langs.length)];
    const pool = pools[lang];
    let text = '';
    const len = 20 + Math.floor(rng.next() * 40);
    for (let c = 0; c < len; c++) text += rng.next() < 0.15 ? ' ' : pool[Math.floor(rng.next() * pool.length)];
    out.push({ id: `t${seed}-${i}`, text, lang });
  }
  return out;
}
