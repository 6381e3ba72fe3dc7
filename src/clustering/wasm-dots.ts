/**
 * A WebAssembly SIMD kernel for the sparse dot products of k-means: for each CSR row, x·c for every center
 * (f64x2 lanes, 16 centers per pass over the row). The module is generated here, byte by byte, for the
 * padded number of centers, so nothing binary ships with the project.
 *
 * It gives bit for bit the dots of assign.ts's JS kernel: float32 inputs, products exact in float64, and
 * each center's sum added in the row's order. Used by the Lloyd pool's workers, where the rows sit in
 * this module's memory once.
 *
 * Exported functions (byte offsets into the imported memory):
 * - `dots(ip, ix, vl, ct, out, r0, r1)`: ip int32 row pointers, ix int32 column indices, vl float32
 *   values, ct float64 centers feature-major [d][kp], out float64 [r1 - r0][kp]; rows r0..r1.
 * - `sums(ip, ix, vl, asg, sums, rowBytes, r0, r1)`: adds each row into its cluster's float64 row of
 *   `sums` ([k][d], rowBytes = 8d) as asg (int32 per row, indexed like ip) says; the same additions in
 *   the same order as assign.ts's addClusterSums.
 */
import { sleb32, uleb } from '../wasm/wat.js';

/** Centers per pass over a row (8 f64x2 accumulators). */
const BLOCK_LANES = 8;

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// opcodes
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const VOID = 0x40;
const GET = 0x20;
const SET = 0x21;
const I32_CONST = 0x41;
const I32_LOAD = 0x28;
const F32_LOAD = 0x2a;
const I32_GE_S = 0x4e;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const F64_PROMOTE_F32 = 0xbb;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const I32_LOAD_ALIGN = 2;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00];
const V128_STORE = [SIMD, 0x0b];
const V128_CONST = [SIMD, 0x0c];
const F64X2_SPLAT = [SIMD, 0x14];
const F64X2_ADD = [SIMD, ...uleb(0xf0)];
const F64X2_MUL = [SIMD, ...uleb(0xf2)];

const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];

/** The module's bytes for `kp` (even) centers. */
export function dotsModuleBytes(kp: number): Uint8Array {
  if (kp < 2 || kp % 2 !== 0) throw new RangeError(`kp must be even and >= 2 (got ${kp})`);
  const rowBytes = kp * 8;
  // params 0..6: ip ix vl ct out r0 r1; locals: 7 r, 8 p, 9 e, 10 base, 11 rowOut, 12 x, 13.. accumulators
  const [IP, IX, VL, CT, OUT, R0, R1, R, P, E, BASE, ROWOUT, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const ACC = 13;
  const lanes = kp / 2;
  const code: number[] = [];
  const emit = (...xs: Array<number | number[]>) => {
    for (const x of xs) {
      if (Array.isArray(x)) code.push(...x);
      else code.push(x);
    }
  };
  emit(GET, R0, SET, R);
  emit(BLOCK, VOID, LOOP, VOID);
  emit(GET, R, GET, R1, I32_GE_S, BR_IF, 1);
  // rowOut = out + (r - r0) * rowBytes
  emit(GET, OUT, GET, R, GET, R0, I32_SUB, I32_CONST, sleb32(rowBytes), I32_MUL, I32_ADD, SET, ROWOUT);
  for (let first = 0; first < lanes; first += BLOCK_LANES) {
    const n = Math.min(BLOCK_LANES, lanes - first);
    for (let i = 0; i < n; i++) emit(V128_CONST, new Array(16).fill(0), SET, ACC + i);
    // p = ip[r]; e = ip[r + 1]
    emit(GET, IP, GET, R, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 0), SET, P);
    emit(GET, IP, GET, R, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 4), SET, E);
    emit(BLOCK, VOID, LOOP, VOID);
    emit(GET, P, GET, E, I32_GE_S, BR_IF, 1);
    // x = splat(f64(vl[p]))
    emit(GET, VL, GET, P, I32_CONST, 2, I32_SHL, I32_ADD, F32_LOAD, memarg(2, 0), F64_PROMOTE_F32, F64X2_SPLAT, SET, X);
    // base = ct + ix[p] * rowBytes
    emit(GET, CT, GET, IX, GET, P, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 0), I32_CONST, sleb32(rowBytes), I32_MUL, I32_ADD, SET, BASE);
    for (let i = 0; i < n; i++) {
      // acc_i = acc_i + x * ct[base + lane]
      emit(GET, ACC + i, GET, X, GET, BASE, V128_LOAD, memarg(3, (first + i) * 16), F64X2_MUL, F64X2_ADD, SET, ACC + i);
    }
    emit(GET, P, I32_CONST, 1, I32_ADD, SET, P, BR, 0, END, END);
    for (let i = 0; i < n; i++) emit(GET, ROWOUT, GET, ACC + i, V128_STORE, memarg(3, (first + i) * 16));
  }
  emit(GET, R, I32_CONST, 1, I32_ADD, SET, R, BR, 0, END, END, END);

  const locals = [...uleb(2), ...uleb(5), 0x7f, ...uleb(1 + BLOCK_LANES), 0x7b];
  const body = [...locals, ...code];
  const dotsFunc = [...uleb(body.length), ...body];
  const sums = sumsBody();
  const sumsFunc = [...uleb(sums.length), ...sums];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 7, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0, 0x60, 8, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...str('dots'), 0x00, 0, ...str('sums'), 0x00, 1]),
    ...section(10, [2, ...dotsFunc, ...sumsFunc]),
  ];
  return Uint8Array.from(bytes);
}

