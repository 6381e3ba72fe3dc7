/**
 * Wire format of one member's per-batch cluster statistics (ClusterStats), sparse: a dense k×d block
 * (20 × 16384 float64 = 2.6 MB) is too big for a Kafka message, while a batch touches few features per
 * cluster. One message:
 *
 *   {"format":"tweetlang-stats","v":1,"member":"m-1","round":1700000005000,"modelVersion":7,
 *    "k":20,"d":16384,"part":0,"parts":1,
 *    "clusters":[{"c":3,"n":12,"i":"<base64 uint32 LE>","x":"<base64 float64 LE>"}, ...]}
 *
 * `round` is the batch time (a multiple of the batch interval, the same on every member), `n` the points
 * the cluster got, `i`/`x` the non-zero coordinates of its sum. Sums stay float64 so nothing is lost on
 * the way. When a member's statistics exceed `maxBytes`, they are split into `parts` messages; statistics
 * add up, so any split is valid (a cluster's count travels with its first chunk) and the updater sums all
 * parts of a round. Every member publishes every batch, empty ones too (no clusters), so that the updater
 * knows the member is done with that round.
 */
import { InputError } from '../errors.js';
import { emptyStats, type ClusterStats } from '../clustering/streaming-kmeans.js';

export const STATS_FORMAT = 'tweetlang-stats';
export const STATS_FORMAT_VERSION = 1;
/** Default size budget of one message (below Kafka's default 1 MB message.max.bytes). */
export const DEFAULT_STATS_MAX_BYTES = 900 * 1024;

export interface StatsMeta {
  member: string;
  /** Batch time (ms), the round the statistics belong to. */
  round: number;
  /** Model version the member assigned the points with. */
  modelVersion: number;
}

export interface StatsPart extends StatsMeta {
  k: number;
  d: number;
  part: number;
  parts: number;
  clusters: Array<{ c: number; n: number; i: Uint32Array; x: Float64Array }>;
}

