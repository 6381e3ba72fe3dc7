/**
 * Lloyd's assignment and sum steps on every core: the CSR matrix is copied once into shared memory, each
 * worker thread owns a contiguous block of rows (balanced by non-zeros) and runs the sparse kernel of
 * assign.ts on it; partial sums and costs are added here. Same arithmetic per row as the in-process
 * kernel; only the order in which the per-thread sums are added differs.
 */
import { AppError } from '../errors.js';
import type { CsrMatrix } from '../linalg/sparse.js';
import { startWorker } from '../threads.js';
import type { Worker } from 'node:worker_threads';
import type { Distance } from './distance.js';
import type { LloydFromWorker, LloydToWorker, LloydWorkerData } from './lloyd-protocol.js';

export interface LloydStep {
  assignments: Int32Array;
  distances: Float64Array;
  cost: number;
  sums?: Float64Array;
  counts?: Float64Array;
}

function shared<T extends Int32Array | Float32Array | Float64Array>(src: T, make: (b: SharedArrayBuffer) => T): T {
  if (src.buffer instanceof SharedArrayBuffer && src.byteOffset === 0 && src.byteLength === src.buffer.byteLength) return src;
  const out = make(new SharedArrayBuffer(src.byteLength));
  out.set(src as never);
  return out;
}

/** Row boundaries splitting the matrix into `parts` blocks of about equal non-zeros (and rows). */
export function balancedSplits(indptr: Int32Array, rows: number, parts: number): number[] {
  const total = indptr[rows] + rows; // rows count too: every row costs k comparisons
  const cuts = [0];
  let r = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (r < rows && indptr[r] + r < target) r++;
    cuts.push(Math.max(cuts[cuts.length - 1], r));
  }
  cuts.push(rows);
  return cuts;
}

export class LloydPool {
  private readonly workers: Worker[];
  private readonly assignments: Int32Array;
  private readonly distances: Float64Array;
  private readonly cols: number;
  private nextId = 1;
  private closed = false;

  private constructor(workers: Worker[], assignments: Int32Array, distances: Float64Array, cols: number) {
    this.workers = workers;
    this.assignments = assignments;
    this.distances = distances;
    this.cols = cols;
  }

  /** `kernel` 'wasm' (default) runs WebAssembly SIMD dots in the workers where available; 'js' the JS kernel. */
  static async create(data: CsrMatrix, threads: number, norms2?: Float64Array, kernel: 'wasm' | 'js' = 'wasm'): Promise<LloydPool> {
    const indptr = shared(data.indptr, (b) => new Int32Array(b));
    const indices = shared(data.indices.subarray(0, data.indptr[data.rows]), (b) => new Int32Array(b));
    const values = shared(data.values.subarray(0, data.indptr[data.rows]), (b) => new Float32Array(b));
    const norms = norms2 ? shared(norms2, (b) => new Float64Array(b)) : null;
    const assignments = new Int32Array(new SharedArrayBuffer(data.rows * 4));
    const distances = new Float64Array(new SharedArrayBuffer(data.rows * 8));
    const cuts = balancedSplits(data.indptr, data.rows, threads);
    const workers: Worker[] = [];
    for (let t = 0; t < threads; t++) {
      const wd: LloydWorkerData = {
        rows: data.rows,
        cols: data.cols,
        indptr: indptr.buffer as SharedArrayBuffer,
        indices: indices.buffer as SharedArrayBuffer,
        values: values.buffer as SharedArrayBuffer,
        norms2: norms ? (norms.buffer as SharedArrayBuffer) : null,
        assignments: assignments.buffer as SharedArrayBuffer,
        distances: distances.buffer as SharedArrayBuffer,
        kernel,
        start: cuts[t],
        end: cuts[t + 1],
      };
      workers.push(startWorker(import.meta.url, 'lloyd-worker', wd));
    }
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('online', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
    return new LloydPool(workers, assignments, distances, data.cols);
  }

  /** Assigns every row to `centers` ([k, d]); with `sums`, also the per-cluster sums and counts. */
  async step(centers: Float32Array, k: number, distance: Distance, sums: boolean): Promise<LloydStep> {
    if (this.closed) throw new AppError('E_POOL_CLOSED', 'the Lloyd pool is closed');
    const replies = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<LloydFromWorker>((resolve, reject) => {
            const id = this.nextId++;
            const onMessage = (m: LloydFromWorker) => {
              if (m.id !== id) return;
              w.off('message', onMessage);
              w.off('error', onError);
              resolve(m);
            };
            const onError = (err: Error) => {
              w.off('message', onMessage);
              reject(new AppError('E_TRAIN_WORKER', `a k-means thread failed: ${err.message}`, { cause: err }));
            };
            w.on('message', onMessage);
            w.once('error', onError);
            w.postMessage({ id, centers, k, distance, sums } satisfies LloydToWorker);
          }),
      ),
    );
    let cost = 0;
    let total: Float64Array | undefined;
    let counts: Float64Array | undefined;
    for (const r of replies) {
      if (r.error !== undefined) throw new AppError('E_TRAIN_WORKER', `a k-means thread failed: ${r.error}`);
      cost += r.cost;
      if (sums) {
        if (!total) {
          total = r.sums!;
          counts = r.counts!;
        } else {
          for (let i = 0; i < total.length; i++) total[i] += r.sums![i];
          for (let j = 0; j < k; j++) counts![j] += r.counts![j];
        }
      }
    }
    if (sums && !total) {
      total = new Float64Array(k * this.cols);
      counts = new Float64Array(k);
    }
    // copies: the shared arrays are overwritten by the next step
    return { assignments: this.assignments.slice(), distances: this.distances.slice(), cost, sums: total, counts };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