/** Body of `sums(ip, ix, vl, asg, sums, rowBytes, r0, r1)`. */
function sumsBody(): number[] {
  const [IP, IX, VL, ASG, SUMS, ROWB, R0, R1, R, P, E, BASE, ADDR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const c: number[] = [];
  const emit = (...xs: Array<number | number[]>) => {
    for (const x of xs) {
      if (Array.isArray(x)) c.push(...x);
      else c.push(x);
    }
  };
  emit(GET, R0, SET, R);
  emit(BLOCK, VOID, LOOP, VOID);
  emit(GET, R, GET, R1, I32_GE_S, BR_IF, 1);
  // base = sums + asg[r] * rowBytes
  emit(GET, SUMS, GET, ASG, GET, R, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(I32_LOAD_ALIGN, 0), GET, ROWB, I32_MUL, I32_ADD, SET, BASE);
  emit(GET, IP, GET, R, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 0), SET, P);
  emit(GET, IP, GET, R, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 4), SET, E);
  emit(BLOCK, VOID, LOOP, VOID);
  emit(GET, P, GET, E, I32_GE_S, BR_IF, 1);
  // addr = base + ix[p] * 8; sums[addr] += f64(vl[p])
  emit(GET, BASE, GET, IX, GET, P, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, memarg(2, 0), I32_CONST, 3, I32_SHL, I32_ADD, SET, ADDR);
  emit(GET, ADDR, GET, ADDR, F64_LOAD, memarg(3, 0), GET, VL, GET, P, I32_CONST, 2, I32_SHL, I32_ADD, F32_LOAD, memarg(2, 0), F64_PROMOTE_F32, F64_ADD, F64_STORE, memarg(3, 0));
  emit(GET, P, I32_CONST, 1, I32_ADD, SET, P, BR, 0, END, END);
  emit(GET, R, I32_CONST, 1, I32_ADD, SET, R, BR, 0, END, END, END);
  return [...uleb(1), ...uleb(5), 0x7f, ...c];
}

export type SumsFn = (ip: number, ix: number, vl: number, asg: number, sums: number, rowBytes: number, r0: number, r1: number) => void;

export type DotsFn = (ip: number, ix: number, vl: number, ct: number, out: number, r0: number, r1: number) => void;

/** True when this runtime compiles WebAssembly SIMD. */
export function wasmSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(dotsModuleBytes(2));
  } catch {
    return false;
  }
}

/** Compiled modules by kp: a Predictor is built for every model update, the module needs compiling once. */
const compiled = new Map<number, WebAssembly.Module>();

/** Instantiates the kernels for `kp` centers over `memory`. */
export function instantiateKernels(kp: number, memory: WebAssembly.Memory): { dots: DotsFn; sums: SumsFn } {
  let mod = compiled.get(kp);
  if (!mod) compiled.set(kp, (mod = new WebAssembly.Module(dotsModuleBytes(kp))));
  const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
  return { dots: inst.exports.dots as DotsFn, sums: inst.exports.sums as SumsFn };
}

/** Instantiates the dots kernel for `kp` centers over `memory`. */
export function instantiateDots(kp: number, memory: WebAssembly.Memory): DotsFn {
  return instantiateKernels(kp, memory).dots;
}
