/**
 * Spark-compatible HashingTF over character n-grams (Spark 3 `ml.feature.HashingTF`, and `mllib` from 3.0).
 *
 * Terms are Scala's `text.sliding(n)` over UTF-16 code units: a text of length >= n gives len-n+1 windows,
 * a shorter non-empty text gives itself, the empty text gives none. Each term is encoded to UTF-8 as Java
 * does (lone surrogate -> '?'), hashed with MurmurHash3 x86_32 seed 42, and mapped to
 * `nonNegativeMod(hash, numFeatures)`. Values are counts (or 1 when binary). No lowercasing, no norm.
 *
 * The hot path never allocates: an ASCII bigram is hashed from its two code units directly, everything
 * else goes through a reused scratch buffer.
 */
import { fmix, mixH1, mixK1, murmur3, murmur3Spark2, nonNegativeMod } from './murmur3.js';
import { encodeJavaUtf8, javaUtf8Bytes } from './utf8.js';
import { sparseFromMap, type SparseVector } from '../linalg/sparse.js';

export type HashAlgorithm = 'spark3' | 'spark2';
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['spark3', 'spark2'];
export const SPARK_SEED = 42;

const scratch = new Uint8Array(64);

/** Signed 32-bit hash of the term `s[start..end)` (UTF-16 code units). */
export function termHash(s: string, start: number, end: number, algo: HashAlgorithm = 'spark3'): number {
  const len = end - start;
  if (algo === 'spark3') {
    if (len === 2) {
      const a = s.charCodeAt(start);
      const b = s.charCodeAt(start + 1);
      if ((a | b) < 0x80) {
        // two ASCII bytes: one tail block of 2 bytes
        return fmix(SPARK_SEED ^ mixK1(a | (b << 8)), 2);
      }
    } else if (len === 1) {
      const a = s.charCodeAt(start);
      if (a < 0x80) return fmix(SPARK_SEED ^ mixK1(a), 1);
    }
  }
  const buf = len * 3 <= scratch.length ? scratch : new Uint8Array(len * 3);
  const n = encodeJavaUtf8(s, start, end, buf);
  return algo === 'spark3' ? murmur3(buf, n, SPARK_SEED) : murmur3Spark2(buf, n, SPARK_SEED);
}

export function termIndex(
  s: string,
  start: number,
  end: number,
  numFeatures: number,
  algo: HashAlgorithm = 'spark3',
): number {
  return nonNegativeMod(termHash(s, start, end, algo), numFeatures);
}

/** Hash of a whole term string (Spark's `indexOf(term)` before the mod). */
export function hashTermString(term: string, algo: HashAlgorithm = 'spark3'): number {
  const bytes = javaUtf8Bytes(term);
  return algo === 'spark3' ? murmur3(bytes, bytes.length, SPARK_SEED) : murmur3Spark2(bytes, bytes.length, SPARK_SEED);
}

/** Scala `text.sliding(n)` windows as [start, end) pairs over UTF-16 code units. */
export function slidingWindows(text: string, n: number): Array<[number, number]> {
  const len = text.length;
  if (len === 0) return [];
  if (len < n) return [[0, len]];
  const out: Array<[number, number]> = [];
  for (let i = 0; i + n <= len; i++) out.push([i, i + n]);
  return out;
}

/** Scala `text.sliding(n).toSeq` as strings (allocates; for display and tests). */
export function slidingTerms(text: string, n = 2): string[] {
  return slidingWindows(text, n).map(([a, b]) => text.slice(a, b));
}

export interface HashingTFOptions {
  numFeatures: number;
  binary?: boolean;
  hash?: HashAlgorithm;
}

/** Spark `HashingTF.transform(terms)` for an explicit term sequence. */
export function hashingTFTerms(terms: readonly string[], opts: HashingTFOptions): SparseVector {
  const { numFeatures, binary = false, hash = 'spark3' } = opts;
  const m = new Map<number, number>();
  for (const t of terms) {
    const i = nonNegativeMod(hashTermString(t, hash), numFeatures);
    m.set(i, binary ? 1 : (m.get(i) ?? 0) + 1);
  }
  return sparseFromMap(numFeatures, m);
}

/** The reference app's featurizer: `tf.transform(text.sliding(2).toSeq)`. */
export function hashingTFBigrams(text: string, opts: HashingTFOptions): SparseVector {
  const { numFeatures, binary = false, hash = 'spark3' } = opts;
  const m = new Map<number, number>();
  for (const [a, b] of slidingWindows(text, 2)) {
    const i = termIndex(text, a, b, numFeatures, hash);
    m.set(i, binary ? 1 : (m.get(i) ?? 0) + 1);
  }
  return sparseFromMap(numFeatures, m);
}
