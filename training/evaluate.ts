/**
 * evaluate(): a model against labelled texts. Clustering quality (NMI, ARI, purity) and label quality
 * (accuracy, per-language precision/recall, confusion) on texts of languages the model knows; the
 * unknown-rate on texts of languages it does not know (they should get label null).
 */
import { modelLabels, type ClusterModel } from '../src/clustering/model.js';
import { Predictor } from '../src/clustering/predictor.js';
import type { TextRecord } from '../src/io/records.js';
import { ari, labelReport, nmi, purity, type ClusteringScores } from './metrics.js';

export interface EvalReport extends ClusteringScores {
  /** Share of known-language texts given label null. */
  unknownRate: number;
  /** Texts in languages the model has no cluster for. */
  unseen: { texts: number; languages: string[]; unknownRate: number; predicted: Record<string, number> };
  /** Texts without `lang` (not scored). */
  unlabelled: number;
  predictMs: number;
}

export interface EvalOptions {
  /** Split the report by this record field (e.g. "kind"). */
  by?: 'kind' | 'lang';
}

/**
 * The languages a model is meant to label: those it was trained to label (training.knownLanguages), or
 * its cluster labels for models without that record. A trained language that lost its cluster still
 * counts as known: its texts then score as errors, not as "unseen".
 */
export function knownLanguagesOf(model: ClusterModel): Set<string> {
  return new Set([...(model.training?.knownLanguages ?? []), ...modelLabels(model)]);
}

export function evaluate(model: ClusterModel, records: readonly TextRecord[]): EvalReport {
  const predictor = new Predictor(model);
  const known = knownLanguagesOf(model);
  const clusters: number[] = [];
  const truth: string[] = [];
  const predicted: Array<string | null> = [];
  const unseenLangs = new Set<string>();
  const unseenPred: Record<string, number> = {};
  let unseen = 0;
  let unseenNull = 0;
  let unlabelled = 0;
  const t0 = performance.now();
  for (const r of records) {
    const p = predictor.predict(r.text);
    if (!r.lang) {
      unlabelled++;
      continue;
    }
    if (known.has(r.lang)) {
      clusters.push(p.cluster ?? -1);
      truth.push(r.lang);
      predicted.push(p.label);
    } else {
      unseen++;
      unseenLangs.add(r.lang);
      const key = p.label ?? 'unknown';
      unseenPred[key] = (unseenPred[key] ?? 0) + 1;
      if (p.label === null) unseenNull++;
    }
  }
  const predictMs = performance.now() - t0;
  const lr = labelReport(predicted, truth);
  return {
    texts: truth.length,
    nmi: nmi(clusters, truth),
    nmiLabels: nmi(predicted.map((l) => l ?? '(unknown)'), truth),
    ari: ari(clusters, truth),
    purity: purity(clusters, truth),
    accuracy: lr.accuracy,
    unknownRate: lr.unknownRate,
    perLanguage: lr.perLabel,
    confusion: lr.confusion,
    unseen: { texts: unseen, languages: [...unseenLangs].sort(), unknownRate: unseen ? unseenNull / unseen : 0, predicted: unseenPred },
    unlabelled,
    predictMs,
  };
}

/** evaluate() overall and per group of `by`. */
export function evaluateBy(model: ClusterModel, records: readonly TextRecord[], by: 'kind' | 'lang'): Record<string, EvalReport> {
  const groups = new Map<string, TextRecord[]>();
  for (const r of records) {
    const key = (by === 'kind' ? r.kind : r.lang) ?? '(none)';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const out: Record<string, EvalReport> = { all: evaluate(model, records) };
  for (const [key, g] of [...groups.entries()].sort()) out[key] = evaluate(model, g);
  return out;
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5) + '%';

/** Human-readable report. */
export function formatReport(r: EvalReport, title = 'all'): string {
  const lines: string[] = [];
  lines.push(`== ${title}: ${r.texts} texts in known languages`);
  if (r.texts > 0) lines.push(`NMI ${r.nmi.toFixed(4)} (labels ${r.nmiLabels.toFixed(4)})  ARI ${r.ari.toFixed(4)}  purity ${r.purity.toFixed(4)}  label accuracy ${r.accuracy.toFixed(4)}  unknown ${pct(r.unknownRate)}`);
  if (r.unseen.texts > 0) {
    lines.push(`unseen languages (${r.unseen.languages.join(' ')}): ${r.unseen.texts} texts, ${pct(r.unseen.unknownRate)} labelled unknown`);
  }
  if (r.unlabelled > 0) lines.push(`${r.unlabelled} texts without lang were not scored`);
  if (r.texts === 0) return lines.join('\n');
  lines.push('');
  lines.push('lang   precision  recall  support  predicted');
  for (const [l, s] of Object.entries(r.perLanguage)) {
    lines.push(`${l.padEnd(6)} ${pct(s.precision)}   ${pct(s.recall)}  ${String(s.support).padStart(7)}  ${String(s.predicted).padStart(9)}`);
  }
  const langs = Object.keys(r.confusion).sort();
  const cols = [...langs, 'unknown'];
  const other = new Set<string>();
  for (const row of Object.values(r.confusion)) for (const c of Object.keys(row)) if (!cols.includes(c)) other.add(c);
  const allCols = [...cols, ...[...other].sort()];
  lines.push('');
  lines.push('confusion (rows: true lang, columns: predicted label)');
  lines.push('      ' + allCols.map((c) => c.slice(0, 5).padStart(6)).join(''));
  for (const l of langs) lines.push(l.padEnd(6) + allCols.map((c) => String(r.confusion[l][c] ?? '.').padStart(6)).join(''));
  return lines.join('\n');
}
