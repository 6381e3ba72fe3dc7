/**
 * Hash collisions of the n-grams of a corpus for several numFeatures: how many distinct n-grams share a
 * bucket with another one, and how much of the n-gram mass sits in buckets another n-gram also uses.
 */
import { applyCleanup } from '../../src/features/cleanup.js';
import { slidingWindows, termIndex } from '../../src/features/hashing-tf.js';
import type { FeatureSettings } from '../../src/features/settings.js';

export interface CollisionStats {
  numFeatures: number;
  terms: number;
  bucketsUsed: number;
  /** Share of distinct n-grams whose bucket holds another n-gram. */
  termsCollided: number;
  /** Share of n-gram occurrences not belonging to their bucket's most frequent n-gram. */
  massMixed: number;
}

export function ngramCounts(texts: readonly string[], f: Pick<FeatureSettings, 'ngrams' | 'cleanup' | 'lowercase'>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of texts) {
    const t = applyCleanup(raw, f.cleanup, f.lowercase);
    for (const n of f.ngrams) for (const [a, b] of slidingWindows(t, n)) {
      const term = t.slice(a, b);
      counts.set(term, (counts.get(term) ?? 0) + 1);
    }
  }
  return counts;
}

export function collisions(counts: Map<string, number>, numFeatures: number, hash: FeatureSettings['hash'] = 'spark3'): CollisionStats {
  const buckets = new Map<number, number[]>();
  for (const [term, c] of counts) {
    const i = termIndex(term, 0, term.length, numFeatures, hash);
    let b = buckets.get(i);
    if (!b) buckets.set(i, (b = []));
    b.push(c);
  }
  let collided = 0;
  let mixed = 0;
  let total = 0;
  for (const b of buckets.values()) {
    const sum = b.reduce((x, y) => x + y, 0);
    total += sum;
    if (b.length > 1) {
      collided += b.length;
      mixed += sum - Math.max(...b);
    }
  }
  return { numFeatures, terms: counts.size, bucketsUsed: buckets.size, termsCollided: collided / counts.size, massMixed: total ? mixed / total : 0 };
}
