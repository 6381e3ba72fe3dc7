/**
 * `npm run quality`: cross-validated comparison of clustering settings (settings.ts), the Spark reference
 * recipe and the scikit-learn peer on the very same folds. Never scores a text a model trained on:
 * known-language texts are split into stratified folds (by language and kind), and the languages outside
 * the 20 are split into groups; fold f tests on known fold f and on language group f, and trains on the
 * other folds (plus, for settings with background centers, the other language groups).
 *
 *   npm run quality -- [--folds 3] [--settings a,b] [--detail default] [--sweep default] [--short default]
 *                      [--unseen-tweets a,b|all] [--unseen-detail NAME] [--bias-sweep NAME] [--collisions]
 *                      [--json FILE] [--no-sklearn] [--per-other 40] [--seed 1]
 *
 * Each fold also scores tweet-like variants (tweet-like.ts) of its web test sentences and of the
 * held-out languages' sentences. --unseen-tweets runs, for the named settings, the unseen-tweets
 * protocol (unseen-tweets.ts): each language's tweets scored by a model trained without them.
 *
 * Prints markdown (the tables of docs/QUALITY.md) on stdout and progress on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../src/config.js';
import { countLetters } from '../../src/features/cleanup.js';
import type { UnknownPolicy } from '../../src/clustering/model.js';
import { Predictor } from '../../src/clustering/predictor.js';
import type { TextRecord } from '../../src/io/records.js';
import { KNOWN_LANGUAGES } from '../udhr.js';
import { languageGroups, loadCorpus, stratifiedFolds } from './data.js';
import { fragment } from './fragment.js';
import { collisions, ngramCounts } from './collisions.js';
import { sklearnAvailable } from './peers.js';
import { rawPredict, runFold, type FoldData, type FoldResult } from './protocol.js';
import { applyPolicy, languageTable, MAIN_KINDS, mainTexts, summarize, TABLE_HEADER, tableRow, type Summary } from './report.js';
import { createRng } from '../../src/linalg/random.js';
import { labelReport, UNKNOWN } from '../metrics.js';
import { tweetLike } from './tweet-like.js';
import { summarizeUnseenTweets, tweetHoldoutFolds, tweetLanguages, unseenTweetDetail, unseenTweetTable, type UnseenTweetSummary } from './unseen-tweets.js';
import { settingsNamed, type Setting } from './settings.js';

function log(msg: string): void {
  process.stderr.write(`[quality] ${msg}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      folds: { type: 'string', default: '3' },
      settings: { type: 'string', default: '' },
      detail: { type: 'string', default: 'default' },
      sweep: { type: 'string', default: '' },
      short: { type: 'string', default: '' },
      'bias-sweep': { type: 'string', default: '' },
      'unseen-tweets': { type: 'string', default: '' },
      'unseen-detail': { type: 'string', default: '' },
      collisions: { type: 'boolean', default: false },
      json: { type: 'string' },
      'no-sklearn': { type: 'boolean', default: false },
      'per-other': { type: 'string', default: '40' },
      'per-background': { type: 'string', default: '20' },
      shared: { type: 'string', default: process.env.TWEETLANG_SHARED_DATA ? path.join(process.env.TWEETLANG_SHARED_DATA, 'train.jsonl') : path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'train.jsonl') },
      seed: { type: 'string', default: '1' },
    },
  });
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  const perBackground = Number(values['per-background']);
  let settings = settingsNamed(values.settings ? values.settings.split(',') : []);
  if (values['no-sklearn'] || !sklearnAvailable()) {
    if (!values['no-sklearn']) log('scikit-learn not available: peer settings skipped');
    settings = settings.filter((s) => s.peer !== 'sklearn');
  }
  const corpus = await loadCorpus({ sharedTrain: values.shared, perOtherLanguage: Number(values['per-other']), seed });
  if (!corpus.known.some((r) => r.kind === 'tweet' || r.kind === 'web')) log(`no shared data at ${values.shared}: scoring on udhr sentences only`);
  const foldOf = stratifiedFolds(corpus.known, folds, seed);
  const groups = languageGroups([...corpus.others.keys()], folds, seed);
  const foldData: FoldData[] = Array.from({ length: folds }, (_, f) => {
    const likeRng = createRng((seed * 7919 + f) >>> 0);
    const heldOut: TextRecord[] = [];
    for (const lang of groups[f]) {
      for (const r of corpus.others.get(lang)!) {
        heldOut.push(r);
        const frag = fragment(r.text);
        if (frag !== r.text) heldOut.push({ ...r, text: frag, kind: 'fragment' });
      }
    }
    for (const r of heldOut.filter((x) => x.kind === 'udhr')) heldOut.push({ ...r, text: tweetLike(r.text, likeRng), kind: 'tweetlike' });
    const test = corpus.known.filter((_, i) => foldOf[i] === f);
    for (const r of test.filter((x) => x.kind === 'web')) test.push({ ...r, text: tweetLike(r.text, likeRng), kind: 'tweetlike' });
    return {
      fold: f,
      train: corpus.known.filter((_, i) => foldOf[i] !== f),
      test,
      background: groups.filter((_, g) => g !== f).flatMap((g) => g.flatMap((l) => corpus.others.get(l)!.slice(0, perBackground))),
      heldOut,
      languages: [...KNOWN_LANGUAGES],
    };
  });
  log(`data: ${corpus.sources.join('; ')}; ${corpus.others.size} other languages; ${folds} folds`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-quality-'));
  const results = new Map<string, FoldResult[]>();
  const summaries: Summary[] = [];
  const unseenTweets: UnseenTweetSummary[] = [];
  const tweetResults = new Map<string, FoldResult[]>();
  try {
    for (const s of settings) {
      const rs: FoldResult[] = [];
      for (const fd of foldData) {
        const t0 = Date.now();
        rs.push(await runFold(s, fd, tmp));
        log(`${s.name} fold ${fd.fold + 1}/${folds}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      results.set(s.name, rs);
      summaries.push(summarize(s.name, s.note, rs, s.unknown, s.peer === undefined));
    }
    const names = values['unseen-tweets'] === 'all' ? settings.filter((s) => !s.peer).map((s) => s.name) : values['unseen-tweets'].split(',').filter(Boolean);
    if (names.length && tweetLanguages(corpus.known).length === 0) log('no tweets in the data: --unseen-tweets skipped');
    else {
      const tfolds = tweetHoldoutFolds(corpus, groups, perBackground, [...KNOWN_LANGUAGES]);
      for (const s of settingsNamed(names)) {
        const rs: FoldResult[] = [];
        for (const fd of tfolds) {
          const t0 = Date.now();
          rs.push(await runFold(s, fd, tmp));
          log(`${s.name} unseen tweets of ${fd.test[0].lang}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
        unseenTweets.push(summarizeUnseenTweets(s.name, rs, s.unknown, results.get(s.name)));
        tweetResults.set(s.name, rs);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const out: string[] = [];
  const main0 = foldData.reduce((n, f) => n + mainTexts({ ...emptyKinds(f.test) }).truth.length, 0);
  out.push(`Data: ${corpus.sources.join('; ')}; ${corpus.others.size} other udhr languages in ${folds} held-out groups.`);
  out.push(`Scored: ${main0} known-language test texts (tweet+web when present), ${foldData.reduce((n, f) => n + f.heldOut.length, 0)} held-out-language texts (sentences + fragments), ${folds}-fold.`);
  out.push('');
  out.push(...TABLE_HEADER);
  for (const s of summaries) out.push(tableRow(s));
  out.push('');
  out.push('| setting | what changes |', '|---|---|');
  for (const s of settings) out.push(`| ${s.name} | ${s.note} |`);
  const detail = summaries.find((s) => s.name === values.detail);
  if (detail) {
    out.push('', `Per language, setting ${detail.name} (${detail.texts} texts):`, '', languageTable(detail));
    out.push('', `Held-out languages labelled unknown, by kind: ${Object.entries(detail.unseen.byKind).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`).join(', ')} (${detail.unseen.languages} languages, ${detail.unseen.texts} texts)`);
    const st = settings.find((x) => x.name === detail.name);
    const rs = results.get(detail.name);
    if (st && rs) out.push('', `Tweet-like variants of the held-out web sentences, setting ${detail.name}:`, '', ...tweetLikeTable(rs, st.unknown));
  }
  if (unseenTweets.length) {
    out.push('', 'Tweets of a language never seen as tweets (each language\'s tweets scored by a model trained without them; accuracy per language):', '', ...unseenTweetTable(unseenTweets));
    const ud = unseenTweets.find((u) => u.name === (values['unseen-detail'] || values.detail)) ?? unseenTweets[unseenTweets.length - 1];
    out.push('', `Per language, setting ${ud.name}:`, '', ...unseenTweetDetail(ud));
  }
  const sweepName = values.sweep;
  if (sweepName) {
    const s = settings.find((x) => x.name === sweepName);
    const rs = results.get(sweepName);
    if (s && rs) out.push('', ...policySweep(s, rs, tweetResults.get(sweepName)));
  }
  if (values['bias-sweep']) {
    const s = settings.find((x) => x.name === values['bias-sweep']);
    const rs = results.get(values['bias-sweep']);
    if (s && rs) out.push('', ...biasSweep(s, rs, foldData));
  }
  if (values.short) {
    const rs = results.get(values.short);
    const st = settings.find((x) => x.name === values.short);
    if (rs && st) out.push('', ...shortTexts(values.short, rs, st.unknown));
  }
  if (values.collisions) out.push('', ...collisionTable(corpus.known.concat([...corpus.others.values()].flat()).map((r) => r.text)));
  process.stdout.write(out.join('\n') + '\n');
  if (values.json) writeFileSync(values.json, JSON.stringify({ settings: settings.map((s) => ({ ...s })), summaries }, null, 1));
}

/** Per-language accuracy on the tweet-like variants of web sentences (kind tweetlike), pooled over folds. */
function tweetLikeTable(rs: FoldResult[], policy: UnknownPolicy): string[] {
  const truth: string[] = [];
  const predicted: Array<string | null> = [];
  for (const r of rs) {
    const labels = applyPolicy(r.known, policy);
    r.known.kind.forEach((k, i) => {
      if (k !== 'tweetlike') return;
      truth.push(r.known.truth[i]);
      predicted.push(labels[i]);
    });
  }
  const lr = labelReport(predicted, truth);
  const langs = Object.keys(lr.perLabel).filter((l) => lr.perLabel[l].support > 0);
  return [
    `| | all | ${langs.join(' | ')} |`,
    `|---|---|${langs.map(() => '---|').join('')}`,
    `| recall | ${lr.accuracy.toFixed(3)} | ${langs.map((l) => lr.perLabel[l].recall.toFixed(3)).join(' | ')} |`,
    `| precision | | ${langs.map((l) => lr.perLabel[l].precision.toFixed(3)).join(' | ')} |`,
    `| unknown | ${(100 * lr.unknownRate).toFixed(1)}% | ${langs.map((l) => `${((100 * (lr.confusion[l]?.[UNKNOWN] ?? 0)) / lr.perLabel[l].support).toFixed(1)}%`).join(' | ')} |`,
  ];
}

