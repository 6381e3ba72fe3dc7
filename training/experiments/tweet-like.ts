/**
 * Tweet-like texts made from sentences, to score models on the register of tweets in languages for which
 * no tweet is at hand (13 of the 20, and every language outside them). Deterministic: the same text and
 * seed give the same result. Scoring only: training-time augmentation (training/augment.ts) is a
 * separate, smaller set of transforms, so these texts do not just repeat what a model was trained on.
 *
 * What it does to a sentence, each with some probability: keeps a short window of it (3-12 words, or
 * 8-40 characters of unspaced scripts), drops punctuation, drops the accents of Latin letters,
 * stretches a word ("looove"), repeats a laugh, and decorates the text with what tweets carry
 * (@user, a hashtag, emoji, a link). Lowercasing is left out: the default features lowercase anyway.
 */
import { createRng, type Rng } from '../../src/linalg/random.js';
import { stripLatinAccents } from '../augment.js';
import { UNSPACED, pick } from '../sample-stream.js';

const EMOJI = ['😂', '❤️', '😍', '🙏', '🔥', '👍', '😭', '✨', '😊', '🤔'];
const LAUGHS = ['haha', 'jaja', 'kkkk', 'ahah', 'hihi'];
const PUNCT = /[\p{P}]+/gu;

/** A window of the text: `min`..`max` words, or code points for unspaced scripts. */
function window(text: string, rng: Rng, minWords: number, maxWords: number): string {
  if (UNSPACED.test(text)) {
    const cps = [...text];
    const n = Math.min(cps.length, 8 + rng.int(33));
    const start = rng.int(cps.length - n + 1);
    return cps.slice(start, start + n).join('');
  }
  const words = text.split(/\s+/u).filter(Boolean);
  const n = Math.min(words.length, minWords + rng.int(maxWords - minWords + 1));
  const start = rng.int(words.length - n + 1);
  return words.slice(start, start + n).join(' ');
}

function stretch(text: string, rng: Rng): string {
  const words = text.split(' ');
  const i = rng.int(words.length);
  const w = words[i];
  const cps = [...w];
  const letters = cps.map((c, j) => (/\p{L}/u.test(c) ? j : -1)).filter((j) => j >= 0);
  if (letters.length === 0) return text;
  const j = letters[letters.length - 1];
  cps[j] = cps[j].repeat(3 + rng.int(4));
  words[i] = cps.join('');
  return words.join(' ');
}

/** One tweet-like variant of `text`. */
export function tweetLike(text: string, rng: Rng): string {
  let t = window(text, rng, 3, 12);
  if (rng.next() < 0.5) t = t.replace(PUNCT, ' ').replace(/\s+/gu, ' ').trim();
  if (rng.next() < 0.3) t = stripLatinAccents(t);
  if (rng.next() < 0.2) t = stretch(t, rng);
  if (rng.next() < 0.1) t = `${t} ${pick(rng, LAUGHS)}${pick(rng, LAUGHS)}`;
  if (rng.next() < 0.3) t = `@user ${t}`;
  if (rng.next() < 0.2) {
    const words = t.split(' ').filter((w) => /^\p{L}{4,}$/u.test(w));
    if (words.length) t = `${t} #${pick(rng, words)}`;
  }
  if (rng.next() < 0.3) t = `${t} ${pick(rng, EMOJI)}`;
  if (rng.next() < 0.15) t = `${t} https://t.co/${rng.int(1e9).toString(36)}`;
  return t;
}

/** Tweet-like variants of many texts, one each, seeded once for the whole list. */
export function tweetLikeAll(texts: readonly string[], seed: number): string[] {
  const rng = createRng(seed);
  return texts.map((t) => tweetLike(t, rng));
}
