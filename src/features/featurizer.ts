/**
 * Text -> sparse vector, as the model's feature settings say: clean-up, lowercasing, hashed n-gram counts
 * (Spark HashingTF), tf transform, IDF weights, L2 norm. One Featurizer per thread: it reuses buffers.
 */
import { ModelError } from '../errors.js';
import { applyCleanupFast } from './cleanup-fast.js';
import { termIndex } from './hashing-tf.js';
import { bigramHash, bucketMask, latinPairTable, trigramHash, unigramTable, windowHash } from './ngram-index.js';
import type { FeatureSettings } from './settings.js';
import type { CsrMatrix, SparseVector } from '../linalg/sparse.js';

/** 1 + ln(c) for small counts (the same doubles Math.log gives, looked up). */
const LOG_TF = (() => {
  const t = new Float64Array(256);
  for (let c = 1; c < t.length; c++) t[c] = 1 + Math.log(c);
  return t;
})();

export class Featurizer {
  readonly settings: Readonly<FeatureSettings>;
  readonly idfWeights: Float32Array | null;
  /** Counts per bucket; all zero between calls. */
  private readonly acc: Int32Array;
  private touched: Int32Array;
  /** Weights of the last `weighPrepared`, in `touched` order. */
  private weights: Float32Array;
  /** spark3 and n-grams within [1, 3]: the table/inline hash path (ngram-index.ts). */
  private readonly fast: boolean;
  private readonly uni: Int32Array | null;
  private readonly pairs: Int32Array | null;
  private readonly mask: number;
  private readonly has1: boolean;
  private readonly has2: boolean;
  private readonly has3: boolean;

  constructor(settings: FeatureSettings, idfWeights: Float32Array | null = null) {
    if (settings.idf && !idfWeights) {
      throw new ModelError('E_MODEL_IDF', 'features.idf is on but no IDF weights were given');
    }
    if (idfWeights && idfWeights.length !== settings.numFeatures) {
      throw new ModelError('E_MODEL_IDF', `IDF weights have length ${idfWeights.length}, expected numFeatures ${settings.numFeatures}`);
    }
    this.settings = settings;
    this.idfWeights = settings.idf ? idfWeights : null;
    this.acc = new Int32Array(settings.numFeatures);
    this.touched = new Int32Array(1024);
    this.weights = new Float32Array(1024);
    const { ngrams, hash, numFeatures } = settings;
    this.fast = hash === 'spark3' && ngrams.every((n) => n >= 1 && n <= 3);
    this.has1 = ngrams.includes(1);
    this.has2 = ngrams.includes(2);
    this.has3 = ngrams.includes(3);
    this.uni = this.fast ? unigramTable(numFeatures) : null;
    this.pairs = this.fast && this.has2 ? latinPairTable(numFeatures) : null;
    this.mask = bucketMask(numFeatures);
  }

  /** Clean-up and lowercasing only. */
  prepare(text: string): string {
    return applyCleanupFast(text, this.settings.cleanup, this.settings.lowercase);
  }

  private ensureCapacity(maxTerms: number): void {
    if (this.touched.length < maxTerms) {
      const cap = Math.max(maxTerms, this.touched.length * 2);
      this.touched = new Int32Array(cap);
      this.weights = new Float32Array(cap);
    }
  }

  /**
   * Adds the hashed n-gram counts of an already prepared text into `acc`; returns how many distinct
   * indices were touched (listed in `touched`).
   */
  private count(text: string): number {
    const { numFeatures, hash, ngrams } = this.settings;
    const acc = this.acc;
    const len = text.length;
    // at most numFeatures distinct indices, plus the slot the branch-free append writes past the last
    this.ensureCapacity(Math.min(len * ngrams.length + ngrams.length, numFeatures + 1));
    if (this.fast) return this.countFast(text);
    let t = 0;
    const touched = this.touched;
    for (let g = 0; g < ngrams.length; g++) {
      const n = ngrams[g];
      if (len === 0) break;
      if (len < n) {
        const idx = termIndex(text, 0, len, numFeatures, hash);
        if (acc[idx] === 0) touched[t++] = idx;
        acc[idx] += 1;
        continue;
      }
      for (let i = 0; i + n <= len; i++) {
        const idx = termIndex(text, i, i + n, numFeatures, hash);
        if (acc[idx] === 0) touched[t++] = idx;
        acc[idx] += 1;
      }
    }
    return t;
  }