function emptyKinds(test: TextRecord[]) {
  return {
    truth: test.map((r) => r.lang ?? ''),
    kind: test.map((r) => r.kind ?? ''),
    cluster: new Int32Array(test.length),
    label: test.map(() => null),
    distance: new Float64Array(test.length),
    margin: new Float64Array(test.length),
    letters: new Int32Array(test.length),
  };
}

function collisionTable(texts: string[]): string[] {
  const out = [
    `Hash collisions over all ${texts.length} texts (clean-up, lowercase):`,
    '',
    '| n-grams | distinct | numFeatures | buckets used | n-grams sharing a bucket | n-gram mass in a bucket\'s minority terms |',
    '|---|---|---|---|---|---|',
  ];
  for (const ngrams of [[2], [1, 2, 3]]) {
    const counts = ngramCounts(texts, { ngrams, cleanup: 'tweet', lowercase: true });
    for (const bits of [10, 12, 13, 14, 16, 18]) {
      const c = collisions(counts, 1 << bits);
      out.push(`| ${ngrams.join(',')} | ${c.terms} | ${1 << bits} | ${c.bucketsUsed} | ${(100 * c.termsCollided).toFixed(1)}% | ${(100 * c.massMixed).toFixed(1)}% |`);
    }
  }
  return out;
}

