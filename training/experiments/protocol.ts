/**
 * One setting on one fold: train on the other folds (plus the background language groups when the
 * setting uses them), then predict the held-out texts of the fold and the texts of the held-out
 * language group. Predictions are kept raw (cluster, its label, distance, margin, letters) so that unknown
 * policies can be swept afterwards without retraining (report.ts applies them with the predictor's own
 * rule).
 */
import { countLetters } from '../../src/features/cleanup.js';
import { Featurizer } from '../../src/features/featurizer.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { cloneModel, type ClusterModel } from '../../src/clustering/model.js';
import type { TextRecord } from '../../src/io/records.js';
import { train } from '../train.js';
import { udhrVarieties, withoutLanguages } from '../background.js';
import { runSklearnPeer } from './peers.js';
import type { Setting } from './settings.js';

/** Raw predictions for a list of texts (parallel arrays). */
export interface RawPredictions {
  truth: string[];
  kind: string[];
  /** -1: the text had no feature. */
  cluster: Int32Array;
  /** The cluster's label before the unknown policy. */
  label: Array<string | null>;
  distance: Float64Array;
  margin: Float64Array;
  letters: Int32Array;
}

export interface FoldResult {
  setting: string;
  fold: number;
  k: number;
  known: RawPredictions;
  /** Texts of the held-out languages (sentences and short fragments of them). */
  others: RawPredictions;
  trainMs: number;
  /** Texts per second through Predictor.predict (clean-up, features, distances, policy). */
  predictPerSecond: number;
  /** The trained model (absent for peers). */
  model?: ClusterModel;
  /** The known-language test texts, aligned with `known`. */
  testTexts: string[];
}

export interface FoldData {
  fold: number;
  train: TextRecord[];
  test: TextRecord[];
  /** Texts of languages outside the known ones that the setting may train background centers on. */
  background: TextRecord[];
  /** Texts of held-out languages: never trained on in this fold. */
  heldOut: TextRecord[];
  /** The languages to label. */
  languages: string[];
}

function emptyRaw(n: number): RawPredictions {
  return {
    truth: new Array(n),
    kind: new Array(n),
    cluster: new Int32Array(n),
    label: new Array(n),
    distance: new Float64Array(n),
    margin: new Float64Array(n),
    letters: new Int32Array(n),
  };
}

/**
 * Raw predictions of a model over records, with the unknown policy switched off except the bias against
 * unlabelled centers (it changes which cluster is nearest, so it cannot be applied afterwards).
 */
export function rawPredict(model: ClusterModel, records: readonly TextRecord[], unlabelledBias = model.unknown.unlabelledBias ?? 0): RawPredictions {
  const open = cloneModel(model);
  open.unknown = { minLetters: 0, maxDistance: null, minMargin: null, unlabelledBias };
  const p = new Predictor(open);
  const fz: Featurizer = p.featurizer;
  const out = emptyRaw(records.length);
  records.forEach((r, i) => {
    const prepared = fz.prepare(r.text);
    const letters = countLetters(prepared);
    const d = p.predictVector(fz.transformPrepared(prepared), letters);
    out.truth[i] = r.lang ?? '';
    out.kind[i] = r.kind ?? '';
    out.cluster[i] = d.cluster ?? -1;
    out.label[i] = d.cluster === null ? null : model.labels[d.cluster];
    out.distance[i] = d.distance ?? Infinity;
    out.margin[i] = d.margin;
    out.letters[i] = letters;
  });
  return out;
}

/** Predict throughput of the model as shipped (policy on), over these texts, repeated to ~0.3 s. */
export function predictSpeed(model: ClusterModel, texts: readonly string[]): number {
  const p = new Predictor(model);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    for (const text of texts) p.predict(text);
    n += texts.length;
    t = performance.now();
  } while (t - t0 < 300 && texts.length > 0);
  return n / ((t - t0) / 1000);
}

export async function runFold(setting: Setting, data: FoldData, tmpDir: string): Promise<FoldResult> {
  if (setting.peer === 'sklearn') return runSklearnPeer(setting, data, tmpDir);
  let background = setting.background ? data.background : [];
  if (setting.dropVarieties !== undefined && background.length > 0) {
    background = withoutLanguages(background, await udhrVarieties(setting.features, setting.dropVarieties));
  }
  const exclude = new Set(setting.excludeKinds ?? []);
  const rw = setting.rewrite;
  const rewrite = (rs: readonly TextRecord[]): TextRecord[] => (rw ? rs.map((r) => ({ ...r, text: rw(r.text) })) : [...rs]);
  const records = rewrite([...data.train.filter((r) => !exclude.has(r.kind ?? '')), ...background]);
  const test = rewrite(data.test);
  const t0 = performance.now();
  const { model } = await train(records, {
    features: setting.features,
    kmeans: setting.kmeans,
    seeding: setting.seeding && setting.kindWeights ? { ...setting.seeding, kindWeights: setting.kindWeights } : setting.seeding,
    languages: data.languages,
    labelMinShare: setting.labelMinShare ?? 0,
    unknown: setting.unknown,
    augment: setting.augment,
    weighting: setting.weighting,
    balanceKinds: setting.balanceKinds,
  });
  const trainMs = performance.now() - t0;
  return {
    setting: setting.name,
    fold: data.fold,
    k: model.k,
    known: rawPredict(model, test),
    others: rawPredict(model, rewrite(data.heldOut)),
    trainMs,
    predictPerSecond: predictSpeed(model, test.slice(0, 2000).map((r) => r.text)),
    model,
    testTexts: test.map((r) => r.text),
  };
}
