/**
 * Fuzzing the featurizer with hostile text (lone surrogates, controls, bidi and combining marks, emoji,
 * 100k-character texts): it never throws, and its vectors equal those of the slow reference HashingTF in
 * test/helpers/reference-hashing-tf.ts (written from DESIGN.md's rules, sharing no code with src/features).
 * Fixed seed, bounded runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Predictor } from '../../src/clustering/predictor.js';
import { Featurizer } from '../../src/features/featurizer.js';
import { hashingTFBigrams } from '../../src/features/hashing-tf.js';
import { SPARK_FEATURES, type FeatureSettings } from '../../src/features/settings.js';
import { sparseToMap, type SparseVector } from '../../src/linalg/sparse.js';
import { defaultModel } from '../helpers/app.js';
import { FUZZ_SEED, hostileText, longHostileText } from '../helpers/hostile.js';
import { referenceCounts, referenceWeights } from '../helpers/reference-hashing-tf.js';

/** Inputs fuzzed per property. */
const FEATURIZER_RUNS = { spark: 3000, settings: 3000, defaultModel: 2000, long: 4 };

function expectWellFormed(v: SparseVector, numFeatures: number): void {
  expect(v.size).toBe(numFeatures);
  expect(v.indices.length).toBe(v.values.length);
  for (let i = 0; i < v.indices.length; i++) {
    expect(v.indices[i]).toBeGreaterThanOrEqual(0);
    expect(v.indices[i]).toBeLessThan(numFeatures);
    if (i > 0) expect(v.indices[i]).toBeGreaterThan(v.indices[i - 1]);
    expect(Number.isFinite(v.values[i])).toBe(true);
  }
}

/** Float32 values against float64 reference weights, index by index. */
function expectSameVector(v: SparseVector, ref: Map<number, number>, rel = 2e-6): void {
  const got = sparseToMap(v);
  expect([...got.keys()].sort((a, b) => a - b)).toEqual([...ref.keys()].sort((a, b) => a - b));
  for (const [i, w] of ref) {
    const g = got.get(i)!;
    if (Math.abs(g - w) > rel * Math.max(1, Math.abs(w))) expect(g, `index ${i}`).toBe(w);
  }
}

describe('featurizer fuzz (hostile text, against the reference HashingTF)', () => {
  it(`Spark's recipe (raw bigram counts, 1000 features): ${FEATURIZER_RUNS.spark} texts equal the reference exactly`, () => {
    const fz = new Featurizer({ ...SPARK_FEATURES });
    fc.assert(
      fc.property(hostileText(), (text) => {
        const ref = referenceCounts(text, 1000, [2]);
        const v = fz.transform(text);
        expectWellFormed(v, 1000);
        expect(sparseToMap(v)).toEqual(ref);
        expect(sparseToMap(hashingTFBigrams(text, { numFeatures: 1000 }))).toEqual(ref);
      }),
      { seed: FUZZ_SEED, numRuns: FEATURIZER_RUNS.spark },
    );
  });

  it(`any n-grams, bucket count, tf, norm and lowercasing: ${FEATURIZER_RUNS.settings} texts equal the reference`, () => {
    const settings = fc.record({
      numFeatures: fc.constantFrom(1, 2, 7, 1000, 1 << 14, (1 << 18) + 3), // the largest (2^22) is in the long-text test
      ngrams: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
      lowercase: fc.boolean(),
      tf: fc.constantFrom('raw' as const, 'binary' as const, 'log' as const),
      norm: fc.constantFrom('none' as const, 'l2' as const),
    });
    fc.assert(
      fc.property(settings, hostileText(), (s, text) => {
        const features: FeatureSettings = { ...s, ngrams: [...s.ngrams].sort((a, b) => a - b), hash: 'spark3', cleanup: 'none', idf: false };
        const v = new Featurizer(features).transform(text);
        expectWellFormed(v, s.numFeatures);
        const prepared = s.lowercase ? text.toLowerCase() : text;
        expectSameVector(v, referenceWeights(referenceCounts(prepared, s.numFeatures, features.ngrams), s.tf, s.norm === 'l2'));
      }),
      { seed: FUZZ_SEED + 1, numRuns: FEATURIZER_RUNS.settings },
    );
  });

  it(`the bundled model (its clean-up, n-grams, tf, IDF and norm) and its predictor: ${FEATURIZER_RUNS.defaultModel} texts, never a throw, vectors equal the reference`, () => {
    const model = defaultModel();
    const predictor = new Predictor(model);
    const fz = predictor.featurizer;
    const { numFeatures, ngrams } = model.features;
    fc.assert(
      fc.property(hostileText(), (text) => {
        const v = fz.transform(text);
        expectWellFormed(v, numFeatures);
        // clean-up is not HashingTF: the reference starts from the prepared text
        const counts = referenceCounts(fz.prepare(text), numFeatures, ngrams);
        const idf = model.idf;
        const ref = referenceWeights(counts, model.features.tf, false);
        let sq = 0;
        for (const [i, w] of ref) {
          const v = idf ? w * idf[i] : w;
          ref.set(i, v);
          sq += v * v;
        }
        if (model.features.norm === 'l2' && sq > 0) for (const [i, w] of ref) ref.set(i, w / Math.sqrt(sq));
        for (const [i, w] of [...ref]) if (w === 0) ref.delete(i); // a term with IDF 0 weighs nothing
        expectSameVector({ ...v, ...dropZeros(v) }, ref, 1e-5);
        const p = predictor.predict(text);
        if (p.cluster === null) expect(p.distance).toBeNull();
        else {
          expect(p.cluster).toBeGreaterThanOrEqual(0);
          expect(p.cluster).toBeLessThan(model.k);
          expect(Number.isFinite(p.distance)).toBe(true);
        }
      }),
      { seed: FUZZ_SEED + 2, numRuns: FEATURIZER_RUNS.defaultModel },
    );
  });

  it(`${FEATURIZER_RUNS.long} hostile texts of 100,000+ characters: no throw, equal to the reference`, () => {
    const spark = new Featurizer({ ...SPARK_FEATURES });
    const widest = new Featurizer({ ...SPARK_FEATURES, numFeatures: 1 << 22, ngrams: [1, 2, 3] });
    const predictor = new Predictor(defaultModel());
    for (let i = 0; i < FEATURIZER_RUNS.long; i++) {
      const text = longHostileText(100_000, FUZZ_SEED + 10 + i);
      expect(text.length).toBeGreaterThanOrEqual(100_000);
      expect(sparseToMap(spark.transform(text))).toEqual(referenceCounts(text, 1000, [2]));
      if (i === 0) expect(sparseToMap(widest.transform(text))).toEqual(referenceCounts(text, 1 << 22, [1, 2, 3]));
      const v = predictor.featurizer.transform(text);
      expectWellFormed(v, predictor.model.features.numFeatures);
      expect(() => predictor.predict(text)).not.toThrow();
    }
  });
});

function dropZeros(v: SparseVector): Pick<SparseVector, 'indices' | 'values'> {
  const keep = [...v.values.keys()].filter((i) => v.values[i] !== 0);
  return { indices: Int32Array.from(keep.map((i) => v.indices[i])), values: Float32Array.from(keep.map((i) => v.values[i])) };
}
