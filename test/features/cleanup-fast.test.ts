import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanTweet, applyCleanup } from '../../src/features/cleanup.js';
import { CHAR_CLASS, applyCleanupFast, cleanTweetFast, isPlainTweet } from '../../src/features/cleanup-fast.js';
import { loadTexts } from '../../bench/lib/texts.js';

const STOP = 1;

describe('isPlainTweet stays in step with cleanTweet', () => {
  it('every code unit it calls safe survives cleanTweet unchanged, alone and between letters', () => {
    const bad: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (CHAR_CLASS[c] === STOP) continue;
      const ch = String.fromCharCode(c);
      for (const s of [`a${ch}b`, `${ch}${ch}`, `x ${ch} y`]) {
        if (c !== 0x20 && (cleanTweet(s) !== s || cleanTweet(s, true) !== s)) bad.push(`U+${c.toString(16)} in ${JSON.stringify(s)}`);
      }
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
      expect(cleanTweetFast(s)).toBe(cleanTweet(s));
      expect(cleanTweetFast(s, true)).toBe(cleanTweet(s, true));
    }
    for (const s of ['Hello world, how are you?', 'Allen Menschen ist die Würde gegeben.', 'Все люди рождаются свободными', '人人生而自由', 'wow, that is hot', 'Rt', 'the http']) {
      expect(isPlainTweet(s), s).toBe(s !== 'the http');
      expect(cleanTweetFast(s)).toBe(cleanTweet(s));
    }
  });

  it('agrees with cleanTweet on random strings rich in the characters the rules look at', () => {
    const alphabet = [
      'a', 'h', 'H', 't', 'T', 'p', 'P', 'w', 'W', 's', 'R', '.', ':', '/', '…', '@', '#', '&', ';', 'amp', 'lt', ' ', '  ', '\t', '\n',
      '\u00a0', '😀', '\ud83d', '\ude00', '\u200d', '\ufe0f', '^', '1', '_', 'é', 'ж', '中', 'http', 'www.', 'RT', 'https://', '#x27',
    ].map((s) => fc.constant(s));
    fc.assert(
      fc.property(fc.array(fc.oneof(...alphabet), { maxLength: 24 }), (parts) => {
        const s = parts.join('');
        const plain = isPlainTweet(s);
        if (plain) expect(cleanTweet(s)).toBe(s);
        if (plain) expect(cleanTweet(s, true)).toBe(s);
        expect(cleanTweetFast(s)).toBe(cleanTweet(s));
        expect(cleanTweetFast(s, true)).toBe(cleanTweet(s, true));
        expect(applyCleanupFast(s, 'tweet', true)).toBe(applyCleanup(s, 'tweet', true));
        expect(applyCleanupFast(s, 'tweet-nohashtags', true)).toBe(applyCleanup(s, 'tweet-nohashtags', true));
        expect(applyCleanupFast(s, 'tweet-nohashtags', false)).toBe(applyCleanup(s, 'tweet-nohashtags', false));
        expect(applyCleanupFast(s, 'none', false)).toBe(applyCleanup(s, 'none', false));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with cleanTweet on real texts (shared data, or UDHR sentences)', () => {
    const { texts } = loadTexts();
    expect(texts.length).toBeGreaterThan(500);
    for (const t of texts) {
      if (cleanTweetFast(t) !== cleanTweet(t)) expect.fail(`differs on ${JSON.stringify(t)}`);
      if (cleanTweetFast(t, true) !== cleanTweet(t, true)) expect.fail(`differs (hashtags dropped) on ${JSON.stringify(t)}`);
    }
  });
});
