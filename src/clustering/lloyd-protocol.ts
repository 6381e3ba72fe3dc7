/** Messages between the Lloyd pool and its worker threads (the matrix itself sits in shared memory). */
import type { Distance } from './distance.js';

export interface LloydWorkerData {
  rows: number;
  cols: number;
  indptr: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  values: SharedArrayBuffer;
  norms2: SharedArrayBuffer | null;
  assignments: SharedArrayBuffer;
  distances: SharedArrayBuffer;
  /** 'wasm': the WebAssembly SIMD kernel where it runs (same results as 'js'). */
  kernel: 'wasm' | 'js';
  /** This worker's rows. */
  start: number;
  end: number;
}

export interface LloydToWorker {
  id: number;
  centers: Float32Array;
  k: number;
  distance: Distance;
  /** Also return per-cluster partial sums and counts. */
  sums: boolean;
}

export type LloydFromWorker =
  | { id: number; cost: number; sums?: Float64Array; counts?: Float64Array; error?: undefined }
  | { id: number; error: string };
