import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromJSON, modelToJSON, parseModel, serializeModel, type ClusterModel } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { ModelError } from '../../src/errors.js';
import { tinyCorpus, tinyModel } from '../helpers/model.js';

let model: ClusterModel;
beforeAll(async () => {
  model = await tinyModel();
});

describe('model file', () => {
  it('round-trips exactly', () => {
    const back = parseModel(serializeModel(model));
    expect(Array.from(back.centers)).toEqual(Array.from(model.centers));
    expect(Array.from(back.idf!)).toEqual(Array.from(model.idf!));
    expect(back.labels).toEqual(model.labels);
    expect(back.weights).toEqual(model.weights);
    expect(back.features).toEqual(model.features);
    expect(back.unknown).toEqual(model.unknown);
    expect(back.terms).toEqual(model.terms);
    const p1 = new Predictor(model);
    const p2 = new Predictor(back);
    for (const r of tinyCorpus()) expect(p2.predict(r.text)).toEqual(p1.predict(r.text));
  });

  it('labels the clusters of a tiny corpus with its languages', () => {
    expect([...model.labels].sort()).toEqual(['deu', 'eng', 'spa']);
    const p = new Predictor(model);
    expect(p.predict('¿Dónde está la biblioteca?').label).toBe('spa');
    // k-means on 18 sentences is rough: most, not all, training texts sit in their language's cluster
    const corpus = tinyCorpus();
    const right = corpus.filter((r) => p.predict(r.text).label === r.lang).length;
    expect(right / corpus.length).toBeGreaterThanOrEqual(0.8);
  });

  const mutations: Array<[string, (j: Record<string, unknown>) => void, RegExp]> = [
    ['wrong format', (j) => (j.format = 'something-else'), /format/],
    ['future formatVersion', (j) => (j.formatVersion = 99), /formatVersion 99 is not supported/],
    ['k not an integer', (j) => (j.k = 2.5), /k must be/],
    ['centers too short', (j) => ((j.centers as Record<string, unknown>).data = 'AAAAAA=='), /centers holds 1 values/],
    ['centers not base64', (j) => ((j.centers as Record<string, unknown>).data = '###'), /base64/],
    ['NaN in centers', (j) => ((j.centers as Record<string, unknown>).data = Buffer.from(new Float32Array(3 * 512).fill(NaN).buffer).toString('base64')), /non-finite/],
    ['negative numFeatures', (j) => ((j.features as Record<string, unknown>).numFeatures = -1), /numFeatures/],
    ['unknown hash', (j) => ((j.features as Record<string, unknown>).hash = 'md5'), /features\.hash/],
    ['idf missing', (j) => (j.idf = null), /idf/],
    ['labels wrong length', (j) => (j.labels = ['eng']), /labels must be 3/],
    ['weights negative', (j) => (j.weights = [1, -1, 2]), /weights/],
    ['bad distance', (j) => (j.distance = 'manhattan'), /distance/],
    ['bad unknown policy', (j) => (j.unknown = { minLetters: -2 }), /minLetters/],
  ];

  it.each(mutations)('refuses a model with %s, naming the problem', (_, mutate, pattern) => {
    const j = JSON.parse(serializeModel(model)) as Record<string, unknown>;
    mutate(j);
    expect(() => modelFromJSON(j)).toThrow(ModelError);
    expect(() => modelFromJSON(j)).toThrow(pattern);
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(() => parseModel('{"format": ')).toThrow(/not JSON/);
    expect(() => parseModel('[1,2]')).toThrow(/not a JSON object/);
  });

  it('writes the documented top-level fields', () => {
    const j = modelToJSON(model);
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['format', 'formatVersion', 'version', 'k', 'dim', 'distance', 'features', 'idf', 'centers', 'weights', 'labels', 'unknown', 'training']),
    );
  });
});