function b64(a: Uint32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Uint32Array | Float64Array>(s: unknown, Ctor: { new (n: number): T; BYTES_PER_ELEMENT: number }, what: string): T {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) bad(`${what} is not base64`);
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) bad(`${what} is not a whole number of values`);
  const out = new Ctor(buf.byteLength / Ctor.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function bad(msg: string): never {
  throw new InputError('E_STATS_INVALID', `invalid stats message: ${msg}`);
}

/** Non-zero coordinates of one cluster's sum row. */
function sparseRow(stats: ClusterStats, c: number): { i: Uint32Array; x: Float64Array } {
  const { d, sums } = stats;
  const off = c * d;
  let nnz = 0;
  for (let j = 0; j < d; j++) if (sums[off + j] !== 0) nnz++;
  const i = new Uint32Array(nnz);
  const x = new Float64Array(nnz);
  let p = 0;
  for (let j = 0; j < d; j++) {
    const v = sums[off + j];
    if (v !== 0) {
      i[p] = j;
      x[p++] = v;
    }
  }
  return { i, x };
}

/** Bytes a chunk of `nnz` coordinates takes in JSON (base64 of 4 + 8 bytes each, plus framing). */
function chunkBytes(nnz: number): number {
  return 4 * Math.ceil((nnz * 4) / 3) + 4 * Math.ceil((nnz * 8) / 3) + 64;
}

/** Encodes one member's batch statistics into one or more messages, each at most ~maxBytes. */
export function encodeStats(stats: ClusterStats, meta: StatsMeta, maxBytes = DEFAULT_STATS_MAX_BYTES): string[] {
  if (!Number.isSafeInteger(meta.round) || meta.round < 0) throw new RangeError(`round must be an integer >= 0 (got ${meta.round})`);
  if (!meta.member) throw new RangeError('member must be a non-empty string');
  const header = 256 + meta.member.length;
  const budget = Math.max(1024, maxBytes - header);
  const perChunk = Math.max(1, Math.floor((budget - 80) / 16)); // 16 = (4 + 8) * 4/3 base64 bytes per coordinate
  const parts: Array<StatsPart['clusters']> = [[]];
  let used = 0;
  for (let c = 0; c < stats.k; c++) {
    const n = stats.counts[c];
    const row = sparseRow(stats, c);
    if (n === 0 && row.i.length === 0) continue;
    for (let start = 0; start === 0 || start < row.i.length; start += perChunk) {
      const end = Math.min(row.i.length, start + perChunk);
      const size = chunkBytes(end - start);
      if (used + size > budget && parts[parts.length - 1].length > 0) {
        parts.push([]);
        used = 0;
      }
      parts[parts.length - 1].push({ c, n: start === 0 ? n : 0, i: row.i.subarray(start, end), x: row.x.subarray(start, end) });
      used += size;
      if (end >= row.i.length) break;
    }
  }
  return parts.map((clusters, part) =>
    JSON.stringify({
      format: STATS_FORMAT,
      v: STATS_FORMAT_VERSION,
      member: meta.member,
      round: meta.round,
      modelVersion: meta.modelVersion,
      k: stats.k,
      d: stats.d,
      part,
      parts: parts.length,
      clusters: clusters.map((cl) => ({ c: cl.c, n: cl.n, i: b64(cl.i.slice()), x: b64(cl.x.slice()) })),
    }),
  );
}

function int(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${what} must be an integer from ${min} to ${max}`);
  return v;
}

/** Decodes and validates one message. */
export function decodeStats(text: string | Uint8Array): StatsPart {
  let o: unknown;
  try {
    o = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    bad('not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) bad('not an object');
  const j = o as Record<string, unknown>;
  if (j.format !== STATS_FORMAT) bad(`format must be ${JSON.stringify(STATS_FORMAT)}`);
  if (j.v !== STATS_FORMAT_VERSION) bad(`version ${JSON.stringify(j.v)} is not supported (this build reads ${STATS_FORMAT_VERSION})`);
  if (typeof j.member !== 'string' || j.member.length === 0 || j.member.length > 256) bad('member must be a non-empty string');
  const k = int(j.k, 'k', 1, 100_000);
  const d = int(j.d, 'd', 1, 1 << 24);
  const parts = int(j.parts, 'parts', 1, 10_000);
  const part = int(j.part, 'part', 0, parts - 1);
  if (!Array.isArray(j.clusters)) bad('clusters must be an array');
  const clusters = (j.clusters as unknown[]).map((cl, idx) => {
    if (typeof cl !== 'object' || cl === null) bad(`clusters[${idx}] is not an object`);
    const r = cl as Record<string, unknown>;
    const c = int(r.c, `clusters[${idx}].c`, 0, k - 1);
    if (typeof r.n !== 'number' || !Number.isFinite(r.n) || r.n < 0) bad(`clusters[${idx}].n must be a finite number >= 0`);
    const i = fromB64(r.i, Uint32Array, `clusters[${idx}].i`);
    const x = fromB64(r.x, Float64Array, `clusters[${idx}].x`);
    if (i.length !== x.length) bad(`clusters[${idx}]: ${i.length} indices but ${x.length} values`);
    for (let p = 0; p < i.length; p++) {
      if (i[p] >= d) bad(`clusters[${idx}]: index ${i[p]} is not below d = ${d}`);
      if (!Number.isFinite(x[p])) bad(`clusters[${idx}]: a non-finite value`);
    }
    return { c, n: r.n, i, x };
  });
  return {
    member: j.member,
    round: int(j.round, 'round', 0),
    modelVersion: int(j.modelVersion, 'modelVersion', 0),
    k,
    d,
    part,
    parts,
    clusters,
  };
}

/** Adds a decoded part into dense statistics (in place). */
export function accumulate(target: ClusterStats, part: StatsPart): void {
  if (part.k !== target.k || part.d !== target.d) throw new RangeError(`stats of shape ${part.k}x${part.d} do not fit ${target.k}x${target.d}`);
  for (const cl of part.clusters) {
    target.counts[cl.c] += cl.n;
    const off = cl.c * target.d;
    for (let p = 0; p < cl.i.length; p++) target.sums[off + cl.i[p]] += cl.x[p];
  }
}

/** Dense statistics of one decoded part (tests, tools). */
export function partToStats(part: StatsPart): ClusterStats {
  const s = emptyStats(part.k, part.d);
  accumulate(s, part);
  return s;
}
