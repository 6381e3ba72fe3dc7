/**
 * Fast, exact HashingTF indices for the 1-, 2- and 3-code-unit terms of the Spark 3 hash (the hot path of
 * every featurizer with `hash: 'spark3'` and `ngrams` within [1, 2, 3]).
 *
 * - A unigram index comes from a table over all 65,536 code units, built once per `numFeatures`.
 * - A bigram of two Latin-1 code units comes from a 256 x 256 table, also built once per `numFeatures`.
 * - A bigram is hashed straight from its two code units: Java's UTF-8 of the pair (a valid surrogate pair
 *   is one 4-byte code point, a lone surrogate is `?`) is packed into at most one 4-byte block and a tail,
 *   and mixed as MurmurHash3 x86_32 would mix those bytes. No buffer, no allocation.
 *
 * - A trigram of three ASCII units is one tail block; any other term is hashed byte by byte (windowHash).
 *
 * `termIndex` in hashing-tf.ts is the reference; tests check these agree with it on every case.
 */
import { fmix, mixH1, mixK1, nonNegativeMod } from './murmur3.js';
import { SPARK_SEED, termHash } from './hashing-tf.js';

/** Java's UTF-8 bytes of one code unit standing alone, packed little-endian; the byte count is in `encLen`. */
function encodeUnit(c: number): number {
  if (c < 0x80) return c;
  if (c < 0x800) return (0xc0 | (c >> 6)) | ((0x80 | (c & 0x3f)) << 8);
  if (c >= 0xd800 && c <= 0xdfff) return 0x3f; // lone surrogate -> '?'
  return (0xe0 | (c >> 12)) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
}

function encLen(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 1;
  return 3;
}

/** Signed Spark 3 hash of the 2-code-unit term (a, b); equals `termHash(String.fromCharCode(a, b), 0, 2)`. */
export function bigramHash(a: number, b: number): number {
  if ((a | b) < 0x80) return fmix(SPARK_SEED ^ mixK1(a | (b << 8)), 2);
  if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) {
    // one supplementary code point: a single 4-byte block
    const cp = ((a - 0xd800) << 10) + (b - 0xdc00) + 0x10000;
    const w = (0xf0 | (cp >> 18)) | ((0x80 | ((cp >> 12) & 0x3f)) << 8) | ((0x80 | ((cp >> 6) & 0x3f)) << 16) | ((0x80 | (cp & 0x3f)) << 24);
    return fmix(mixH1(SPARK_SEED, mixK1(w)), 4);
  }
  const ea = encodeUnit(a);
  const la = encLen(a);
  const eb = encodeUnit(b);
  const len = la + encLen(b);
  const shift = la << 3;
  const w0 = ea | (eb << shift);
  if (len < 4) return fmix(SPARK_SEED ^ mixK1(w0), len);
  const h = mixH1(SPARK_SEED, mixK1(w0));
  if (len === 4) return fmix(h, 4);
  // 5 or 6 bytes: the bytes of b that did not fit in the first block form the tail
  return fmix(h ^ mixK1(eb >>> (32 - shift)), len);
}

/** `numFeatures - 1` when numFeatures is a power of two (then `h & mask` equals nonNegativeMod(h, numFeatures)), else -1. */
export function bucketMask(numFeatures: number): number {
  return numFeatures > 0 && (numFeatures & (numFeatures - 1)) === 0 ? numFeatures - 1 : -1;
}

/**
 * Spark 3 hash of the term `s[start..end)` of any length, Java's UTF-8 bytes fed to MurmurHash3 x86_32 one
 * at a time (no buffer): equals `termHash(s, start, end, 'spark3')`. The trigram path of the featurizer.
 */
export function windowHash(s: string, start: number, end: number): number {
  let h = SPARK_SEED;
  let k = 0;
  let fill = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    let enc: number;
    let n: number;
    if (c < 0x80) {
      enc = c;
      n = 1;
    } else if (c < 0x800) {
      enc = (0xc0 | (c >> 6)) | ((0x80 | (c & 0x3f)) << 8);
      n = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        enc = (0xf0 | (cp >> 18)) | ((0x80 | ((cp >> 12) & 0x3f)) << 8) | ((0x80 | ((cp >> 6) & 0x3f)) << 16) | ((0x80 | (cp & 0x3f)) << 24);
        n = 4;
        i++;
      } else {
        enc = 0x3f; // lone surrogate -> '?'
        n = 1;
      }
    } else {
      enc = (0xe0 | (c >> 12)) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
      n = 3;
    }
    for (let b = 0; b < n; b++) {
      k |= ((enc >>> (b << 3)) & 0xff) << (fill << 3);
      if (++fill === 4) {
        h = mixH1(h, mixK1(k));
        k = 0;
        fill = 0;
      }
    }
    len += n;
  }
  if (fill > 0) h ^= mixK1(k);
  return fmix(h, len);
}

/** Spark 3 hash of the 3-code-unit term (a, b, c) at `s[i..i+3)`: three ASCII units inline, else windowHash. */
export function trigramHash(s: string, i: number, a: number, b: number, c: number): number {
  if ((a | b | c) < 0x80) return fmix(SPARK_SEED ^ mixK1(a | (b << 8) | (c << 16)), 3);
  return windowHash(s, i, i + 3);
}

const unigramTables = new Map<number, Int32Array>();
const latinPairTables = new Map<number, Int32Array>();

/**
 * Index of every bigram of two Latin-1 code units (both < 256: ASCII and the accented Latin letters), at
 * `(a << 8) | b`, for `numFeatures` buckets: one lookup instead of a hash for most European text.
 */
export function latinPairTable(numFeatures: number): Int32Array {
  let t = latinPairTables.get(numFeatures);
  if (!t) {
    t = new Int32Array(0x10000);
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[(a << 8) | b] = nonNegativeMod(bigramHash(a, b), numFeatures);
    latinPairTables.set(numFeatures, t);
  }
  return t;
}

/** Index of every single code unit as a 1-code-unit term (Spark 3 hash), for `numFeatures` buckets. */
export function unigramTable(numFeatures: number): Int32Array {
  let t = unigramTables.get(numFeatures);
  if (!t) {
    t = new Int32Array(0x10000);
    for (let c = 0; c < 0x10000; c++) t[c] = nonNegativeMod(termHash(String.fromCharCode(c), 0, 1, 'spark3'), numFeatures);
    unigramTables.set(numFeatures, t);
  }
  return t;
}
