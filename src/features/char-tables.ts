/**
 * Character tables for the WebAssembly clean-up scanner and featurizer (cleanup-scan.ts,
 * ngram-wasm.ts), built at run time from the very regular expressions of cleanup.ts and from this
 * runtime's own `toLowerCase`, so that the tables and the regex path cannot disagree on a class.
 *
 * - `bmpTables(lowercase)`: for every UTF-16 code unit, its lower-case unit (`lower`), the class bits
 *   the scanner tests (`prop`) and the triggers that make a text need more than lower-casing (`kind`).
 * - `astralPage(page, lowercase, out)`: the class bits of the 256 supplementary code points of one page,
 *   filled lazily (on first use) by the kernel, so no table of 1.1M code points is ever built.
 */
import { LETTER_ASTRAL, LETTER_BMP, TWEET_RULES, tweetRules } from './cleanup.js';

/** `prop` bits (per code point): */
export const P_LETTER = 1; // countLetters: a letter or mark in the BMP, a letter (\p{L}) above it
export const P_LN = 2; // [\p{L}\p{N}]: the look-arounds of the URL and RT rules
export const P_WORD = 4; // [\p{L}\p{N}_]: a mention's body, what a removable # precedes
export const P_SYM = 8; // the SYMBOLS class
export const P_SPACE = 16; // \s
export const P_LOWER = 32; // (supplementary only) toLowerCase changes it
export const P_TAG = 64; // [\p{L}\p{M}\p{N}_]: a hashtag's body (mode tweet-nohashtags)

/** `kind` bits (per code unit of the raw text): */
export const K_AMP = 1; // '&': entities (the regex path handles those texts)
export const K_AT = 2; // '@'
export const K_HASH = 4; // '#'
export const K_SYM = 8; // a BMP symbol
export const K_SPACE = 16; // whitespace other than ' ' (also set by the scan for doubled, leading, trailing ' ')
export const K_SURR = 32; // a surrogate: a supplementary code point may be a symbol, or lower-case
export const K_LSPEC = 64; // lower-casing it is not one unit to one unit everywhere (İ, Σ): the regex path
export const K_CHECK = 128; // may start "http", "www." or "RT": the scan looks at the next units

type Spelled = readonly [string, string, string];
// The patterns the scanner emulates, as cleanup.ts spells them (checked by scannerFitsRules): the rules
// of mode `tweet`, and those of `tweet-nohashtags`, which differ in the hash rule only.
const HASH_AT = 3;
const SCANNED: readonly Spelled[] = [
  [String.raw`(?:https?:\/\/|www\.)\S*|(?<![\p{L}\p{N}])https?(?![\p{L}\p{N}])[:/…]*`, 'giu', ' '],
  [String.raw`@[\p{L}\p{N}_]+`, 'gu', ' '],
  [String.raw`(?<![\p{L}\p{N}])RT(?![\p{L}\p{N}])\s*:?`, 'gu', ' '],
  [String.raw`#(?=[\p{L}\p{N}_])`, 'gu', ''],
  [String.raw`[\p{Extended_Pictographic}\p{So}\p{Sk}\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{1F3FB}-\u{1F3FF}\u20E3]+`, 'gu', ' '],
  [String.raw`\s+`, 'gu', ' '],
];
const SCANNED_NOHASHTAGS: readonly Spelled[] = SCANNED.map((r, i) => (i === HASH_AT ? [String.raw`#[\p{L}\p{M}\p{N}_]+`, 'gu', ' '] : r));

/**
 * True when cleanup.ts's rules for the mode (`tweetRules(dropHashtags)`) are exactly the rules the scanner
 * and the plain-text check were written for. When a rule changes there, this turns false and the exact
 * fast clean-up paths stand aside (every text then takes the regex path) until they are brought in step.
 */
export function scannerFitsRules(dropHashtags = false): boolean {
  const rules = tweetRules(dropHashtags);
  const scanned = dropHashtags ? SCANNED_NOHASHTAGS : SCANNED;
  return (
    rules.length === scanned.length &&
    rules.every(([re, rep], i) => re.source === scanned[i][0] && re.flags === scanned[i][1] && rep === scanned[i][2])
  );
}