/** The bias against unlabelled (unknown-language) centers: predictions are redone for each value. */
function biasSweep(s: Setting, rs: FoldResult[], folds: FoldData[]): string[] {
  const out = [
    `Bias against unknown-language centers, setting ${s.name} (rest of the policy as set):`,
    '',
    '| unlabelledBias | accuracy | tweet | web | min precision | known→unknown | unseen→unknown | unseen sentences | unseen fragments |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const bias of [0, 0.01, 0.02, 0.03, 0.05, 0.08]) {
    const redone = rs.map((r, f) => ({ ...r, known: rawPredict(r.model!, folds[f].test, bias), others: rawPredict(r.model!, folds[f].heldOut, bias) }));
    const sm = summarize(s.name, '', redone, { ...s.unknown, unlabelledBias: bias });
    const pc = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
    const kind = (k: string) => (sm.byKind[k] ? sm.byKind[k].accuracy.toFixed(3) : '-');
    out.push(`| ${bias} | ${sm.accuracy.toFixed(3)} | ${kind('tweet')} | ${kind('web')} | ${sm.minPrecision.precision.toFixed(3)} ${sm.minPrecision.lang} | ${pc(sm.knownUnknown)} | ${pc(sm.unseen.unknownRate ?? undefined)} | ${pc(sm.unseen.byKind.udhr)} | ${pc(sm.unseen.byKind.fragment)} |`);
  }
  return out;
}

