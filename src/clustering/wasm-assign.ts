/**
 * Assignment of a block of CSR rows with the WebAssembly SIMD dots kernel (wasm-dots.ts): the rows are
 * copied into the module's memory once; each call writes the centers there, computes dots in row blocks
 * and picks the nearest center exactly as assign.ts does (same dots, same pickNearest), so the results are
 * bit for bit those of the JS kernel.
 */
import type { CsrMatrix } from '../linalg/sparse.js';
import { pickNearest } from './assign.js';
import type { Distance } from './distance.js';
import { instantiateKernels, type DotsFn, type SumsFn } from './wasm-dots.js';

const PAGE = 65536;
const ROW_BLOCK = 512;
const MAX_BYTES = 3.5 * 2 ** 30;

const align16 = (n: number) => (n + 15) & ~15;

export class WasmAssigner {
  private readonly memory: WebAssembly.Memory;
  private readonly rows: number;
  private readonly cols: number;
  private readonly ipOff = 0;
  private readonly ixOff: number;
  private readonly vlOff: number;
  /** int32 nearest center of each local row (written by assign, read by sums). */
  private readonly asgOff: number;
  private readonly dynOff: number;
  private readonly kernels = new Map<number, { dots: DotsFn; sums: SumsFn }>();
  private lastK = 0;
  /** The last assign also added the sums (block by block). */
  private sumsDone = false;

  private constructor(memory: WebAssembly.Memory, rows: number, cols: number, ixOff: number, vlOff: number, asgOff: number, dynOff: number) {
    this.memory = memory;
    this.rows = rows;
    this.cols = cols;
    this.ixOff = ixOff;
    this.vlOff = vlOff;
    this.asgOff = asgOff;
    this.dynOff = dynOff;
  }

  private kernelsFor(kp: number): { dots: DotsFn; sums: SumsFn } {
    let k = this.kernels.get(kp);
    if (!k) this.kernels.set(kp, (k = instantiateKernels(kp, this.memory)));
    return k;
  }

  /** Copies rows [start, end) of `data`; undefined when they would not fit in wasm memory. */
  static create(data: CsrMatrix, start: number, end: number): WasmAssigner | undefined {
    const rows = end - start;
    const base = data.indptr[start];
    const nnz = data.indptr[end] - base;
    const ixOff = align16((rows + 1) * 4);
    const vlOff = ixOff + align16(nnz * 4);
    const asgOff = vlOff + align16(nnz * 4);
    const dynOff = asgOff + align16(rows * 4);
    if (dynOff > MAX_BYTES) return undefined;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((dynOff + PAGE) / PAGE), maximum: 65536 });
    const ip = new Int32Array(memory.buffer, 0, rows + 1);
    for (let r = 0; r <= rows; r++) ip[r] = data.indptr[start + r] - base;
    new Int32Array(memory.buffer, ixOff, nnz).set(data.indices.subarray(base, base + nnz));
    new Float32Array(memory.buffer, vlOff, nnz).set(data.values.subarray(base, base + nnz));
    return new WasmAssigner(memory, rows, data.cols, ixOff, vlOff, asgOff, dynOff);
  }

  /**
   * Nearest of `k` centers ([k, d] float32) for every local row; writes `assignments`/`distances` at
   * `outOffset + local row` and returns the cost. `norms2` (euclidean) is indexed the same way.
   */
  assign(
    centers: Float32Array,
    k: number,
    cn2: Float64Array,
    distance: Distance,
    norms2: Float64Array | undefined,
    outOffset: number,
    assignments: Int32Array,
    distances: Float64Array,
    withSums = false,
  ): number {
    const d = this.cols;
    const kp = k + (k & 1);
    const ctOff = align16(this.dynOff);
    const outOff = align16(ctOff + d * kp * 8);
    const need = outOff + ROW_BLOCK * kp * 8 + k * d * 8;
    if (need > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
    const ct = new Float64Array(this.memory.buffer, ctOff, d * kp);
    ct.fill(0);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) ct[i * kp + j] = centers[j * d + i];
    const { dots: kernel, sums: sumsKernel } = this.kernelsFor(kp);
    this.lastK = k;
    this.sumsDone = withSums;
    const sumsOff = align16(outOff + ROW_BLOCK * kp * 8);
    if (withSums) new Float64Array(this.memory.buffer, sumsOff, k * d).fill(0);
    const local = new Int32Array(this.memory.buffer, this.asgOff, this.rows);
    const out = new Float64Array(this.memory.buffer, outOff, ROW_BLOCK * kp);
    const euclid = distance === 'euclidean';
    const dist = new Float64Array(1);
    let cost = 0;
    for (let r0 = 0; r0 < this.rows; r0 += ROW_BLOCK) {
      const r1 = Math.min(this.rows, r0 + ROW_BLOCK);
      kernel(this.ipOff, this.ixOff, this.vlOff, ctOff, outOff, r0, r1);
      for (let r = r0; r < r1; r++) {
        const g = outOffset + r;
        const best = pickNearest(out, (r - r0) * kp, k, euclid, euclid ? norms2![g] : 0, cn2, dist);
        let v = dist[0];
        if (!(v > 0)) v = 0;
        assignments[g] = best;
        local[r] = best;
        distances[g] = v;
        cost += v;
      }
      // this block's rows are still in cache: add them into their clusters' sums now (same order as one pass)
      if (withSums) sumsKernel(this.ipOff, this.ixOff, this.vlOff, this.asgOff, sumsOff, d * 8, r0, r1);
    }
    return cost;
  }

  /**
   * Per-cluster sums ([k, d]) and counts of the local rows under the last `assign` (computed there when it
   * was called with `withSums`): the same float64 additions in the same order as addClusterSums.
   */
  sums(): { sums: Float64Array; counts: Float64Array } {
    const k = this.lastK;
    const d = this.cols;
    const kp = k + (k & 1);
    const sumsOff = align16(align16(align16(this.dynOff) + d * kp * 8) + ROW_BLOCK * kp * 8);
    const view = new Float64Array(this.memory.buffer, sumsOff, k * d);
    if (!this.sumsDone) {
      view.fill(0);
      this.kernelsFor(kp).sums(this.ipOff, this.ixOff, this.vlOff, this.asgOff, sumsOff, d * 8, 0, this.rows);
    }
    const counts = new Float64Array(k);
    const local = new Int32Array(this.memory.buffer, this.asgOff, this.rows);
    for (let r = 0; r < this.rows; r++) counts[local[r]] += 1;
    return { sums: view.slice(), counts };
  }
}
