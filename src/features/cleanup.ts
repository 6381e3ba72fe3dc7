/**
 * Tweet clean-up: removes what carries no language (URLs, @mentions and `@USER` placeholders, RT markers,
 * emoji and symbols, the `#` of hashtags, HTML entities) and collapses whitespace. Pure functions.
 *
 * Modes: `tweet` keeps the words of hashtags (`#FelizDomingo` -> `FelizDomingo`); `tweet-nohashtags`
 * drops hashtags whole. Hashtags name shows, brands and topics, often in English or as run-together
 * words, whatever the language of the tweet: dropping them raises the precision of every language's feed
 * (docs/QUALITY.md, row `default-hashtags`). A model keeps the mode it was trained with.
 */

export type CleanupMode = 'none' | 'tweet' | 'tweet-nohashtags';
export const CLEANUP_MODES: readonly CleanupMode[] = ['none', 'tweet', 'tweet-nohashtags'];

const ENTITY = /&(amp|lt|gt|quot|apos|nbsp|#\d{1,7}|#x[0-9a-f]{1,6});/gi;
const ENTITY_MAP: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntity(whole: string, e: string): string {
  if (e[0] !== '#') return ENTITY_MAP[e.toLowerCase()] ?? whole;
  const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
  return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : ' ';
}
// URLs, including the truncated bare "http" / "https…" that clipped tweets end with.
const URL = /(?:https?:\/\/|www\.)\S*|(?<![\p{L}\p{N}])https?(?![\p{L}\p{N}])[:/…]*/giu;
// @mentions and the @USER / @user placeholders of anonymised corpora.
const MENTION = /@[\p{L}\p{N}_]+/gu;
// Retweet markers: "RT", "RT:", standing alone.
const RT = /(?<![\p{L}\p{N}])RT(?![\p{L}\p{N}])\s*:?/gu;
const HASH = /#(?=[\p{L}\p{N}_])/gu;
// A whole hashtag: '#' and the letters, marks, digits and '_' that follow.
const HASHTAG = /#[\p{L}\p{M}\p{N}_]+/gu;
// Emoji, pictographs, other symbols, joiners and variation selectors, control characters.
const SYMBOLS = /[\p{Extended_Pictographic}\p{So}\p{Sk}\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{1F3FB}-\u{1F3FF}\u20E3]+/gu;
const SPACES = /\s+/gu;

/**
 * The rules of tweet clean-up after entity decoding, applied in this order, each to the whole output of
 * the one before; then the text is trimmed. This list (and TWEET_NOHASHTAG_RULES, the same list but for
 * the hash rule) is the one place the rules live: the exact fast paths (cleanup-fast.ts, and the
 * WebAssembly clean-up scanner, cleanup-scan.ts) check it at load time and stand aside when it is not the
 * list they were written for.
 */
export const TWEET_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [URL, ' '],
  [MENTION, ' '],
  [RT, ' '],
  [HASH, ''],
  [SYMBOLS, ' '],
  [SPACES, ' '],
];

/**
 * Mode `tweet-nohashtags`: TWEET_RULES with the `#`-only rule replaced, at its index, by one that drops the
 * whole hashtag. The WebAssembly clean-up scanner emulates both lists (scannerFitsRules in char-tables.ts).
 */
export const TWEET_NOHASHTAG_RULES: ReadonlyArray<readonly [RegExp, string]> = TWEET_RULES.map(([re, rep]) =>
  re === HASH ? ([HASHTAG, ' '] as const) : ([re, rep] as const),
);

/** The rule list of a tweet clean-up mode: hashtags dropped whole, or only their `#`. */
export function tweetRules(dropHashtags: boolean): ReadonlyArray<readonly [RegExp, string]> {
  return dropHashtags ? TWEET_NOHASHTAG_RULES : TWEET_RULES;
}

/** Tweet clean-up; `dropHashtags` removes hashtags whole (mode `tweet-nohashtags`) instead of their `#` only. */
export function cleanTweet(text: string, dropHashtags = false): string {
  let t = text;
  if (t.indexOf('&') >= 0) t = t.replace(ENTITY, decodeEntity);
  for (const [re, replacement] of tweetRules(dropHashtags)) t = t.replace(re, replacement);
  return t.trim();
}

export function applyCleanup(text: string, mode: CleanupMode, lowercase: boolean): string {
  let t = mode === 'none' ? text : cleanTweet(text, mode === 'tweet-nohashtags');
  if (lowercase) t = t.toLowerCase();
  return t;
}

/** What countLetters counts: a BMP code unit that is a letter or a combining mark (marks belong to words)... */
export const LETTER_BMP = /[\p{L}\p{M}]/u;
/** ...and a supplementary code point that is a letter. */
export const LETTER_ASTRAL = /\p{L}/u;

// isLetter for every BMP code unit, built once.
const LETTER = (() => {
  const table = new Uint8Array(0x10000);
  const re = LETTER_BMP;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (re.test(String.fromCharCode(c))) table[c] = 1;
  }
  return table;
})();

/** Number of letters in `text`; astral code points count as letters when they are \p{L}. Stops counting at `limit`. */
export function countLetters(text: string, limit = Infinity): number {
  let n = 0;
  for (let i = 0; i < text.length && n < limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const cp = text.codePointAt(i)!;
      if (LETTER_ASTRAL.test(String.fromCodePoint(cp))) n++;
      i++;
    } else n += LETTER[c];
  }
  return n;
}
