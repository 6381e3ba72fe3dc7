import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Featurizer } from '../../src/features/featurizer.js';
import type { FeatureSettings } from '../../src/features/settings.js';
import { DEFAULT_FEATURES } from '../../src/config.js';
import { SPARK_FEATURES } from '../../src/features/settings.js';
import { createRng } from '../../src/linalg/random.js';
import { referenceTransform } from '../helpers/fast-reference.js';
import { loadTexts } from '../../bench/lib/texts.js';

const TEXT_PARTS = [
  'a', 'b', 'é', 'ß', 'ж', '中', '文', 'ก', 'ا', 'ह', ' ', 'the ', 'Hola ', '😀', '\ud83d', '\ude00', '@user ', 'http://t.co/x ',
  '#tag', '#', '\u0301', '&amp;', 'RT ', 'İ', 'Σ', '\u00a0', 'aa', 'aaa',
].map((s) => fc.constant(s));
const textArb = fc.array(fc.oneof(...TEXT_PARTS), { maxLength: 40 }).map((p) => p.join(''));

function idfFor(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 5);
}

const SETTINGS: Array<[string, FeatureSettings]> = [
  ['default', { ...DEFAULT_FEATURES }],
  ['default, hashtags dropped whole', { ...DEFAULT_FEATURES, cleanup: 'tweet-nohashtags' }],
  ['spark', { ...SPARK_FEATURES }],
  ['bigrams, 1000 buckets, l2, log tf', { ...SPARK_FEATURES, tf: 'log', norm: 'l2' }],
  ['unigrams only, binary', { ...SPARK_FEATURES, ngrams: [1], tf: 'binary', numFeatures: 4096 }],
  ['1-3 grams, 5000 buckets', { ...DEFAULT_FEATURES, ngrams: [1, 2, 3], numFeatures: 5000 }],
  ['trigrams only', { ...SPARK_FEATURES, ngrams: [3] }],
  ['1-4 grams (generic path)', { ...DEFAULT_FEATURES, ngrams: [1, 2, 3, 4], numFeatures: 4096 }],
  ['spark2 hash (generic path)', { ...SPARK_FEATURES, hash: 'spark2' }],
  ['odd bucket count', { ...DEFAULT_FEATURES, numFeatures: 9973 }],
];

function same(a: { indices: Int32Array; values: Float32Array }, b: { indices: Int32Array; values: Float32Array }) {
  expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
  expect(Array.from(a.values)).toEqual(Array.from(b.values));
}

describe.each(SETTINGS)('Featurizer fast paths give exactly the reference vectors (%s)', (_name, settings) => {
  const idf = settings.idf ? idfFor(settings.numFeatures, 7) : null;
  const fz = new Featurizer(settings, idf);

  it('on random texts', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        same(fz.transform(text), referenceTransform(text, settings, idf));
      }),
      { numRuns: 400 },
    );
  });

  it('weighPrepared holds the same (index, weight) pairs as transformPrepared, in any order', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const prepared = fz.prepare(text);
        const v = fz.transformPrepared(prepared);
        const t = fz.weighPrepared(prepared);
        const pairs = Array.from({ length: t }, (_, i) => [fz.lastIndices()[i], fz.lastWeights()[i]] as const).sort((x, y) => x[0] - y[0]);
        expect(pairs).toEqual(Array.from(v.indices, (ix, i) => [ix, v.values[i]]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('Featurizer on real texts', () => {
  it('gives the reference vectors for every text (default settings)', () => {
    const { texts } = loadTexts();
    const settings = { ...DEFAULT_FEATURES };
    const idf = idfFor(settings.numFeatures, 3);
    const fz = new Featurizer(settings, idf);
    for (const t of texts.slice(0, 3000)) same(fz.transform(t), referenceTransform(t, settings, idf));
  });
});
