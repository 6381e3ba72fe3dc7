/**
 * Training-time augmentation towards the register of tweets. Most languages have no tweet to train on,
 * only sentences (web, udhr): long, well-formed, accented. Each such sentence also trains as tweet-length
 * pieces (consecutive windows of a few words) and, for Latin-script text, as a copy without accents.
 * Pure and deterministic (no randomness): the same records give the same augmented records, in order.
 * docs/QUALITY.md measures each part.
 */
import { ConfigError } from '../src/errors.js';
import type { TextRecord } from '../src/io/records.js';
import type { AugmentSettings } from '../src/clustering/model.js';

export type { AugmentSettings };

export function validateAugment(a: AugmentSettings): AugmentSettings {
  if (!Number.isInteger(a.fragmentWords) || a.fragmentWords < 0 || a.fragmentWords > 1000) {
    throw new ConfigError('E_BAD_OPTION', `augment.fragmentWords must be an integer in 0..1000 (got ${a.fragmentWords})`);
  }
  if (!Number.isInteger(a.maxFragments) || a.maxFragments < 0) {
    throw new ConfigError('E_BAD_OPTION', `augment.maxFragments must be an integer >= 0 (got ${a.maxFragments})`);
  }
  return a;
}

const SPACE = /\s+/u;
const LATIN_MARKED = /\p{Script=Latin}\p{M}/u;

/** Text without the combining accents of Latin letters (other scripts' marks are parts of letters). */
export function stripLatinAccents(text: string): string {
  const d = text.normalize('NFD');
  return LATIN_MARKED.test(d) ? d.replace(/(\p{Script=Latin})\p{M}+/gu, '$1').normalize('NFC') : text;
}

/** Consecutive pieces of `words` words (or 3 x `words` code points when the text has no space). */
export function pieces(text: string, words: number, max: number): string[] {
  if (words <= 0 || max <= 0) return [];
  const ws = text.trim().split(SPACE).filter(Boolean);
  const out: string[] = [];
  if (ws.length > 1) {
    if (ws.length <= words) return [];
    for (let i = 0; i < ws.length && out.length < max; i += words) {
      // a short tail joins the previous piece rather than standing alone
      const end = ws.length - (i + words) < Math.ceil(words / 2) ? ws.length : i + words;
      out.push(ws.slice(i, end).join(' '));
      if (end === ws.length) break;
    }
    return out;
  }
  const cps = [...text.trim()];
  const n = 3 * words;
  if (cps.length <= n) return [];
  for (let i = 0; i < cps.length && out.length < max; i += n) {
    const end = cps.length - (i + n) < Math.ceil(n / 2) ? cps.length : i + n;
    out.push(cps.slice(i, end).join(''));
    if (end === cps.length) break;
  }
  return out;
}

/**
 * The records followed by their augmented copies (kind `<kind>-piece` / `<kind>-plain`, same lang).
 * `labelled` says which languages are labelled (the others are background).
 */
export function augmentRecords(records: readonly TextRecord[], a: AugmentSettings, labelled: ReadonlySet<string>): TextRecord[] {
  validateAugment(a);
  const kinds = new Set(a.kinds);
  const out: TextRecord[] = [...records];
  for (const r of records) {
    if (!r.lang || !kinds.has(r.kind ?? '')) continue;
    if (!a.background && !labelled.has(r.lang)) continue;
    for (const p of pieces(r.text, a.fragmentWords, a.maxFragments)) out.push({ ...r, text: p, kind: `${r.kind}-piece` });
    if (a.stripAccents) {
      const plain = stripLatinAccents(r.text);
      if (plain !== r.text) out.push({ ...r, text: plain, kind: `${r.kind}-plain` });
    }
  }
  return out;
}
