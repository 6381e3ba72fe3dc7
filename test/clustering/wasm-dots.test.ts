import { describe, expect, it } from 'vitest';
import { dotsModuleBytes, instantiateDots, wasmSimdAvailable } from '../../src/clustering/wasm-dots.js';
import { createRng } from '../../src/linalg/random.js';

describe('WebAssembly SIMD dots kernel', () => {
  it('is valid WebAssembly for every padded k, and rejects an odd k', () => {
    expect(wasmSimdAvailable()).toBe(true);
    for (const kp of [2, 4, 16, 18, 34, 100]) expect(WebAssembly.validate(dotsModuleBytes(kp))).toBe(true);
    expect(() => dotsModuleBytes(3)).toThrow(RangeError);
  });

  it.each([2, 6, 16, 18, 52])('gives the float64 dot products of float32 rows and centers, summed in row order (kp=%i)', (kp) => {
    const rng = createRng(kp);
    const d = 40;
    const rows = 30;
    const mem = new WebAssembly.Memory({ initial: 4 });
    const ipA = new Int32Array(rows + 1);
    const ixs: number[] = [];
    for (let r = 0; r < rows; r++) {
      const n = rng.int(12); // some rows empty
      for (let i = 0; i < n; i++) ixs.push(rng.int(d));
      ipA[r + 1] = ixs.length;
    }
    const ip = new Int32Array(mem.buffer, 0, rows + 1);
    ip.set(ipA);
    const ix = new Int32Array(mem.buffer, 1024, ixs.length);
    ix.set(ixs);
    const vl = new Float32Array(mem.buffer, 4096, ixs.length);
    for (let i = 0; i < vl.length; i++) vl[i] = rng.normal();
    const ct = new Float64Array(mem.buffer, 8192, d * kp);
    for (let i = 0; i < ct.length; i++) ct[i] = Math.fround(rng.normal());
    const outOff = 8192 + d * kp * 8;
    instantiateDots(kp, mem)(0, 1024, 4096, 8192, outOff, 3, rows);
    const out = new Float64Array(mem.buffer, outOff, (rows - 3) * kp);
    for (let r = 3; r < rows; r++) {
      for (let j = 0; j < kp; j++) {
        let s = 0;
        for (let p = ip[r]; p < ip[r + 1]; p++) s += vl[p] * ct[ix[p] * kp + j];
        expect(out[(r - 3) * kp + j]).toBe(s);
      }
    }
  });
});
