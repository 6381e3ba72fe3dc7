import { describe, expect, it } from 'vitest';
import { DocFreq, Featurizer, fitIdf } from '../../src/features/featurizer.js';
import { hashingTFBigrams, termIndex } from '../../src/features/hashing-tf.js';
import { SPARK_FEATURES, validateFeatureSettings, type FeatureSettings } from '../../src/features/settings.js';
import { sparseToMap } from '../../src/linalg/sparse.js';
import { ConfigError, ModelError } from '../../src/errors.js';

const base: FeatureSettings = { ...SPARK_FEATURES, ngrams: [2] };

describe('Featurizer', () => {
  it('with the Spark settings equals the reference HashingTF of bigrams', () => {
    const f = new Featurizer(base);
    for (const text of ['hello', '¡Hola!', 'aaa', 'a', '', 'RT @user: https://t.co/x 😀 día']) {
      expect(sparseToMap(f.transform(text))).toEqual(sparseToMap(hashingTFBigrams(text, { numFeatures: 1000 })));
    }
  });

  it('returns sorted unique indices', () => {
    const v = new Featurizer({ ...base, ngrams: [1, 2, 3] }).transform('the cat sat on the mat with the hat');
    for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]).toBeGreaterThan(v.indices[i - 1]);
  });

  it('adds unigrams alongside bigrams', () => {
    const v = sparseToMap(new Featurizer({ ...base, ngrams: [1, 2] }).transform('abab'));
    const a = termIndex('a', 0, 1, 1000);
    const b = termIndex('b', 0, 1, 1000);
    const ab = termIndex('ab', 0, 2, 1000);
    const ba = termIndex('ba', 0, 2, 1000);
    const expected = new Map<number, number>();
    for (const [i, c] of [[a, 2], [b, 2], [ab, 2], [ba, 1]]) expected.set(i, (expected.get(i) ?? 0) + c);
    expect(v).toEqual(expected);
  });

  it('applies binary, log and raw term frequencies', () => {
    const text = 'aaaa'; // bigram "aa" three times
    const idx = termIndex('aa', 0, 2, 1000);
    expect(sparseToMap(new Featurizer({ ...base, tf: 'raw' }).transform(text)).get(idx)).toBe(3);
    expect(sparseToMap(new Featurizer({ ...base, tf: 'binary' }).transform(text)).get(idx)).toBe(1);
    expect(sparseToMap(new Featurizer({ ...base, tf: 'log' }).transform(text)).get(idx)).toBeCloseTo(1 + Math.log(3), 6);
  });

  it('L2-normalises', () => {
    const v = new Featurizer({ ...base, norm: 'l2' }).transform('the quick brown fox');
    const n = v.values.reduce((s, x) => s + x * x, 0);
    expect(n).toBeCloseTo(1, 6);
  });

  it('cleans up and lowercases before hashing when asked', () => {
    const f = new Featurizer({ ...base, cleanup: 'tweet', lowercase: true });
    expect(f.prepare('RT @Juan: Hola AMIGO https://t.co/xyz #Feliz 😀')).toBe('hola amigo feliz');
    expect(sparseToMap(f.transform('RT @Juan: Hola AMIGO https://t.co/xyz'))).toEqual(sparseToMap(hashingTFBigrams('hola amigo', { numFeatures: 1000 })));
  });

  it('drops hashtags whole with clean-up tweet-nohashtags (a valid setting)', () => {
    const f = new Featurizer(validateFeatureSettings({ ...base, cleanup: 'tweet-nohashtags', lowercase: true }));
    expect(f.prepare('RT @Juan: Hola AMIGO https://t.co/xyz #Feliz 😀')).toBe('hola amigo');
    expect(sparseToMap(f.transform('Hola #Feliz AMIGO'))).toEqual(sparseToMap(hashingTFBigrams('hola amigo', { numFeatures: 1000 })));
  });

  it('weighs by IDF: Spark formula log((m + 1) / (df + 1))', () => {
    const f = new Featurizer(base);
    const docs = ['ab', 'ab', 'cd'];
    const counts = f.countsAll(docs);
    const idf = fitIdf(counts);
    const ab = termIndex('ab', 0, 2, 1000);
    const cd = termIndex('cd', 0, 2, 1000);
    expect(idf[ab]).toBeCloseTo(Math.log(4 / 3), 6);
    expect(idf[cd]).toBeCloseTo(Math.log(4 / 2), 6);
    expect(idf[0 === ab || 0 === cd ? 1 : 0]).toBeCloseTo(Math.log(4), 6);
    const withIdf = new Featurizer({ ...base, idf: true }, idf);
    expect(sparseToMap(withIdf.transform('cd')).get(cd)).toBeCloseTo(Math.log(2), 6);
    // minDocFreq zeroes rare terms
    const df = new DocFreq(1000);
    for (let r = 0; r < counts.rows; r++) df.add({ size: 1000, indices: counts.indices.subarray(counts.indptr[r], counts.indptr[r + 1]), values: counts.values.subarray(counts.indptr[r], counts.indptr[r + 1]) });
    expect(df.idf(2)[cd]).toBe(0);
    expect(df.idf(2)[ab]).toBeCloseTo(Math.log(4 / 3), 6);
  });

  it('refuses IDF settings without weights, or weights of the wrong length', () => {
    expect(() => new Featurizer({ ...base, idf: true })).toThrow(ModelError);
    expect(() => new Featurizer({ ...base, idf: true }, new Float32Array(10))).toThrow(/length 10/);
  });

  it('builds the same rows one by one and in bulk', () => {
    const f = new Featurizer({ ...base, ngrams: [1, 2], norm: 'l2', tf: 'log' });
    const texts = ['uno dos tres', 'one two three', '', 'x'];
    const m = f.transformAll(texts);
    expect(m.rows).toBe(4);
    texts.forEach((t, r) => {
      const v = f.transform(t);
      expect(Array.from(m.indices.subarray(m.indptr[r], m.indptr[r + 1]))).toEqual(Array.from(v.indices));
      expect(Array.from(m.values.subarray(m.indptr[r], m.indptr[r + 1]))).toEqual(Array.from(v.values));
    });
  });
});

describe('validateFeatureSettings', () => {
  it('accepts the Spark recipe and normalises ngram order', () => {
    expect(validateFeatureSettings({ ...base, ngrams: [2, 1] }).ngrams).toEqual([1, 2]);
  });
  it.each([
    [{ numFeatures: 0 }, /numFeatures/],
    [{ numFeatures: 1.5 }, /numFeatures/],
    [{ ngrams: [] }, /ngrams/],
    [{ ngrams: [2, 2] }, /ngrams/],
    [{ ngrams: [9] }, /ngrams/],
    [{ hash: 'md5' }, /hash/],
    [{ tf: 'sqrt' }, /tf/],
    [{ norm: 'l1' }, /norm/],
    [{ cleanup: 'aggressive' }, /cleanup/],
    [{ lowercase: 'yes' }, /lowercase/],
  ])('refuses %j', (patch, msg) => {
    expect(() => validateFeatureSettings({ ...base, ...patch })).toThrow(ConfigError);
    expect(() => validateFeatureSettings({ ...base, ...patch })).toThrow(msg);
  });
});