const SYMBOLS_RE = TWEET_RULES[4][0];
const SPACES_RE = TWEET_RULES[5][0];
const LN_RE = /[\p{L}\p{N}]/u;
const WORD_RE = /[\p{L}\p{N}_]/u;
const TAG_RE = /[\p{L}\p{M}\p{N}_]/u;
const SYM_ONE = new RegExp(`^(?:${SYMBOLS_RE.source})$`, 'u');
const SPACE_ONE = new RegExp(`^(?:${SPACES_RE.source})$`, 'u');

/** Class bits of one code point (a string of one code point), as the regexes say. */
function classOf(s: string, astral: boolean, lowercase: boolean): number {
  let b = 0;
  if (astral ? LETTER_ASTRAL.test(s) : LETTER_BMP.test(s)) b |= P_LETTER;
  if (LN_RE.test(s)) b |= P_LN;
  if (WORD_RE.test(s)) b |= P_WORD;
  if (TAG_RE.test(s)) b |= P_TAG;
  if (SYM_ONE.test(s)) b |= P_SYM;
  if (SPACE_ONE.test(s)) b |= P_SPACE;
  if (astral && lowercase && s.toLowerCase() !== s) b |= P_LOWER;
  return b;
}

/** Code units that a pattern letter matches under the URL rule's `iu` flags (e.g. "s" also matches U+017F). */
export function caseSet(ch: string): number[] {
  const re = new RegExp(`^[${ch.replace(/[\\\]^-]/g, '\\$&')}]$`, 'iu');
  const out: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (!(c >= 0xd800 && c <= 0xdfff) && re.test(String.fromCharCode(c))) out.push(c);
  return out;
}

export interface BmpTables {
  lower: Uint16Array;
  prop: Uint8Array;
  kind: Uint8Array;
}

const cache = new Map<boolean, BmpTables>();

/** Is the lower-casing of `s` (one code unit) the same unit wherever it stands? */
function contextFreeLower(s: string): string | null {
  const l = s.toLowerCase();
  if (l.length !== 1) return null;
  for (const [a, b] of [['A', 'b'], ['a', ''], ['', 'B'], [' ', ' '], ['AB', ''], ['', '']]) {
    if ((a + s + b).toLowerCase() !== a.toLowerCase() + l + b.toLowerCase()) return null;
  }
  return l;
}

/** The BMP tables (built once per process for each `lowercase`). */
export function bmpTables(lowercase: boolean): BmpTables {
  let t = cache.get(lowercase);
  if (t) return t;
  const lower = new Uint16Array(0x10000);
  const prop = new Uint8Array(0x10000);
  const kind = new Uint8Array(0x10000);
  const check = new Set([...caseSet('h'), ...caseSet('w'), 0x52]);
  for (let c = 0; c < 0x10000; c++) {
    lower[c] = c;
    if (c >= 0xd800 && c <= 0xdfff) {
      kind[c] = K_SURR;
      continue;
    }
    const s = String.fromCharCode(c);
    const p = classOf(s, false, lowercase);
    prop[c] = p;
    let k = 0;
    if (c === 0x26) k |= K_AMP;
    if (c === 0x40) k |= K_AT;
    if (c === 0x23) k |= K_HASH;
    if (p & P_SYM) k |= K_SYM;
    if (p & P_SPACE && c !== 0x20) k |= K_SPACE;
    if (check.has(c)) k |= K_CHECK;
    if (lowercase) {
      const l = contextFreeLower(s);
      if (l === null) k |= K_LSPEC;
      else lower[c] = l.charCodeAt(0);
    }
    kind[c] = k;
  }
  t = { lower, prop, kind };
  cache.set(lowercase, t);
  return t;
}

/** Writes the class bits of code points page*256 .. page*256+255 (page >= 256) into `out[0..256)`. */
export function astralPage(page: number, lowercase: boolean, out: Uint8Array): void {
  for (let i = 0; i < 256; i++) out[i] = classOf(String.fromCodePoint(page * 256 + i), true, lowercase);
}
