/**
 * "Tweets of a language never seen as tweets": the situation of 13 of the 20 languages, whose only
 * training texts are web and udhr sentences. Simulated with the 7 languages that have tweets: for each
 * of them, L, a model trains on everything known except L's tweets (web and udhr sentences of all 20
 * languages, tweets of the other 6) plus the background languages, and scores L's tweets. No scored
 * tweet was trained on; every scored tweet comes from a model that saw no tweet of its language.
 *
 * Precision needs the whole feed: a Portuguese tweet labelled spa lowers Spanish precision. The pooled
 * figure mixes these tweet predictions with the 3-fold predictions of the web sentences of the same
 * setting (held out there), as a feed of tweets and web sentences in which no language's tweets were
 * ever trained on.
 */
import type { UnknownPolicy } from '../../src/clustering/model.js';
import type { TextRecord } from '../../src/io/records.js';
import { labelReport } from '../metrics.js';
import type { Corpus } from './data.js';
import type { FoldData, FoldResult, RawPredictions } from './protocol.js';
import { applyPolicy } from './report.js';
import { unknownReason } from '../../src/clustering/predictor.js';

/** The languages that have tweets in the corpus, sorted. */
export function tweetLanguages(known: readonly TextRecord[]): string[] {
  return [...new Set(known.filter((r) => r.kind === 'tweet').map((r) => r.lang!))].sort();
}

/**
 * One fold per tweet language L: train on every known text but L's tweets, test on L's tweets. The
 * background rotates over the language groups (group i mod n is left out of fold i's background).
 */
export function tweetHoldoutFolds(corpus: Corpus, groups: string[][], perBackground: number, languages: string[]): FoldData[] {
  return tweetLanguages(corpus.known).map((lang, i) => {
    const g = i % groups.length;
    const isHeld = (r: TextRecord) => r.kind === 'tweet' && r.lang === lang;
    return {
      fold: i,
      train: corpus.known.filter((r) => !isHeld(r)),
      test: corpus.known.filter(isHeld),
      background: groups.filter((_, j) => j !== g).flatMap((gr) => gr.flatMap((l) => corpus.others.get(l)!.slice(0, perBackground))),
      heldOut: [],
      languages,
    };
  });
}

export interface UnseenTweetLanguage {
  lang: string;
  tweets: number;
  accuracy: number;
  /** Labelled null, by reason. */
  unknown: number;
  reasons: Record<string, number>;
  /** Other languages these tweets were labelled with, most frequent first. */
  mistakes: Array<[string, number]>;
}

export interface UnseenTweetSummary {
  name: string;
  perLanguage: UnseenTweetLanguage[];
  /** Mean of the per-language accuracies. */
  meanAccuracy: number;
  /** Over all held-out tweets. */
  pooledAccuracy: number;
  /** Lowest per-language precision over held-out tweets + 3-fold web sentences (when given). */
  minPrecision: { lang: string; precision: number } | null;
}

function reasons(p: RawPredictions, policy: Readonly<UnknownPolicy>): Array<string | null> {
  return p.label.map((l, i) => (p.cluster[i] < 0 ? 'no-features' : unknownReason(l, p.letters[i], p.distance[i], p.margin[i], policy)));
}

/** Per-language figures of the tweet hold-out runs; `web` adds the 3-fold web predictions for precision. */
export function summarizeUnseenTweets(name: string, folds: readonly FoldResult[], policy: Readonly<UnknownPolicy>, web?: readonly FoldResult[]): UnseenTweetSummary {
  const perLanguage: UnseenTweetLanguage[] = [];
  const truth: string[] = [];
  const predicted: Array<string | null> = [];
  let correct = 0;
  for (const f of folds) {
    const labels = applyPolicy(f.known, policy);
    const why = reasons(f.known, policy);
    const lang = f.known.truth[0];
    const rs: Record<string, number> = {};
    const wrong: Record<string, number> = {};
    let ok = 0;
    labels.forEach((l, i) => {
      if (l === lang) ok++;
      else if (l === null) rs[why[i] ?? 'unlabelled'] = (rs[why[i] ?? 'unlabelled'] ?? 0) + 1;
      else wrong[l] = (wrong[l] ?? 0) + 1;
    });
    const n = labels.length;
    correct += ok;
    truth.push(...f.known.truth);
    predicted.push(...labels);
    perLanguage.push({
      lang,
      tweets: n,
      accuracy: n ? ok / n : 0,
      unknown: n ? labels.filter((l) => l === null).length / n : 0,
      reasons: rs,
      mistakes: Object.entries(wrong).sort((a, b) => b[1] - a[1]),
    });
  }
  let minPrecision: UnseenTweetSummary['minPrecision'] = null;
  if (web) {
    for (const f of web) {
      const labels = applyPolicy(f.known, policy);
      f.known.kind.forEach((k, i) => {
        if (k !== 'web') return;
        truth.push(f.known.truth[i]);
        predicted.push(labels[i]);
      });
    }
    const lr = labelReport(predicted, truth);
    minPrecision = { lang: '-', precision: 1 };
    for (const [lang, s] of Object.entries(lr.perLabel)) if (s.support > 0 && s.precision < minPrecision.precision) minPrecision = { lang, precision: s.precision };
  }
  const total = perLanguage.reduce((s, l) => s + l.tweets, 0);
  return {
    name,
    perLanguage,
    meanAccuracy: perLanguage.length ? perLanguage.reduce((s, l) => s + l.accuracy, 0) / perLanguage.length : 0,
    pooledAccuracy: total ? correct / total : 0,
    minPrecision,
  };
}

const f3 = (x: number): string => x.toFixed(3);

/** One row per setting: mean, each language, pooled precision. */
export function unseenTweetTable(rows: readonly UnseenTweetSummary[]): string[] {
  if (rows.length === 0) return [];
  const langs = rows[0].perLanguage.map((l) => l.lang);
  return [
    `| setting | mean | ${langs.join(' | ')} | labelled unknown | min precision (with 3-fold web) |`,
    `|---|---|${langs.map(() => '---|').join('')}---|---|`,
    ...rows.map((r) => {
      const unk = r.perLanguage.reduce((s, l) => s + l.unknown * l.tweets, 0) / Math.max(1, r.perLanguage.reduce((s, l) => s + l.tweets, 0));
      const mp = r.minPrecision ? `${f3(r.minPrecision.precision)} ${r.minPrecision.lang}` : '-';
      return `| ${r.name} | ${f3(r.meanAccuracy)} | ${r.perLanguage.map((l) => f3(l.accuracy)).join(' | ')} | ${(100 * unk).toFixed(1)}% | ${mp} |`;
    }),
  ];
}

/** Per language for one setting: accuracy, unknown by reason, what the tweets were taken for. */
export function unseenTweetDetail(r: UnseenTweetSummary): string[] {
  return [
    '| lang | tweets | accuracy | unknown | unknown because | mistaken for |',
    '|---|---|---|---|---|---|',
    ...r.perLanguage.map((l) => {
      const why = Object.entries(l.reasons).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
      const wrong = l.mistakes.slice(0, 4).map(([k, n]) => `${k} ${n}`).join(', ');
      return `| ${l.lang} | ${l.tweets} | ${f3(l.accuracy)} | ${(100 * l.unknown).toFixed(1)}% | ${why} | ${wrong} |`;
    }),
  ];
}
