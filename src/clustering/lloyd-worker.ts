/**
 * Worker-thread entry of the Lloyd pool: owns rows [start, end) of a CSR matrix held in shared memory;
 * each step assigns them to the given centers (sparse kernel) into the shared assignment/distance arrays
 * and, when asked, returns the partial per-cluster sums and counts of its rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { addClusterSums, assignSparseRange, prepareSparseCenters } from './assign.js';
import { WasmAssigner } from './wasm-assign.js';
import { wasmSimdAvailable } from './wasm-dots.js';
import type { LloydFromWorker, LloydToWorker, LloydWorkerData } from './lloyd-protocol.js';

const w = workerData as LloydWorkerData;
const data = {
  rows: w.rows,
  cols: w.cols,
  indptr: new Int32Array(w.indptr),
  indices: new Int32Array(w.indices),
  values: new Float32Array(w.values),
};
const norms2 = w.norms2 ? new Float64Array(w.norms2) : undefined;
const assignments = new Int32Array(w.assignments);
const distances = new Float64Array(w.distances);
const port = parentPort!;
// the SIMD kernel when this runtime has WebAssembly SIMD and the rows fit its memory; else the JS kernel
const wasm = w.kernel === 'wasm' && wasmSimdAvailable() ? WasmAssigner.create(data, w.start, w.end) : undefined;

port.on('message', (m: LloydToWorker) => {
  try {
    const { ct, cn2 } = prepareSparseCenters(m.centers, m.k, data.cols);
    const cost = wasm
      ? wasm.assign(m.centers, m.k, cn2, m.distance, norms2, w.start, assignments, distances, m.sums)
      : assignSparseRange(data, ct, cn2, m.k, m.distance, norms2, w.start, w.end, assignments, distances);
    let reply: LloydFromWorker;
    if (m.sums) {
      let sums: Float64Array;
      let counts: Float64Array;
      if (wasm) ({ sums, counts } = wasm.sums());
      else {
        sums = new Float64Array(m.k * data.cols);
        counts = new Float64Array(m.k);
        addClusterSums(data, assignments, w.start, w.end, sums, counts);
      }
      reply = { id: m.id, cost, sums, counts };
      port.postMessage(reply, [sums.buffer as ArrayBuffer, counts.buffer as ArrayBuffer]);
    } else {
      reply = { id: m.id, cost };
      port.postMessage(reply);
    }
  } catch (err) {
    port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies LloydFromWorker);
  }
});
