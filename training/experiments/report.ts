/**
 * Scores of a setting over its folds, under an unknown policy: clustering quality (NMI, ARI, purity of
 * the clusters, averaged over folds), label quality pooled over folds (accuracy, per-language precision
 * and recall, by kind), the share of held-out-language texts labelled unknown, and speed. The policy is
 * applied with the predictor's own rule (`unknownReason`), so a sweep here is what the model would do.
 */
import type { UnknownPolicy } from '../../src/clustering/model.js';
import { unknownReason } from '../../src/clustering/predictor.js';
import { ari, labelReport, nmi, purity, type ClusteringScores } from '../metrics.js';
import type { FoldResult, RawPredictions } from './protocol.js';

/** One setting's cross-validated figures; `texts` counts the main kinds (tweet and web when present). */
export interface Summary extends ClusteringScores {
  name: string;
  note: string;
  k: number;
  folds: number;
  /** Share of known-language texts labelled unknown. */
  knownUnknown: number;
  byKind: Record<string, { texts: number; accuracy: number }>;
  minPrecision: { lang: string; precision: number };
  /**
   * Held-out languages: share of their sentences and fragments labelled unknown (null when the setting
   * cannot say unknown, e.g. peers); byKind adds their tweet-like variants.
   */
  unseen: { texts: number; languages: number; unknownRate: number | null; byKind: Record<string, number> };
  trainSeconds: number;
  predictPerSecond: number;
}

export const MAIN_KINDS = new Set(['tweet', 'web']);
/** Kinds of held-out-language texts in the headline unknown rate (tweet-like variants are reported apart). */
export const UNSEEN_MAIN_KINDS = new Set(['udhr', 'fragment']);

export function applyPolicy(p: RawPredictions, policy: Readonly<UnknownPolicy>): Array<string | null> {
  return p.label.map((l, i) => (p.cluster[i] < 0 || unknownReason(l, p.letters[i], p.distance[i], p.margin[i], policy) ? null : l));
}

function select(p: RawPredictions, keep: (i: number) => boolean): RawPredictions {
  const idx: number[] = [];
  for (let i = 0; i < p.truth.length; i++) if (keep(i)) idx.push(i);
  return {
    truth: idx.map((i) => p.truth[i]),
    kind: idx.map((i) => p.kind[i]),
    cluster: Int32Array.from(idx, (i) => p.cluster[i]),
    label: idx.map((i) => p.label[i]),
    distance: Float64Array.from(idx, (i) => p.distance[i]),
    margin: Float64Array.from(idx, (i) => p.margin[i]),
    letters: Int32Array.from(idx, (i) => p.letters[i]),
  };
}

