/**
 * An exact shortcut in front of tweet clean-up. Most texts (web sentences, many tweets) hold nothing the
 * clean-up rules of cleanup.ts touch, yet `cleanTweet` runs six regex passes over them to return them
 * unchanged. `isPlainTweet` decides that in one pass over the code units with a class table; when it
 * says true, `cleanTweet(text) === text`. Anything it is unsure about goes to `cleanTweet`.
 *
 * Kept in step with cleanup.ts by tests (test/features/cleanup-fast.test.ts): every code unit this
 * table calls safe must survive `cleanTweet` unchanged, and the two paths must agree on real and random
 * texts, in both tweet modes (`#` is a STOP code unit, so hashtags, kept or dropped, never take the
 * shortcut). When a clean-up rule changes there, the table here changes with it.
 */
import { applyCleanup, cleanTweet, type CleanupMode } from './cleanup.js';

const SAFE = 0;
/** A code unit that may start or be part of a change: symbols, emoji, controls, `&@#`, whitespace other than ' ', surrogates. */
const STOP = 1;
const SPACE = 2;
/** May start "http" (URL rules, case-insensitive). */
const H = 3;
/** May start "www." (case-insensitive). */
const W = 4;
/** May start "RT" (retweet marker, case-sensitive). */
const R = 5;

// Every code unit that one of cleanTweet's rules can remove or replace on its own.
const STOP_CHARS = /[\p{Extended_Pictographic}\p{So}\p{Sk}\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u20E3&@#\s]/u;

/** The class of each BMP code unit (exported for tests). */
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (c >= 0xd800 && c <= 0xdfff) t[c] = STOP;
    else if (c === 0x20) t[c] = SPACE;
    else if (STOP_CHARS.test(ch)) t[c] = STOP;
    else if (/h/iu.test(ch)) t[c] = H;
    else if (/w/iu.test(ch)) t[c] = W;
    else if (c === 0x52) t[c] = R;
  }
  return t;
})();

/** ASCII case-insensitive test of one code unit against a lower-case ASCII letter. */
function isLetterCi(c: number, lower: number): boolean {
  return (c | 0x20) === lower;
}

/** True when `cleanTweet(text)` would return `text` itself (checked without running the regexes). */
export function isPlainTweet(text: string): boolean {
  const n = text.length;
  const cls = CHAR_CLASS;
  for (let i = 0; i < n; i++) {
    const k = cls[text.charCodeAt(i)];
    if (k === SAFE) continue;
    switch (k) {
      case STOP:
        return false;
      case SPACE:
        if (i === 0 || i === n - 1 || text.charCodeAt(i - 1) === 0x20) return false;
        break;
      case H:
        if (
          i + 3 < n &&
          isLetterCi(text.charCodeAt(i + 1), 0x74) &&
          isLetterCi(text.charCodeAt(i + 2), 0x74) &&
          isLetterCi(text.charCodeAt(i + 3), 0x70)
        ) {
          return false;
        }
        break;
      case W:
        if (i + 3 < n && isLetterCi(text.charCodeAt(i + 1), 0x77) && isLetterCi(text.charCodeAt(i + 2), 0x77) && text.charCodeAt(i + 3) === 0x2e) {
          return false;
        }
        break;
      case R:
        if (i + 1 < n && text.charCodeAt(i + 1) === 0x54) return false;
        break;
    }
  }
  return true;
}

/** `cleanTweet`, skipping the regexes when the text is plain. Same result, always. */
export function cleanTweetFast(text: string, dropHashtags = false): string {
  return isPlainTweet(text) ? text : cleanTweet(text, dropHashtags);
}

/** `applyCleanup` with the plain-text shortcut (both tweet modes: a plain text holds no '#'). Same result, always. */
export function applyCleanupFast(text: string, mode: CleanupMode, lowercase: boolean): string {
  if (mode !== 'none' && isPlainTweet(text)) return lowercase ? text.toLowerCase() : text;
  return applyCleanup(text, mode, lowercase);
}