  /** `count` for spark3 uni- and bigrams: table lookups and the inline bigram hash. */
  private countFast(text: string): number {
    const len = text.length;
    if (len === 0) return 0;
    const acc = this.acc;
    const touched = this.touched;
    const uni = this.uni!;
    let t = 0;
    if (this.has1) {
      for (let i = 0; i < len; i++) {
        const idx = uni[text.charCodeAt(i)];
        // branch-free "record idx when first seen": (old - 1) >>> 31 is 1 exactly when old === 0
        const old = acc[idx];
        acc[idx] = old + 1;
        touched[t] = idx;
        t += (old - 1) >>> 31;
      }
    }
    if (this.has2) {
      if (len < 2) {
        // Scala sliding(2) of a 1-unit text is the text itself
        const idx = uni[text.charCodeAt(0)];
        if (acc[idx]++ === 0) touched[t++] = idx;
      } else {
        const mask = this.mask;
        const nf = this.settings.numFeatures;
        const pairs = this.pairs;
        let a = text.charCodeAt(0);
        for (let i = 1; i < len; i++) {
          const b = text.charCodeAt(i);
          let idx: number;
          if ((a | b) < 256 && pairs !== null) idx = pairs[(a << 8) | b];
          else {
            const h = bigramHash(a, b);
            if (mask >= 0) idx = h & mask;
            else {
              idx = h % nf;
              if (idx < 0) idx += nf;
            }
          }
          const old = acc[idx];
          acc[idx] = old + 1;
          touched[t] = idx;
          t += (old - 1) >>> 31;
          a = b;
        }
      }
    }
    if (this.has3) {
      const mask = this.mask;
      const nf = this.settings.numFeatures;
      if (len < 3) {
        // Scala sliding(3) of a shorter text is the text itself
        const h = windowHash(text, 0, len);
        let idx = mask >= 0 ? h & mask : h % nf;
        if (idx < 0) idx += nf;
        if (acc[idx]++ === 0) touched[t++] = idx;
      } else {
        let a = text.charCodeAt(0);
        let b = text.charCodeAt(1);
        for (let i = 2; i < len; i++) {
          const c = text.charCodeAt(i);
          const h = trigramHash(text, i - 2, a, b, c);
          let idx: number;
          if (mask >= 0) idx = h & mask;
          else {
            idx = h % nf;
            if (idx < 0) idx += nf;
          }
          const old = acc[idx];
          acc[idx] = old + 1;
          touched[t] = idx;
          t += (old - 1) >>> 31;
          a = b;
          b = c;
        }
      }
    }
    return t;
  }

  /**
   * Final weights of an already prepared text, unsorted, for scoring without building a vector: returns
   * how many; `lastIndices()` / `lastWeights()` hold them. The values equal `transformPrepared`'s (same
   * float32 rounding), only their order differs.
   */
  weighPrepared(text: string): number {
    const t = this.count(text);
    this.weigh(this.touched, this.weights, t);
    return t;
  }

  /** Indices of the last `weighPrepared` (a view of a reused buffer: read before the next call). */
  lastIndices(): Int32Array {
    return this.touched;
  }

  /** Weights of the last `weighPrepared` (a view of a reused buffer: read before the next call). */
  lastWeights(): Float32Array {
    return this.weights;
  }

  /** Raw hashed counts of an already prepared text (for IDF fitting and inspection). */
  countsOfPrepared(text: string): SparseVector {
    const t = this.count(text);
    const idx = this.touched.slice(0, t).sort();
    const values = new Float32Array(t);
    for (let i = 0; i < t; i++) {
      values[i] = this.acc[idx[i]];
      this.acc[idx[i]] = 0;
    }
    return { size: this.settings.numFeatures, indices: idx, values };
  }

