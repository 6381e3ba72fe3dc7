/**
 * train(): records -> features -> k-means -> a labelled model. Pure orchestration over the library:
 * reading files and printing progress are the CLI's job.
 */
import { DEFAULT_TRAIN } from '../src/config.js';
import { InputError } from '../src/errors.js';
import { DocFreq, Featurizer } from '../src/features/featurizer.js';
import { slidingWindows, termIndex } from '../src/features/hashing-tf.js';
import type { FeatureSettings } from '../src/features/settings.js';
import { csrFromRows, type CsrMatrix, type SparseVector } from '../src/linalg/sparse.js';
import { kmeans, resolveKMeansOptions, type KMeansOptions, type KMeansProgress, type KMeansResult } from '../src/clustering/kmeans.js';
import { assignToCenters } from '../src/clustering/assign.js';
import { normalizeRow, type Distance } from '../src/clustering/distance.js';
import { csrNormalizeRows, csrRowsAreUnit } from '../src/linalg/sparse.js';
import { labelledSeeds } from './seeding.js';
import { augmentRecords, type AugmentSettings } from './augment.js';
import { featureWeights, type WeightingSettings } from './weighting.js';
import type { ClusterModel, SeedingSettings, UnknownPolicy } from '../src/clustering/model.js';
import type { TextRecord } from '../src/io/records.js';
import { backendInfo, initBackend } from '../src/linalg/backend.js';

export type SeedingOptions = SeedingSettings;

export interface TrainOptions {
  features: FeatureSettings;
  kmeans: KMeansOptions;
  /**
   * Languages clusters may be labelled with (default: every `lang` in the input). A cluster whose
   * majority language is outside this set gets label null: texts of other languages then teach the
   * model what "unknown" looks like.
   */
  languages?: readonly string[];
  /** Train on tweet-length pieces and unaccented copies of sentences too (training/augment.ts). */
  augment?: AugmentSettings;
  /** Feature weights other than Spark's IDF (training/weighting.ts); needs features.idf. */
  weighting?: WeightingSettings;
  /** Seeded centers: every kind of text of a language (tweet, web, udhr...) weighs the same in its mean. */
  balanceKinds?: boolean;
  /** Start k-means from per-language seeds; `kmeans.k` is then languages x perLanguage + background. */
  seeding?: SeedingOptions;
  labelMinShare?: number;
  unknown?: UnknownPolicy;
  samplesPerCluster?: number;
  idfMinDocFreq?: number;
  /** Skip counts from reading, recorded in the model's training stats. */
  skipped?: Record<string, number>;
  input?: string;
  onProgress?: (e: TrainProgress) => void;
}

export type TrainProgress = { phase: 'featurize'; done: number; total: number } | KMeansProgress;

export interface TrainResult {
  model: ClusterModel;
  /** The records trained on: the input, then its augmented copies (when `augment` is set). */
  records: readonly TextRecord[];
  /** Which of `records` were clustered (those with at least one feature). */
  used: Int32Array;
  assignments: Int32Array;
  kmeans: KMeansResult;
}

/**
 * Majority label per cluster: null when the cluster has no labelled text, when the majority share is
 * under minShare, or when the majority language is not in `allowed`. Ties go to the first language in
 * alphabetical order.
 */
export function majorityLabels(
  assignments: Int32Array,
  langs: ReadonlyArray<string | undefined>,
  k: number,
  minShare = 0,
  allowed?: ReadonlySet<string>,
): { labels: Array<string | null>; languages: Array<Record<string, number>> } {
  const languages: Array<Record<string, number>> = Array.from({ length: k }, () => ({}));
  for (let i = 0; i < assignments.length; i++) {
    const l = langs[i];
    if (!l) continue;
    const c = languages[assignments[i]];
    c[l] = (c[l] ?? 0) + 1;
  }
  const labels = languages.map((counts) => {
    let best: string | null = null;
    let bestN = 0;
    let total = 0;
    for (const [l, n] of Object.entries(counts).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      total += n;
      if (n > bestN) {
        best = l;
        bestN = n;
      }
    }
    if (best !== null && allowed && !allowed.has(best)) return null;
    return best !== null && bestN / total >= minShare ? best : null;
  });
  return { labels, languages };
}

