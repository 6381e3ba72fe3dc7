/** Clustering and labelling quality measures (pure): purity, NMI, ARI, label accuracy, per-label P/R. */

type Key = string | number;

function contingency(a: readonly Key[], b: readonly Key[]): { table: Map<Key, Map<Key, number>>; ra: Map<Key, number>; rb: Map<Key, number> } {
  if (a.length !== b.length) throw new RangeError(`label arrays differ in length: ${a.length} vs ${b.length}`);
  const table = new Map<Key, Map<Key, number>>();
  const ra = new Map<Key, number>();
  const rb = new Map<Key, number>();
  for (let i = 0; i < a.length; i++) {
    let row = table.get(a[i]);
    if (!row) table.set(a[i], (row = new Map()));
    row.set(b[i], (row.get(b[i]) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  return { table, ra, rb };
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Share of points whose cluster's majority class is their class. */
export function purity(clusters: readonly Key[], classes: readonly Key[]): number {
  if (clusters.length === 0) return 0;
  const { table } = contingency(clusters, classes);
  let s = 0;
  for (const row of table.values()) s += Math.max(...row.values());
  return s / clusters.length;
}

/** Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default). */
export function nmi(clusters: readonly Key[], classes: readonly Key[]): number {
  const n = clusters.length;
  if (n === 0) return 0;
  const { table, ra, rb } = contingency(clusters, classes);
  let mi = 0;
  for (const [a, row] of table) {
    for (const [b, nij] of row) mi += (nij / n) * Math.log((n * nij) / (ra.get(a)! * rb.get(b)!));
  }
  const ha = entropy(ra.values(), n);
  const hb = entropy(rb.values(), n);
  if (ha === 0 && hb === 0) return 1;
  const denom = (ha + hb) / 2;
  return denom === 0 ? 0 : Math.max(0, mi / denom);
}

const comb2 = (x: number): number => (x * (x - 1)) / 2;

/** Adjusted Rand index. */
export function ari(clusters: readonly Key[], classes: readonly Key[]): number {
  const n = clusters.length;
  if (n < 2) return 1;
  const { table, ra, rb } = contingency(clusters, classes);
  let sumIj = 0;
  for (const row of table.values()) for (const v of row.values()) sumIj += comb2(v);
  let sumA = 0;
  for (const v of ra.values()) sumA += comb2(v);
  let sumB = 0;
  for (const v of rb.values()) sumB += comb2(v);
  const expected = (sumA * sumB) / comb2(n);
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1;
  return (sumIj - expected) / (max - expected);
}

export interface LabelReport {
  /** Share of texts whose predicted label equals the true one (null counts as wrong). */
  accuracy: number;
  /** Share of texts predicted null. */
  unknownRate: number;
  perLabel: Record<string, { precision: number; recall: number; support: number; predicted: number }>;
  /** truth -> predicted (null as "unknown") -> count. */
  confusion: Record<string, Record<string, number>>;
}

export const UNKNOWN = 'unknown';

export function labelReport(predicted: ReadonlyArray<string | null>, truth: readonly string[]): LabelReport {
  const n = truth.length;
  let correct = 0;
  let unknown = 0;
  const confusion: Record<string, Record<string, number>> = {};
  const support: Record<string, number> = {};
  const predCount: Record<string, number> = {};
  const tp: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    const p = predicted[i];
    const pk = p ?? UNKNOWN;
    (confusion[t] ??= {})[pk] = (confusion[t][pk] ?? 0) + 1;
    support[t] = (support[t] ?? 0) + 1;
    if (p === null) unknown++;
    else predCount[p] = (predCount[p] ?? 0) + 1;
    if (p === t) {
      correct++;
      tp[t] = (tp[t] ?? 0) + 1;
    }
  }
  const perLabel: LabelReport['perLabel'] = {};
  for (const l of [...new Set([...Object.keys(support), ...Object.keys(predCount)])].sort()) {
    const pc = predCount[l] ?? 0;
    const sp = support[l] ?? 0;
    perLabel[l] = {
      precision: pc === 0 ? (sp === 0 ? 1 : 0) : (tp[l] ?? 0) / pc,
      recall: sp === 0 ? 0 : (tp[l] ?? 0) / sp,
      support: sp,
      predicted: pc,
    };
  }
  return { accuracy: n ? correct / n : 0, unknownRate: n ? unknown / n : 0, perLabel, confusion };
}

/** The scores of a clustering against languages that `tweetlang eval` and the experiments both report. */
export interface ClusteringScores {
  /** Known-language texts scored. */
  texts: number;
  nmi: number;
  /** NMI of the label partition (unknown as one more class) against languages. */
  nmiLabels: number;
  ari: number;
  purity: number;
  accuracy: number;
  perLanguage: LabelReport['perLabel'];
  confusion: LabelReport['confusion'];
}