/** One parameter of the unknown policy at a time around the setting's own policy. */
function policySweep(s: Setting, rs: FoldResult[], tweets?: FoldResult[]): string[] {
  const base = s.unknown;
  const rows: Array<[string, UnknownPolicy]> = [['(setting)', base]];
  for (const m of [0, 2, 3, 4, 5, 6, 8]) rows.push([`minLetters ${m}`, { ...base, minLetters: m }]);
  for (const d of [0.7, 0.75, 0.8, 0.85, 0.9]) rows.push([`maxDistance ${d}`, { ...base, maxDistance: d }]);
  for (const g of [0.005, 0.01, 0.02, 0.03, 0.05]) rows.push([`minMargin ${g}`, { ...base, minMargin: g }]);
  for (const [d, g] of [[0.9, 0.005], [0.9, 0.01], [0.85, 0.005], [0.85, 0.01]]) rows.push([`maxDistance ${d} + minMargin ${g}`, { ...base, maxDistance: d, minMargin: g }]);
  const out = [
    `Unknown policy sweep, setting ${s.name} (one change at a time from ${JSON.stringify(base)}):`,
    '',
    `| policy | accuracy | min precision | known→unknown | unseen→unknown | unseen sentences | unseen fragments | unseen tweet-like |${tweets ? ' unseen-as-tweets mean | its min precision |' : ''}`,
    `|---|---|---|---|---|---|---|---|${tweets ? '---|---|' : ''}`,
  ];
  for (const [name, p] of rows) {
    const sm = summarize(s.name, '', rs, p);
    const pc = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
    let extra = '';
    if (tweets) {
      const u = summarizeUnseenTweets(s.name, tweets, p, rs);
      extra = ` ${u.meanAccuracy.toFixed(3)} | ${u.minPrecision ? `${u.minPrecision.precision.toFixed(3)} ${u.minPrecision.lang}` : '-'} |`;
    }
    out.push(
      `| ${name} | ${sm.accuracy.toFixed(3)} | ${sm.minPrecision.precision.toFixed(3)} ${sm.minPrecision.lang} | ${pc(sm.knownUnknown)} | ${pc(sm.unseen.unknownRate ?? undefined)} | ${pc(sm.unseen.byKind.udhr)} | ${pc(sm.unseen.byKind.fragment)} | ${pc(sm.unseen.byKind.tweetlike)} |${extra}`,
    );
  }
  return out;
}

/**
 * Short texts: prefixes of the test texts with exactly L letters. Accuracy with the policy off, then under
 * the setting's policy the share labelled at all and the precision of those labels.
 */
function shortTexts(name: string, rs: FoldResult[], policy: UnknownPolicy): string[] {
  const lengths = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30];
  const z = () => new Array<number>(lengths.length).fill(0);
  const [correct, total, labelled, labelledCorrect] = [z(), z(), z(), z()];
  for (const r of rs) {
    if (!r.model) continue;
    const open = new Predictor({ ...r.model, unknown: { minLetters: 0, maxDistance: null, minMargin: null } });
    const shipped = new Predictor({ ...r.model, unknown: policy });
    const hasMain = r.known.kind.some((k) => MAIN_KINDS.has(k));
    r.testTexts.forEach((text, i) => {
      if (hasMain && !MAIN_KINDS.has(r.known.kind[i])) return;
      const prepared = open.featurizer.prepare(text);
      lengths.forEach((L, j) => {
        const prefix = letterPrefix(prepared, L);
        if (prefix === null) return;
        total[j]++;
        if (open.predict(prefix).label === r.known.truth[i]) correct[j]++;
        const l = shipped.predict(prefix).label;
        if (l !== null) {
          labelled[j]++;
          if (l === r.known.truth[i]) labelledCorrect[j]++;
        }
      });
    });
  }
  const out = [
    `Text prefixes with exactly L letters, setting ${name}: accuracy without unknown policy; with policy ${JSON.stringify(policy)} the share labelled and the precision of those labels:`,
    '',
    '| letters | texts | accuracy (no policy) | labelled (policy) | precision (policy) |',
    '|---|---|---|---|---|',
  ];
  const r3 = (a: number, b: number) => (b ? (a / b).toFixed(3) : '-');
  lengths.forEach((L, j) => out.push(`| ${L} | ${total[j]} | ${r3(correct[j], total[j])} | ${r3(labelled[j], total[j])} | ${r3(labelledCorrect[j], labelled[j])} |`));
  return out;
}

/** The shortest prefix of `text` holding exactly `letters` letters, or null when it has fewer. */
export function letterPrefix(text: string, letters: number): string | null {
  let end = 0;
  for (const ch of text) {
    end += ch.length;
    if (countLetters(text.slice(0, end)) >= letters) return text.slice(0, end);
  }
  return null;
}

main().catch((err) => {
  process.stderr.write(`quality: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
