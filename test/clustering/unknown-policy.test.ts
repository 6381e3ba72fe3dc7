import { describe, expect, it } from 'vitest';
import type { ClusterModel, UnknownPolicy } from '../../src/clustering/model.js';
import { Predictor, unknownReason } from '../../src/clustering/predictor.js';
import { termIndex } from '../../src/features/hashing-tf.js';
import type { FeatureSettings } from '../../src/features/settings.js';

const D = 1024;
const features: FeatureSettings = { numFeatures: D, hash: 'spark3', ngrams: [1], cleanup: 'tweet', lowercase: true, tf: 'raw', idf: false, norm: 'l2' };
const idx = (ch: string) => termIndex(ch, 0, 1, D);

/** Three clusters on single letters: "a" (label aaa), "b" (label bbb), "c" (no label). */
function model(unknown: UnknownPolicy): ClusterModel {
  const centers = new Float32Array(3 * D);
  centers[0 * D + idx('a')] = 1;
  centers[1 * D + idx('b')] = 1;
  centers[2 * D + idx('c')] = 1;
  return {
    version: 1,
    createdAt: new Date(0).toISOString(),
    features,
    idf: null,
    distance: 'cosine',
    k: 3,
    centers,
    weights: [1, 1, 1],
    labels: ['aaa', 'bbb', null],
    unknown,
    training: null,
    updates: 0,
    terms: {},
    samples: [],
  };
}

const open: UnknownPolicy = { minLetters: 0, maxDistance: null, minMargin: null };

describe('Predictor: the unknown policy on a hand-built model', () => {
  it('the test letters hash to distinct buckets', () => {
    expect(new Set(['a', 'b', 'c', 'x'].map(idx)).size).toBe(4);
  });

  it('labels a text with its nearest center', () => {
    const p = new Predictor(model(open));
    expect(p.predictDetailed('aaaaaaa')).toMatchObject({ cluster: 0, label: 'aaa', reason: null });
    expect(p.predict('aaaaaaa').distance).toBeCloseTo(0, 6);
    // with a space: unigrams a x7 and ' ' x1, cosine 7/sqrt(50)
    expect(p.predict('aaaa aaa').distance).toBeCloseTo(1 - 7 / Math.sqrt(50), 5);
    expect(p.predict('BBB')).toMatchObject({ cluster: 1, label: 'bbb' });
  });

  it('gives null to texts without letters or features: only emoji, URLs, mentions', () => {
    const p = new Predictor(model({ ...open, minLetters: 1 }));
    expect(p.predictDetailed('😂😂 @user https://t.co/xyz')).toMatchObject({ cluster: null, label: null, reason: 'no-features' });
    // digits are features but not letters
    expect(p.predictDetailed('2024 !!')).toMatchObject({ label: null, reason: 'too-short' });
  });

  it('gives null to texts with fewer letters than minLetters', () => {
    const p = new Predictor(model({ ...open, minLetters: 4 }));
    expect(p.predictDetailed('aaa')).toMatchObject({ cluster: 0, label: null, reason: 'too-short' });
    expect(p.predictDetailed('aaaa')).toMatchObject({ cluster: 0, label: 'aaa', reason: null });
    // clean-up runs first: a mention does not count
    expect(p.predictDetailed('@aaaaaa aa')).toMatchObject({ label: null, reason: 'too-short' });
  });

  it('gives null to texts farther than maxDistance from their center', () => {
    // "ax": cosine to the "a" center is 1/sqrt(2), distance 1 - 0.7071 = 0.2929
    const far = new Predictor(model({ ...open, maxDistance: 0.25 }));
    expect(far.predictDetailed('ax')).toMatchObject({ cluster: 0, label: null, reason: 'too-far' });
    expect(far.predict('ax').distance).toBeCloseTo(1 - Math.SQRT1_2, 5);
    const near = new Predictor(model({ ...open, maxDistance: 0.3 }));
    expect(near.predict('ax').label).toBe('aaa');
  });

  it('gives null when another label is within minMargin (ambiguous), ties going to the lowest cluster', () => {
    const p = new Predictor(model({ ...open, minMargin: 0.05 }));
    const tie = p.predictDetailed('ab');
    expect(tie).toMatchObject({ cluster: 0, label: null, reason: 'ambiguous' });
    expect(tie.margin).toBeCloseTo(0, 6);
    // "aab": cos to a = 2/sqrt5, to b = 1/sqrt5: margin 0.4472
    const clear = p.predictDetailed('aab');
    expect(clear).toMatchObject({ cluster: 0, label: 'aaa', reason: null });
    expect(clear.margin).toBeCloseTo(1 / Math.sqrt(5), 5);
  });

  it('gives null to texts whose nearest cluster has no label', () => {
    const p = new Predictor(model(open));
    expect(p.predictDetailed('ccc')).toMatchObject({ cluster: 2, label: null, reason: 'unlabelled' });
  });

  it('unknownReason applies the rules in order', () => {
    const policy: UnknownPolicy = { minLetters: 3, maxDistance: 0.5, minMargin: 0.1 };
    expect(unknownReason(null, 1, 0.9, 0, policy)).toBe('unlabelled');
    expect(unknownReason('x', 2, 0.9, 0, policy)).toBe('too-short');
    expect(unknownReason('x', 3, 0.6, 0, policy)).toBe('too-far');
    expect(unknownReason('x', 3, 0.5, 0.05, policy)).toBe('ambiguous');
    expect(unknownReason('x', 3, 0.5, 0.1, policy)).toBeNull();
  });
});
