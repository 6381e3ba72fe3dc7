/**
 * A slow, plain reference of Spark's HashingTF over character n-grams, written from DESIGN.md's rules and
 * sharing no code with src/features (the fuzz tests compare the two):
 * - terms: Scala `text.sliding(n)` over UTF-16 code units (length >= n: the len-n+1 windows; shorter but
 *   not empty: the text itself; empty: none);
 * - bytes: Java `String.getBytes(UTF_8)`: a well-formed surrogate pair is one 4-byte code point, a lone
 *   surrogate becomes '?' (0x3F);
 * - hash: MurmurHash3 x86_32 with seed 42, from the murmurhash3js-revisited package (unsigned there,
 *   made a signed Java int here);
 * - index: Java/Scala `nonNegativeMod(hash, numFeatures)`; value: the count of the term.
 */
import murmur from 'murmurhash3js-revisited';

export function scalaSliding(text: string, n: number): string[] {
  if (text.length === 0) return [];
  if (text.length < n) return [text];
  const out: string[] = [];
  for (let i = 0; i + n <= text.length; i++) out.push(text.substring(i, i + n));
  return out;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

export function javaUtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (isHigh(c) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
      i++;
    } else if (isHigh(c) || isLow(c)) {
      out.push(0x3f); // Java's replacement for a malformed (lone) surrogate
    } else {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return out;
}

export function javaHash(term: string): number {
  return murmur.x86.hash32(javaUtf8(term), 42) | 0;
}

export function nonNegativeMod(x: number, mod: number): number {
  const r = x % mod;
  return r < 0 ? r + mod : r;
}

/** index -> count of the text's n-grams for every n in `ngrams` (Spark's HashingTF, one n after the other). */
export function referenceCounts(text: string, numFeatures: number, ngrams: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const n of ngrams) {
    for (const term of scalaSliding(text, n)) {
      const i = nonNegativeMod(javaHash(term), numFeatures);
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
  }
  return counts;
}

/** The weights a featurizer applies to counts: tf (raw, binary, 1 + ln), then an optional L2 norm. */
export function referenceWeights(counts: Map<number, number>, tf: 'raw' | 'binary' | 'log', l2: boolean): Map<number, number> {
  const w = new Map<number, number>();
  for (const [i, c] of counts) w.set(i, tf === 'raw' ? c : tf === 'binary' ? 1 : 1 + Math.log(c));
  if (l2) {
    let sq = 0;
    for (const v of w.values()) sq += v * v;
    if (sq > 0) for (const [i, v] of w) w.set(i, v / Math.sqrt(sq));
  }
  return w;
}
