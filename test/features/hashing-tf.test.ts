import { describe, expect, it } from 'vitest';
import murmur from 'murmurhash3js-revisited';
import { hashingTFBigrams, hashingTFTerms, hashTermString, slidingTerms, termHash } from '../../src/features/hashing-tf.js';
import { murmur3 } from '../../src/features/murmur3.js';
import { javaUtf8Bytes } from '../../src/features/utf8.js';
import { sparseToMap } from '../../src/linalg/sparse.js';
import { createRng } from '../../src/linalg/random.js';

const entries = (v: ReturnType<typeof hashingTFBigrams>) => [...sparseToMap(v).entries()];

describe('HashingTF (Spark 3)', () => {
  it('reproduces the DESIGN.md test vectors', () => {
    expect(['a', 'b', 'c'].map((t) => hashTermString(t))).toEqual([-1293573533, 861554165, 1701913768]);
    expect(entries(hashingTFTerms(['a', 'b', 'c'], { numFeatures: 10 }))).toEqual([
      [5, 1],
      [7, 1],
      [8, 1],
    ]);
    expect(entries(hashingTFBigrams('hello', { numFeatures: 1000 })).map((e) => e[0])).toEqual([68, 139, 443, 559]);
    expect(entries(hashingTFBigrams('¡Hola!', { numFeatures: 1000 })).map((e) => e[0])).toEqual([98, 206, 767, 793, 869]);
  });

  it('follows Scala sliding(2): one window for a 1-char text, none for the empty text', () => {
    expect(slidingTerms('')).toEqual([]);
    expect(slidingTerms('a')).toEqual(['a']);
    expect(slidingTerms('ab')).toEqual(['ab']);
    expect(slidingTerms('abc')).toEqual(['ab', 'bc']);
    expect(entries(hashingTFBigrams('', { numFeatures: 1000 }))).toEqual([]);
    const a = entries(hashingTFBigrams('a', { numFeatures: 1000 }));
    expect(a).toHaveLength(1);
    expect(a[0][1]).toBe(1);
  });

  it('counts repeated bigrams, or marks them with binary', () => {
    const v = entries(hashingTFBigrams('aaa', { numFeatures: 1000 }));
    expect(v).toHaveLength(1);
    expect(v[0][1]).toBe(2);
    expect(entries(hashingTFBigrams('aaa', { numFeatures: 1000, binary: true }))[0][1]).toBe(1);
  });

  it('encodes a surrogate pair as one 4-byte code point and a lone surrogate as "?" (Java)', () => {
    expect([...javaUtf8Bytes('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect([...javaUtf8Bytes('a\ud83d')]).toEqual([0x61, 0x3f]);
    expect([...javaUtf8Bytes('\ude00b')]).toEqual([0x3f, 0x62]);
    // "a😀b" -> bigrams "a\ud83d" ("a?"), "😀" (the pair), "\ude00b" ("?b")
    const terms = slidingTerms('a😀b');
    expect(terms).toEqual(['a\ud83d', '😀', '\ude00b']);
    expect(hashTermString(terms[0])).toBe(hashTermString('a?'));
    expect(hashTermString(terms[2])).toBe(hashTermString('?b'));
    expect(hashTermString(terms[1])).toBe((murmur.x86.hash32(Array.from(Buffer.from('😀', 'utf8')), 42) | 0));
  });

  it('agrees with murmurhash3js-revisited on random byte strings', () => {
    const rng = createRng(123);
    for (let i = 0; i < 2000; i++) {
      const len = rng.int(40);
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++) bytes[j] = rng.int(256);
      expect(murmur3(bytes, len, 42)).toBe(murmur.x86.hash32(Array.from(bytes), 42) | 0);
    }
  });

  it('the inlined term hash agrees with the reference on random UTF-16 terms', () => {
    const rng = createRng(7);
    const pick = () => {
      const r = rng.next();
      if (r < 0.4) return rng.int(0x80);
      if (r < 0.6) return 0x80 + rng.int(0x780);
      if (r < 0.8) return 0x800 + rng.int(0xd000);
      return 0xd800 + rng.int(0x800); // surrogates, paired or not
    };
    for (let i = 0; i < 5000; i++) {
      const s = String.fromCharCode(pick(), pick(), pick());
      for (const [a, b] of [[0, 1], [0, 2], [1, 3], [0, 3]]) {
        const ref = murmur.x86.hash32(Array.from(javaUtf8Bytes(s.slice(a, b))), 42) | 0;
        expect(termHash(s, a, b)).toBe(ref);
      }
    }
  });
});

describe('HashingTF (Spark 2 legacy)', () => {
  it('reproduces the legacy vectors', () => {
    expect(entries(hashingTFBigrams('hello', { numFeatures: 1000, hash: 'spark2' })).map((e) => e[0])).toEqual([93, 511, 993, 997]);
    expect(entries(hashingTFBigrams('a', { numFeatures: 1000, hash: 'spark2' }))).toEqual([[170, 1]]);
    expect(entries(hashingTFBigrams('aaa', { numFeatures: 1000, hash: 'spark2' }))).toEqual([[399, 2]]);
  });

  it('differs from Spark 3 only through the tail', () => {
    // 4-byte terms have no tail: both variants agree
    expect(termHash('abcd', 0, 4, 'spark2')).toBe(termHash('abcd', 0, 4, 'spark3'));
    expect(termHash('ab', 0, 2, 'spark2')).not.toBe(termHash('ab', 0, 2, 'spark3'));
  });
});
