import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanTweet, applyCleanup } from '../../src/features/cleanup.js';
import { CHAR_CLASS, applyCleanupFast, cleanTweetFast, isPlainTweet } from '../../src/features/cleanup-fast.js';
import { loadTexts } from '../../bench/lib/texts.js';

const STOP = 1;

// Both tweet modes: `tweet` (drop the # of hashtags) and `tweet-nohashtags` (drop hashtags whole).
const MODES = [
  { mode: 'tweet', drop: false },
  { mode: 'tweet-nohashtags', drop: true },
] as const;

describe('isPlainTweet stays in step with cleanTweet', () => {
  it.each(MODES)('every code unit it calls safe survives cleanTweet ($mode) unchanged, alone and between letters', ({ drop }) => {
    const bad: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (CHAR_CLASS[c] === STOP) continue;
      const ch = String.fromCharCode(c);
      for (const s of [`a${ch}b`, `${ch}${ch}`, `x ${ch} y`]) if (c !== 0x20 && cleanTweet(s, drop) !== s) bad.push(`U+${c.toString(16)} in ${JSON.stringify(s)}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('no non-ASCII code unit case-folds to the letters of "http" and "www"', () => {
    for (let c = 0x80; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      expect(/[htpw]/iu.test(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(false);
    }
  });

  it('says false for each kind of thing the rules change', () => {
    for (const s of [
      '@USER hola', 'see http://x.y', 'HTTPS', 'go to www.example.com', 'RT bonjour', 'a #tag', 'fish &amp; chips',
      'smile 😀', ' lead', 'trail ', 'two  spaces', 'tab\there', 'line\nbreak', 'nbsp\u00a0here', 'zwj\u200dhere', 'caret ^',
    ]) {
      expect(isPlainTweet(s), s).toBe(false);
      for (const { mode, drop } of MODES) {
        expect(cleanTweetFast(s, drop)).toBe(cleanTweet(s, drop));
        expect(applyCleanupFast(s, mode, true)).toBe(applyCleanup(s, mode, true));
      }
    }
    for (const s of ['Hello world, how are you?', 'Allen Menschen ist die Würde gegeben.', 'Все люди рождаются свободными', '人人生而自由', 'wow, that is hot', 'Rt', 'the http']) {
      expect(isPlainTweet(s), s).toBe(s !== 'the http');
      for (const { mode, drop } of MODES) {
        expect(cleanTweetFast(s, drop)).toBe(cleanTweet(s, drop));
        expect(applyCleanupFast(s, mode, true)).toBe(applyCleanup(s, mode, true));
      }
    }
  });

  it('agrees with cleanTweet on random strings rich in the characters the rules look at', () => {
    const alphabet = [
      'a', 'h', 'H', 't', 'T', 'p', 'P', 'w', 'W', 's', 'R', '.', ':', '/', '…', '@', '#', '&', ';', 'amp', 'lt', ' ', '  ', '\t', '\n',
      '\u00a0', '😀', '\ud83d', '\ude00', '\u200d', '\ufe0f', '^', '1', '_', 'é', 'ж', '中', 'http', 'www.', 'RT', 'https://', '#x27',
      '\u0301', '#é', '#_', '#1',
    ].map((s) => fc.constant(s));
    fc.assert(
      fc.property(fc.array(fc.oneof(...alphabet), { maxLength: 24 }), (parts) => {
        const s = parts.join('');
        const plain = isPlainTweet(s);
        for (const { mode, drop } of MODES) {
          if (plain) expect(cleanTweet(s, drop)).toBe(s);
          expect(cleanTweetFast(s, drop)).toBe(cleanTweet(s, drop));
          expect(applyCleanupFast(s, mode, true)).toBe(applyCleanup(s, mode, true));
          expect(applyCleanupFast(s, mode, false)).toBe(applyCleanup(s, mode, false));
        }
        expect(applyCleanupFast(s, 'none', false)).toBe(applyCleanup(s, 'none', false));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with cleanTweet on real texts (shared data, or UDHR sentences)', () => {
    const { texts } = loadTexts();
    expect(texts.length).toBeGreaterThan(500);
    for (const { mode, drop } of MODES) {
      for (const t of texts) {
        if (cleanTweetFast(t, drop) !== cleanTweet(t, drop)) expect.fail(`${mode}: differs on ${JSON.stringify(t)}`);
        if (applyCleanupFast(t, mode, true) !== applyCleanup(t, mode, true)) expect.fail(`${mode}: applyCleanupFast differs on ${JSON.stringify(t)}`);
      }
    }
  });
});
