/**
 * Scores one sparse vector against every center with the WebAssembly SIMD dots kernel (wasm-dots.ts):
 * the same float64 sums, in the same order, as the predictor's JS loop, about twice as fast. The centers
 * live in the module's memory (float64, feature-major); each call copies the vector's indices and
 * weights in and reads k dot products out.
 */
import { instantiateDots, type DotsFn } from './wasm-dots.js';

const PAGE = 65536;
/** Non-zeros one call takes; longer vectors are left to the JS loop. */
const CAPACITY = 16384;

export class WasmScorer {
  private readonly kernel: DotsFn;
  private readonly ix: Int32Array;
  private readonly vl: Float32Array;
  private readonly ip: Int32Array;
  private readonly out: Float64Array;
  private readonly offs: { ip: number; ix: number; vl: number; ct: number; out: number };

  /** `centers` [k, d] row-major. */
  constructor(centers: Float32Array, k: number, d: number) {
    const kp = k + (k & 1);
    const ip = 0;
    const ix = 16;
    const vl = ix + CAPACITY * 4;
    const out = vl + CAPACITY * 4;
    const ct = out + kp * 8 + 16;
    const bytes = ct + d * kp * 8;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) + 1 });
    const cts = new Float64Array(memory.buffer, ct, d * kp);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) cts[i * kp + j] = centers[j * d + i];
    this.kernel = instantiateDots(kp, memory);
    this.ip = new Int32Array(memory.buffer, ip, 2);
    this.ix = new Int32Array(memory.buffer, ix, CAPACITY);
    this.vl = new Float32Array(memory.buffer, vl, CAPACITY);
    this.out = new Float64Array(memory.buffer, out, kp);
    this.offs = { ip, ix, vl, ct, out };
  }

  /** Dot products with every center (a reused view: read before the next call), or null when nnz is too large. */
  dots(indices: Int32Array, values: Float32Array, nnz: number): Float64Array | null {
    if (nnz > CAPACITY) return null;
    this.ip[1] = nnz;
    this.ix.set(nnz === indices.length ? indices : indices.subarray(0, nnz));
    this.vl.set(nnz === values.length ? values : values.subarray(0, nnz));
    const o = this.offs;
    this.kernel(o.ip, o.ix, o.vl, o.ct, o.out, 0, 1);
    return this.out;
  }
}
