import { beforeAll, describe, expect, it } from 'vitest';
import type { ClusterModel } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { cosineDistance, squaredEuclidean } from '../../src/clustering/distance.js';
import { tinyCorpus, tinyModel, TINY_FEATURES } from '../helpers/model.js';

let model: ClusterModel;
beforeAll(async () => {
  model = await tinyModel();
});

function dense(v: { indices: Int32Array; values: Float32Array }, d: number): Float64Array {
  const out = new Float64Array(d);
  v.indices.forEach((i, p) => (out[i] = v.values[p]));
  return out;
}

describe('Predictor', () => {
  it('picks the nearest center by brute force and reports its distance', () => {
    const p = new Predictor(model);
    const d = model.features.numFeatures;
    for (const { text } of tinyCorpus()) {
      const x = dense(p.featurizer.transform(text), d);
      const dists = Array.from({ length: model.k }, (_, j) => cosineDistance(x, 0, model.centers, j * d, d));
      const best = dists.indexOf(Math.min(...dists));
      const got = p.predict(text);
      expect(got.cluster).toBe(best);
      expect(got.distance).toBeCloseTo(dists[best], 5);
    }
  });

  it('uses euclidean distance for euclidean models', () => {
    const m: ClusterModel = { ...model, distance: 'euclidean' };
    const p = new Predictor(m);
    const d = m.features.numFeatures;
    const x = dense(p.featurizer.transform('where is the library'), d);
    const dists = Array.from({ length: m.k }, (_, j) => Math.sqrt(squaredEuclidean(x, 0, m.centers, j * d, d)));
    const got = p.predict('where is the library');
    expect(got.cluster).toBe(dists.indexOf(Math.min(...dists)));
    expect(got.distance).toBeCloseTo(Math.min(...dists), 5);
  });

  it('gives null for texts with no features', () => {
    const p = new Predictor(model);
    expect(p.predict('')).toEqual({ cluster: null, label: null, distance: null });
    expect(p.predict('@user https://t.co/abc')).toEqual({ cluster: null, label: null, distance: null });
  });

  it('applies the unknown policy: too few letters, too far, ambiguous', () => {
    const strict: ClusterModel = { ...model, unknown: { minLetters: 10, maxDistance: null, minMargin: null } };
    const short = new Predictor(strict).predictDetailed('hola!!');
    expect(short.label).toBeNull();
    expect(short.reason).toBe('too-short');
    expect(short.cluster).not.toBeNull();

    const far: ClusterModel = { ...model, unknown: { minLetters: 1, maxDistance: 0.01, minMargin: null } };
    const f = new Predictor(far).predictDetailed('dónde está la biblioteca');
    expect(f.reason).toBe('too-far');
    expect(f.label).toBeNull();

    const amb: ClusterModel = { ...model, unknown: { minLetters: 1, maxDistance: null, minMargin: 1.5 } };
    const a = new Predictor(amb).predictDetailed('dónde está la biblioteca');
    expect(a.reason).toBe('ambiguous');

    const lenient = new Predictor(model).predictDetailed('dónde está la biblioteca');
    expect(lenient.label).toBe('spa');
    expect(lenient.margin).toBeGreaterThan(0);
  });

  it('a cluster without a label predicts null with its cluster index', () => {
    const m: ClusterModel = { ...model, labels: model.labels.map(() => null) };
    const r = new Predictor(m).predictDetailed('where is the library');
    expect(r.label).toBeNull();
    expect(r.reason).toBe('unlabelled');
    expect(r.cluster).not.toBeNull();
  });

  it('featurizes with the settings recorded in the model', () => {
    const p = new Predictor(model);
    expect(p.featurizer.settings).toEqual(TINY_FEATURES);
  });
});