/** The texts the headline figures use: tweets and web sentences when the fold has any, else everything. */
export function mainTexts(p: RawPredictions): RawPredictions {
  const hasMain = p.kind.some((k) => MAIN_KINDS.has(k));
  return hasMain ? select(p, (i) => MAIN_KINDS.has(p.kind[i])) : p;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function summarize(name: string, note: string, folds: readonly FoldResult[], policy: Readonly<UnknownPolicy>, canSayUnknown = true): Summary {
  const nmis: number[] = [];
  const nmiLabels: number[] = [];
  const aris: number[] = [];
  const purities: number[] = [];
  const truth: string[] = [];
  const predicted: Array<string | null> = [];
  const kinds: Record<string, { texts: number; correct: number }> = {};
  const unseenKinds: Record<string, { n: number; unknown: number }> = {};
  let unseenN = 0;
  let unseenUnknown = 0;
  const unseenLangs = new Set<string>();
  for (const f of folds) {
    const all = f.known;
    const allLabels = applyPolicy(all, policy);
    all.truth.forEach((t, i) => {
      const kk = (kinds[all.kind[i]] ??= { texts: 0, correct: 0 });
      kk.texts++;
      if (allLabels[i] === t) kk.correct++;
    });
    const m = mainTexts(all);
    const labels = applyPolicy(m, policy);
    const clusters = Array.from(m.cluster);
    nmis.push(nmi(clusters, m.truth));
    aris.push(ari(clusters, m.truth));
    purities.push(purity(clusters, m.truth));
    nmiLabels.push(nmi(labels.map((l) => l ?? '(unknown)'), m.truth));
    truth.push(...m.truth);
    predicted.push(...labels);
    const o = f.others;
    const ol = applyPolicy(o, policy);
    ol.forEach((l, i) => {
      const uk = (unseenKinds[o.kind[i]] ??= { n: 0, unknown: 0 });
      uk.n++;
      if (l === null) uk.unknown++;
      if (!UNSEEN_MAIN_KINDS.has(o.kind[i])) return;
      unseenN++;
      unseenLangs.add(o.truth[i]);
      if (l === null) unseenUnknown++;
    });
  }
  const lr = labelReport(predicted, truth);
  let minPrecision = { lang: '-', precision: 1 };
  for (const [lang, s] of Object.entries(lr.perLabel)) if (s.support > 0 && s.precision < minPrecision.precision) minPrecision = { lang, precision: s.precision };
  return {
    name,
    note,
    k: folds[0]?.k ?? 0,
    folds: folds.length,
    texts: truth.length,
    nmi: mean(nmis),
    nmiLabels: mean(nmiLabels),
    ari: mean(aris),
    purity: mean(purities),
    accuracy: lr.accuracy,
    knownUnknown: lr.unknownRate,
    byKind: Object.fromEntries(Object.entries(kinds).sort().map(([k, v]) => [k, { texts: v.texts, accuracy: v.texts ? v.correct / v.texts : 0 }])),
    perLanguage: lr.perLabel,
    confusion: lr.confusion,
    minPrecision,
    unseen: {
      texts: unseenN,
      languages: unseenLangs.size,
      unknownRate: canSayUnknown && unseenN > 0 ? unseenUnknown / unseenN : null,
      byKind: Object.fromEntries(Object.entries(unseenKinds).sort().map(([k, v]) => [k, v.unknown / v.n])),
    },
    trainSeconds: mean(folds.map((f) => f.trainMs / 1000)),
    predictPerSecond: mean(folds.map((f) => f.predictPerSecond)),
  };
}

const f3 = (x: number): string => x.toFixed(3);
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export const TABLE_HEADER = [
  '| setting | k | NMI | NMI labels | ARI | accuracy | tweet | web | udhr | web tweet-like | min precision | known→unknown | unseen→unknown | unseen tweet-like→unknown | train s | predict texts/s |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

export function tableRow(s: Summary): string {
  const kind = (k: string) => (s.byKind[k] ? f3(s.byKind[k].accuracy) : '-');
  return `| ${s.name} | ${s.k} | ${f3(s.nmi)} | ${f3(s.nmiLabels)} | ${f3(s.ari)} | ${f3(s.accuracy)} | ${kind('tweet')} | ${kind('web')} | ${kind('udhr')} | ${kind('tweetlike')} | ${f3(s.minPrecision.precision)} ${s.minPrecision.lang} | ${pct(s.knownUnknown)} | ${pct(s.unseen.unknownRate)} | ${s.unseen.unknownRate === null || s.unseen.byKind.tweetlike === undefined ? 'n/a' : pct(s.unseen.byKind.tweetlike)} | ${s.trainSeconds.toFixed(1)} | ${Math.round(s.predictPerSecond)} |`;
}

/** Per-language precision and recall, and the languages each one is mistaken for. */
export function languageTable(s: Summary): string {
  const lines = ['| lang | precision | recall | support | mistaken for |', '|---|---|---|---|---|'];
  for (const [lang, p] of Object.entries(s.perLanguage)) {
    if (p.support === 0) continue;
    const row = s.confusion[lang] ?? {};
    const errors = Object.entries(row)
      .filter(([l]) => l !== lang)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([l, n]) => `${l} ${n}`)
      .join(', ');
    lines.push(`| ${lang} | ${f3(p.precision)} | ${f3(p.recall)} | ${p.support} | ${errors} |`);
  }
  return lines.join('\n');
}
