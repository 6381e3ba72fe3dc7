import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { parseModel, type ClusterModel } from '../../src/clustering/model.js';
import { Predictor, UNKNOWN_REASONS, batchLabel } from '../../src/clustering/predictor.js';
import { SPARK_FEATURES } from '../../src/features/settings.js';
import { createRng } from '../../src/linalg/random.js';
import { referenceDistances, referenceTransform } from '../helpers/fast-reference.js';
import { loadTexts } from '../../bench/lib/texts.js';

const defaultModel = parseModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));

/** A euclidean model over Spark features with random centers, some labels missing. */
function sparkModel(k: number, seed: number): ClusterModel {
  const rng = createRng(seed);
  const d = SPARK_FEATURES.numFeatures;
  return {
    ...defaultModel,
    features: { ...SPARK_FEATURES },
    idf: null,
    distance: 'euclidean',
    k,
    centers: Float32Array.from({ length: k * d }, () => (rng.next() < 0.1 ? rng.next() * 3 : 0)),
    weights: new Array(k).fill(1),
    labels: Array.from({ length: k }, (_, j) => (j % 4 === 3 ? null : `l${j % 3}`)),
    unknown: { minLetters: 3, maxDistance: null, minMargin: 0.5 },
  };
}

/** The predictor's cluster and distance must match a dense brute force; ties are allowed to go either way. */
function checkAgainstReference(model: ClusterModel, p: Predictor, text: string): void {
  const got = p.predictDetailed(text);
  const v = referenceTransform(text, model.features, model.idf);
  if (v.indices.length === 0) {
    expect(got.cluster).toBeNull();
    expect(got.reason).toBe('no-features');
    return;
  }
  const dist = referenceDistances(model, v);
  // unlabelled centers compete with their distance plus the model's unlabelledBias
  const bias = model.unknown.unlabelledBias ?? 0;
  const adj = dist.map((x, j) => (model.labels[j] === null ? x + bias : x));
  const best = adj.indexOf(Math.min(...adj));
  if (got.cluster !== best) {
    // only a (near) tie may pick another cluster
    expect(Math.abs(adj[got.cluster!] - adj[best])).toBeLessThan(1e-9);
  } else expect(got.distance).toBeCloseTo(dist[best], 9);
}

const PARTS = ['a', 'é', 'ж', '中', 'ก', ' ', 'the ', 'und ', 'de ', '😀', '@user ', 'http://x ', '1', '.'].map((s) => fc.constant(s));
const textArb = fc.array(fc.oneof(...PARTS), { maxLength: 30 }).map((p) => p.join(''));

describe('Predictor agrees with a brute-force nearest center', () => {
  it('default model (cosine, idf, l2) on real texts', () => {
    const p = new Predictor(defaultModel);
    for (const t of loadTexts().texts.slice(0, 2000)) checkAgainstReference(defaultModel, p, t);
  });

  it('default model on random texts', () => {
    const p = new Predictor(defaultModel);
    fc.assert(fc.property(textArb, (t) => checkAgainstReference(defaultModel, p, t)), { numRuns: 300 });
  });

  it('euclidean model with raw counts and odd k', () => {
    const model = sparkModel(7, 5);
    const p = new Predictor(model);
    fc.assert(fc.property(textArb, (t) => checkAgainstReference(model, p, t)), { numRuns: 300 });
  });
});

describe('Predictor.predictBatch', () => {
  it('gives what predictDetailed gives, text by text, including unknown reasons', () => {
    const model = sparkModel(6, 9);
    const p = new Predictor(model);
    const texts = ['', 'ab', 'hello there', '😀😀', 'zzzz zzzz', ...loadTexts().texts.slice(0, 200)];
    const b = p.predictBatch(texts);
    texts.forEach((t, i) => {
      const d = p.predictDetailed(t);
      expect(b.cluster[i]).toBe(d.cluster ?? -1);
      if (d.distance === null) expect(b.distance[i]).toBeNaN();
      else expect(b.distance[i]).toBe(d.distance);
      expect(b.reason[i] === 0 ? null : UNKNOWN_REASONS[b.reason[i] - 1]).toBe(d.reason);
      expect(batchLabel(model, b, i)).toBe(d.label);
    });
    // the reasons this model can give all occur
    const reasons = new Set(texts.map((t) => p.predictDetailed(t).reason));
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['no-features', 'too-short']));
  });
});
