/**
 * Seeding k-means from labelled texts (Basu et al. 2002, "seeded k-means"): each language's texts are
 * clustered on their own into a few sub-centers, texts of languages the model does not label
 * ("background") are clustered together into their own centers, and the union is the starting point of
 * the global k-means. Unsupervised k-means|| on the same data merges close languages (spa/por/ita,
 * rus/ukr, arb/pes) and splits big ones by topic or register; seeding starts every language with its own
 * centers, and the global Lloyd iterations that follow stay free to move texts (docs/QUALITY.md measures
 * both, and constrained seeding without refinement).
 */
import { ConfigError } from '../src/errors.js';
import { kmeans, type KMeansOptions } from '../src/clustering/kmeans.js';
import { normalizeRow, type Distance } from '../src/clustering/distance.js';
import { csrSelect, type CsrMatrix } from '../src/linalg/sparse.js';

export interface SeedOptions {
  /** Sub-centers per labelled language (at most its number of texts). */
  perLanguage: number;
  /** Centers for the texts of languages outside `languages` (label null); 0 ignores those texts. */
  background: number;
  /** The languages that get labels; texts of other languages are background. */
  languages: ReadonlySet<string>;
  distance: Distance;
  seed: number;
  /** Lloyd iterations of each per-language k-means. */
  maxIterations?: number;
  /** Weight of each row in its language's mean (default 1 each); used when a language has one center. */
  rowWeights?: Float64Array;
}

export interface Seeds {
  k: number;
  /** [k, d] row-major. */
  centers: Float32Array;
  /** The language each center was seeded from (null: background). */
  seedLabels: Array<string | null>;
}

/** Mean of the rows (weighted when `weights` is given), normalised for cosine. */
function meanRow(data: CsrMatrix, rows: readonly number[], out: Float32Array, j: number, distance: Distance, weights?: Float64Array): void {
  const d = data.cols;
  const acc = new Float64Array(d);
  let total = 0;
  for (const r of rows) {
    const w = weights ? weights[r] : 1;
    total += w;
    for (let p = data.indptr[r]; p < data.indptr[r + 1]; p++) acc[data.indices[p]] += w * data.values[p];
  }
  for (let i = 0; i < d; i++) out[j * d + i] = total > 0 ? acc[i] / total : 0;
  if (distance === 'cosine') normalizeRow(out, j, d);
}

async function groupCenters(data: CsrMatrix, rows: number[], m: number, o: SeedOptions, salt: number): Promise<Float32Array> {
  const d = data.cols;
  if (m === 1) {
    const c = new Float32Array(d);
    meanRow(data, rows, c, 0, o.distance, o.rowWeights);
    return c;
  }
  const sub = csrSelect(data, rows);
  const kopts: KMeansOptions = {
    k: m,
    distance: o.distance,
    seed: (o.seed + salt * 0x9e3779b1) >>> 0,
    init: 'k-means++',
    maxIterations: o.maxIterations ?? 20,
  };
  return (await kmeans(sub, kopts)).centers;
}

/** Seeds for `data` (rows aligned with `langs`). Languages are handled in sorted order: same seed, same centers. */
export async function labelledSeeds(data: CsrMatrix, langs: ReadonlyArray<string | undefined>, o: SeedOptions): Promise<Seeds> {
  if (!Number.isInteger(o.perLanguage) || o.perLanguage < 1) {
    throw new ConfigError('E_BAD_OPTION', `seeding.perLanguage must be an integer >= 1 (got ${o.perLanguage})`);
  }
  if (!Number.isInteger(o.background) || o.background < 0) {
    throw new ConfigError('E_BAD_OPTION', `seeding.background must be an integer >= 0 (got ${o.background})`);
  }
  const groups = new Map<string, number[]>();
  const background: number[] = [];
  for (let r = 0; r < data.rows; r++) {
    const l = langs[r];
    if (l === undefined) continue;
    if (o.languages.has(l)) {
      let g = groups.get(l);
      if (!g) groups.set(l, (g = []));
      g.push(r);
    } else background.push(r);
  }
  if (groups.size === 0) throw new ConfigError('E_NO_LABELS', 'seeding from labels needs texts with a "lang" among the labelled languages');
  const parts: Float32Array[] = [];
  const seedLabels: Array<string | null> = [];
  let salt = 0;
  for (const lang of [...groups.keys()].sort()) {
    const rows = groups.get(lang)!;
    const m = Math.min(o.perLanguage, rows.length);
    parts.push(await groupCenters(data, rows, m, o, salt++));
    for (let i = 0; i < m; i++) seedLabels.push(lang);
  }
  const mb = Math.min(o.background, background.length);
  if (mb > 0) {
    parts.push(await groupCenters(data, background, mb, o, salt++));
    for (let i = 0; i < mb; i++) seedLabels.push(null);
  }
  const k = seedLabels.length;
  const centers = new Float32Array(k * data.cols);
  let off = 0;
  for (const p of parts) {
    centers.set(p, off);
    off += p.length;
  }
  return { k, centers, seedLabels };
}
