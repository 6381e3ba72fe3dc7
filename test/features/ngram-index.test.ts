import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { termHash, termIndex } from '../../src/features/hashing-tf.js';
import { bigramHash, bucketMask, latinPairTable, trigramHash, unigramTable, windowHash } from '../../src/features/ngram-index.js';
import { nonNegativeMod } from '../../src/features/murmur3.js';

// code units at every UTF-8 length boundary, and every kind of surrogate
const EDGES = [
  0x00, 0x20, 0x41, 0x7f, 0x80, 0xa1, 0xff, 0x100, 0x7ff, 0x800, 0x4e2d, 0xd7ff, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00,
  0xdfff, 0xe000, 0xfeff, 0xfffd, 0xffff,
];

describe('bigramHash (inline Spark 3 hash of two code units)', () => {
  it('equals the generic UTF-8 + MurmurHash3 term hash on every pair of boundary code units', () => {
    for (const a of EDGES) {
      for (const b of EDGES) {
        const s = String.fromCharCode(a, b);
        expect(bigramHash(a, b), `pair ${a.toString(16)} ${b.toString(16)}`).toBe(termHash(s, 0, 2, 'spark3'));
      }
    }
  });

  it('equals the generic term hash on random pairs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (a, b) => {
        expect(bigramHash(a, b)).toBe(termHash(String.fromCharCode(a, b), 0, 2, 'spark3'));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reproduces the DESIGN.md vectors for "hello"', () => {
    const s = 'hello';
    const idx = [];
    for (let i = 0; i + 1 < s.length; i++) idx.push(nonNegativeMod(bigramHash(s.charCodeAt(i), s.charCodeAt(i + 1)), 1000));
    expect(idx.sort((x, y) => x - y)).toEqual([68, 139, 443, 559]);
  });
});

describe('windowHash and trigramHash (byte-by-byte Spark 3 hash of any term)', () => {
  it('equal the generic term hash on every triple of boundary code units', () => {
    for (const a of EDGES) {
      for (const b of EDGES) {
        for (const c of EDGES) {
          const s = String.fromCharCode(a, b, c);
          const want = termHash(s, 0, 3, 'spark3');
          if (windowHash(s, 0, 3) !== want || trigramHash(s, 0, a, b, c) !== want) expect.fail(`triple ${a} ${b} ${c}`);
        }
      }
    }
  });

  it('equal the generic term hash on random windows of random strings', () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x7ff }), fc.integer({ min: 0xd7f0, max: 0xe010 }), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 12 }), fc.nat(), fc.nat(), (units, x, y) => {
        const s = String.fromCharCode(...units);
        const start = x % s.length;
        const end = start + 1 + (y % (s.length - start));
        expect(windowHash(s, start, end)).toBe(termHash(s, start, end, 'spark3'));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('unigramTable', () => {
  it.each([1000, 16384, 7])('holds the generic term index of every code unit (numFeatures %i)', (nf) => {
    const t = unigramTable(nf);
    for (let c = 0; c < 0x10000; c++) {
      if (t[c] !== termIndex(String.fromCharCode(c), 0, 1, nf, 'spark3')) {
        expect.fail(`code unit ${c.toString(16)}: ${t[c]} vs ${termIndex(String.fromCharCode(c), 0, 1, nf, 'spark3')}`);
      }
    }
  });
});

describe('latinPairTable', () => {
  it.each([1000, 16384])('holds the generic term index of every pair of Latin-1 code units (numFeatures %i)', (nf) => {
    const t = latinPairTable(nf);
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const want = termIndex(String.fromCharCode(a, b), 0, 2, nf, 'spark3');
        if (t[(a << 8) | b] !== want) expect.fail(`pair ${a} ${b}: ${t[(a << 8) | b]} vs ${want}`);
      }
    }
  });
});

describe('bucketMask', () => {
  it('is a mask only for powers of two, and then agrees with nonNegativeMod on negative hashes too', () => {
    expect(bucketMask(1000)).toBe(-1);
    expect(bucketMask(16384)).toBe(16383);
    expect(bucketMask(1)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 22 }), (h, e) => {
        const n = 2 ** e;
        expect(h & bucketMask(n)).toBe(nonNegativeMod(h, n) | 0); // | 0: nonNegativeMod gives -0 for multiples
      }),
    );
  });
});