/** Index -> most frequent n-gram seen at training, for the top `perCluster` buckets of each center. */
function representativeTerms(
  texts: readonly string[],
  features: FeatureSettings,
  centers: Float32Array,
  k: number,
  perCluster = 50,
): Record<number, string> {
  const d = features.numFeatures;
  const wanted = new Set<number>();
  for (let j = 0; j < k; j++) {
    const row = centers.subarray(j * d, (j + 1) * d);
    const top = Array.from(row.keys())
      .sort((a, b) => row[b] - row[a])
      .slice(0, perCluster);
    for (const i of top) if (row[i] > 0) wanted.add(i);
  }
  const counts = new Map<number, Map<string, number>>();
  const limit = Math.min(texts.length, 20_000);
  for (let t = 0; t < limit; t++) {
    const s = texts[t];
    for (const n of features.ngrams) {
      for (const [a, b] of slidingWindows(s, n)) {
        const idx = termIndex(s, a, b, d, features.hash);
        if (!wanted.has(idx)) continue;
        let m = counts.get(idx);
        if (!m) counts.set(idx, (m = new Map()));
        const term = s.slice(a, b);
        m.set(term, (m.get(term) ?? 0) + 1);
      }
    }
  }
  const out: Record<number, string> = {};
  for (const [idx, m] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
    let best = '';
    let bestN = -1;
    for (const [term, n] of m) if (n > bestN || (n === bestN && term < best)) [best, bestN] = [term, n];
    out[idx] = best;
  }
  return out;
}

/** Weight of each record so that within a language every kind has the same total weight. */
export function kindBalancedWeights(records: readonly TextRecord[]): Float64Array {
  const n = new Map<string, number>();
  const kinds = new Map<string, Set<string>>();
  for (const r of records) {
    const key = `${r.lang ?? ''}\u0000${r.kind ?? ''}`;
    n.set(key, (n.get(key) ?? 0) + 1);
    let k = kinds.get(r.lang ?? '');
    if (!k) kinds.set(r.lang ?? '', (k = new Set()));
    k.add(r.kind ?? '');
  }
  return Float64Array.from(records, (r) => {
    const lang = r.lang ?? '';
    let total = 0;
    for (const k of kinds.get(lang)!) total += n.get(`${lang}\u0000${k}`)!;
    return total / kinds.get(lang)!.size / n.get(`${lang}\u0000${r.kind ?? ''}`)!;
  });
}

/** A k-means result for fixed centers (constrained seeding: no Lloyd iteration). */
async function seededResult(input: CsrMatrix, seeds: Float32Array, k: number, distance: Distance): Promise<KMeansResult> {
  const d = input.cols;
  const data = distance === 'cosine' && !csrRowsAreUnit(input) ? csrNormalizeRows(input) : input;
  const centers = seeds.slice();
  if (distance === 'cosine') for (let j = 0; j < k; j++) normalizeRow(centers, j, d);
  const a = await assignToCenters(data, centers, k, { distance });
  const counts = new Float64Array(k);
  for (let r = 0; r < data.rows; r++) counts[a.assignments[r]]++;
  return {
    k,
    d,
    distance,
    centers,
    counts,
    assignments: a.assignments,
    cost: a.cost,
    iterations: 0,
    converged: true,
    costHistory: [],
    bestRun: 0,
    runCosts: [a.cost],
  };
}

