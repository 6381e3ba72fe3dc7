import { describe, expect, it } from 'vitest';
import type { TextRecord } from '../../../src/io/records.js';
import { createRng } from '../../../src/linalg/random.js';
import { tweetHoldoutFolds, tweetLanguages } from '../../../training/experiments/unseen-tweets.js';
import { tweetLike } from '../../../training/experiments/tweet-like.js';

describe('the unseen-tweets protocol', () => {
  const known: TextRecord[] = [];
  for (const lang of ['eng', 'spa', 'por', 'nld']) {
    for (let i = 0; i < 4; i++) known.push({ id: `${lang}-web-${i}`, lang, kind: 'web', text: `${lang} web ${i}` });
    if (lang !== 'nld') for (let i = 0; i < 3; i++) known.push({ id: `${lang}-tweet-${i}`, lang, kind: 'tweet', text: `${lang} tweet ${i}` });
  }
  const others = new Map<string, TextRecord[]>(['fin', 'swe', 'ces'].map((l) => [l, [0, 1].map((i) => ({ id: `${l}-${i}`, lang: l, kind: 'udhr', text: `${l} ${i}` }))]));
  const groups = [['fin'], ['swe'], ['ces']];

  it('makes one fold per language with tweets; it scores exactly that language\'s tweets and never trains on them', () => {
    expect(tweetLanguages(known)).toEqual(['eng', 'por', 'spa']);
    const folds = tweetHoldoutFolds({ known, others, sources: [] }, groups, 1, ['eng', 'nld', 'por', 'spa']);
    expect(folds.map((f) => f.test[0].lang)).toEqual(['eng', 'por', 'spa']);
    for (const f of folds) {
      const lang = f.test[0].lang;
      expect(f.test.every((r) => r.lang === lang && r.kind === 'tweet')).toBe(true);
      expect(f.test).toHaveLength(3);
      const trainIds = new Set(f.train.map((r) => r.id));
      expect(f.test.some((r) => trainIds.has(r.id))).toBe(false);
      // everything else known is trained on: web of all languages, the other languages' tweets
      expect(f.train).toHaveLength(known.length - 3);
      expect(f.train.filter((r) => r.kind === 'tweet' && r.lang === lang)).toEqual([]);
      // the background rotates: one language group is left out of each fold's background
      expect(f.background.map((r) => r.lang)).toHaveLength(2);
    }
    expect(folds.map((f) => f.background.map((r) => r.lang).join(','))).toEqual(['swe,ces', 'fin,ces', 'fin,swe']);
  });

  it('tweet-like variants are deterministic for a seed and keep to a window of the text', () => {
    const text = 'Todos los seres humanos nacen libres e iguales en dignidad y derechos y, dotados como están de razón y conciencia, deben comportarse fraternalmente los unos con los otros.';
    const a = Array.from({ length: 20 }, (_, i) => tweetLike(text, createRng(i)));
    const b = Array.from({ length: 20 }, (_, i) => tweetLike(text, createRng(i)));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(10);
    for (const t of a) {
      const words = t.replace(/@user|#\S+|https:\/\/\S+|\p{Extended_Pictographic}|\uFE0F/gu, ' ').split(/\s+/u).filter((w) => /\p{L}/u.test(w));
      expect(words.length).toBeLessThanOrEqual(14);
      expect(words.length).toBeGreaterThanOrEqual(3);
    }
  });
});