  /** Full transform of a raw text. */
  transform(text: string): SparseVector {
    return this.transformPrepared(this.prepare(text));
  }

  /** Full transform of a text that already went through `prepare`. */
  transformPrepared(text: string): SparseVector {
    const t = this.count(text);
    const indices = this.touched.slice(0, t).sort();
    const values = new Float32Array(t);
    this.weigh(indices, values, t);
    return { size: this.settings.numFeatures, indices, values };
  }

  /** Turns counts in `acc` (at `indices`) into final weights in `values`; resets `acc`. */
  private weigh(indices: Int32Array, values: Float32Array, t: number): void {
    const acc = this.acc;
    const { tf, norm } = this.settings;
    const idf = this.idfWeights;
    const logTf = tf === 'log';
    const binary = tf === 'binary';
    let sq = 0;
    for (let i = 0; i < t; i++) {
      const j = indices[i];
      const c = acc[j];
      acc[j] = 0;
      let v = logTf ? (c < LOG_TF.length ? LOG_TF[c] : 1 + Math.log(c)) : binary ? 1 : c;
      if (idf) v *= idf[j];
      values[i] = v;
      sq += v * v;
    }
    if (norm === 'l2' && sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let i = 0; i < t; i++) values[i] *= inv;
    }
  }

  /** Transforms many raw texts into one CSR matrix. */
  transformAll(texts: readonly string[]): CsrMatrix {
    return this.buildCsr(texts, (text) => this.transform(text));
  }

  /** Raw hashed counts of many raw texts (clean-up and lowercasing applied). */
  countsAll(texts: readonly string[]): CsrMatrix {
    return this.buildCsr(texts, (text) => this.countsOfPrepared(this.prepare(text)));
  }

  private buildCsr(texts: readonly string[], fn: (text: string) => SparseVector): CsrMatrix {
    const n = texts.length;
    const indptr = new Int32Array(n + 1);
    let cap = Math.max(1024, n * 64);
    let indices = new Int32Array(cap);
    let values = new Float32Array(cap);
    let p = 0;
    for (let r = 0; r < n; r++) {
      const v = fn(texts[r]);
      const m = v.indices.length;
      if (p + m > cap) {
        cap = Math.max(cap * 2, p + m);
        const ni = new Int32Array(cap);
        ni.set(indices.subarray(0, p));
        indices = ni;
        const nv = new Float32Array(cap);
        nv.set(values.subarray(0, p));
        values = nv;
      }
      indices.set(v.indices, p);
      values.set(v.values, p);
      p += m;
      indptr[r + 1] = p;
    }
    return { rows: n, cols: this.settings.numFeatures, indptr, indices: indices.slice(0, p), values: values.slice(0, p) };
  }
}

/** Document frequencies, added one document at a time; `idf()` gives Spark's IDF weights. */
export class DocFreq {
  readonly df: Float64Array;
  docs = 0;
  constructor(numFeatures: number) {
    this.df = new Float64Array(numFeatures);
  }
  /** Adds one document's distinct non-zero indices. */
  add(v: SparseVector): void {
    this.docs++;
    for (let i = 0; i < v.indices.length; i++) if (v.values[i] !== 0) this.df[v.indices[i]] += 1;
  }
  /** log((m + 1) / (df + 1)), and 0 for terms seen in fewer than `minDocFreq` documents (Spark's IDF). */
  idf(minDocFreq = 0): Float32Array {
    const out = new Float32Array(this.df.length);
    for (let j = 0; j < out.length; j++) out[j] = this.df[j] >= minDocFreq ? Math.log((this.docs + 1) / (this.df[j] + 1)) : 0;
    return out;
  }
}

/** IDF weights from a matrix of raw counts (see DocFreq). */
export function fitIdf(counts: CsrMatrix, minDocFreq = 0): Float32Array {
  const df = new DocFreq(counts.cols);
  for (let r = 0; r < counts.rows; r++) {
    const a = counts.indptr[r];
    const b = counts.indptr[r + 1];
    df.add({ size: counts.cols, indices: counts.indices.subarray(a, b), values: counts.values.subarray(a, b) });
  }
  return df.idf(minDocFreq);
}