export async function train(input: readonly TextRecord[], opts: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  // the languages that may be labels (augmented copies keep their record's lang: the same set after augmenting)
  const labelledLangs = new Set(opts.languages ?? input.map((r) => r.lang).filter((l): l is string => l !== undefined));
  const records = opts.augment ? augmentRecords(input, opts.augment, labelledLangs) : input;
  const kopts = resolveKMeansOptions(opts.kmeans);
  await initBackend();
  const features = opts.features;
  const base = new Featurizer({ ...features, idf: false });
  const prepared = records.map((r) => base.prepare(r.text));
  let idf: Float32Array | null = null;
  if (features.idf && opts.weighting) {
    const counts = prepared.map((t) => base.countsOfPrepared(t));
    idf = featureWeights(counts, records.map((r) => r.lang), labelledLangs, features.numFeatures, opts.weighting);
  } else if (features.idf) {
    const df = new DocFreq(features.numFeatures);
    for (const t of prepared) df.add(base.countsOfPrepared(t));
    idf = df.idf(opts.idfMinDocFreq ?? 0);
  }
  const fz = new Featurizer(features, idf);
  const total = prepared.length;
  const rows: number[] = [];
  const step = Math.max(1, Math.ceil(total / 10));
  const vecs: SparseVector[] = [];
  for (let i = 0; i < total; i++) {
    const v = fz.transformPrepared(prepared[i]);
    if (v.indices.length > 0) {
      rows.push(i);
      vecs.push(v);
    }
    if ((i + 1) % step === 0 || (i + 1 === total && total % step !== 0)) opts.onProgress?.({ phase: 'featurize', done: i + 1, total });
  }
  const data: CsrMatrix = csrFromRows(vecs, features.numFeatures);
  const skipped: Record<string, number> = { ...(opts.skipped ?? {}) };
  if (rows.length < total) skipped['no-features'] = total - rows.length;
  if (data.rows === 0) throw new InputError('E_NO_DATA', 'no text has any feature after clean-up: nothing to train on');
  const langs = rows.map((i) => records[i].lang);
  const labelled = new Set(opts.languages ?? langs.filter((l): l is string => l !== undefined));
  let res: KMeansResult;
  if (opts.seeding) {
    const sd = opts.seeding;
    const kindWeights = sd.kindWeights;
    const seeds = await labelledSeeds(data, langs, {
      perLanguage: sd.perLanguage,
      background: sd.background,
      languages: labelled,
      distance: kopts.distance,
      seed: kopts.seed,
      rowWeights: opts.balanceKinds
        ? kindBalancedWeights(rows.map((i) => records[i]))
        : kindWeights
          ? Float64Array.from(rows, (i) => kindWeights[records[i].kind ?? ''] ?? 1)
          : undefined,
    });
    kopts.k = seeds.k;
    res = sd.refine > 0
      ? await kmeans(data, { ...kopts, maxIterations: sd.refine, runs: 1, initialCenters: seeds.centers, onProgress: opts.onProgress })
      : await seededResult(data, seeds.centers, seeds.k, kopts.distance);
  } else {
    if (kopts.k > data.rows) {
      throw new InputError('E_K_TOO_LARGE', `k = ${kopts.k} is larger than the number of usable texts (${data.rows})`);
    }
    res = await kmeans(data, { ...kopts, onProgress: opts.onProgress });
  }
  const used = Int32Array.from(rows);
  const { labels, languages } = majorityLabels(res.assignments, langs, res.k, opts.labelMinShare ?? DEFAULT_TRAIN.labelMinShare, labelled);
  const perCluster = opts.samplesPerCluster ?? 5;
  const samples: string[][] = Array.from({ length: res.k }, () => []);
  for (let r = 0; r < res.assignments.length; r++) {
    const s = samples[res.assignments[r]];
    if (s.length < perCluster) s.push(records[rows[r]].text);
  }
  const hasLangs = langs.some((l) => l !== undefined);
  const model: ClusterModel = {
    version: 1,
    createdAt: new Date().toISOString(),
    features: { ...features },
    idf,
    distance: kopts.distance,
    k: res.k,
    centers: res.centers,
    weights: Array.from(res.counts),
    labels,
    unknown: { ...(opts.unknown ?? DEFAULT_TRAIN.unknown) },
    training: {
      texts: data.rows,
      skipped,
      iterations: res.iterations,
      converged: res.converged,
      cost: res.cost,
      costHistory: res.costHistory,
      init: opts.seeding ? 'labels' : kopts.init,
      runs: kopts.runs,
      seed: kopts.seed,
      maxIterations: kopts.maxIterations,
      epsilon: kopts.epsilon,
      backend: backendInfo()?.name ?? 'unknown',
      durationMs: Date.now() - started,
      input: opts.input,
      languages: hasLangs ? languages : undefined,
      knownLanguages: hasLangs ? [...labelled].sort() : undefined,
      seeding: opts.seeding ? { ...opts.seeding } : undefined,
      augment: opts.augment ? { ...opts.augment, kinds: [...opts.augment.kinds] } : undefined,
    },
    updates: 0,
    terms: representativeTerms(prepared, features, res.centers, res.k),
    samples,
  };
  return { model, records, used, assignments: res.assignments, kmeans: res };
}
