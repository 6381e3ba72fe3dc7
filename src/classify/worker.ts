/**
 * Worker-thread entry of the classifier pool: one Predictor per thread (its buffers are reused across
 * texts), texts in, typed-array predictions out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../errors.js';
import { Predictor, allocBatchPredictions } from '../clustering/predictor.js';
import type { FromWorker, SerializedError, ToWorker, WorkerData } from './protocol.js';

function serialize(err: unknown): SerializedError {
  if (isAppError(err)) return { name: err.name, code: err.code, message: err.message, retriable: err.retriable, status: err.status };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, code: 'E_CLASSIFY_INTERNAL', message: e.message, retriable: false, status: 500 };
}

const port = parentPort!;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let predictor: Predictor;
try {
  predictor = new Predictor((workerData as WorkerData).model);
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'init-error', error: serialize(err) });
}

port.on('message', (msg: ToWorker) => {
  try {
    if (msg.type === 'model') {
      predictor = new Predictor(msg.model);
      post({ type: 'model-set', id: msg.id, version: msg.model.version });
      return;
    }
    const { start, end } = msg;
    const out = allocBatchPredictions(end - start);
    predictor.predictBatchUnits(new Uint16Array(msg.units), new Int32Array(msg.offs, 4 * start, end - start + 1), out);
    post({ type: 'result', id: msg.id, cluster: out.cluster, distance: out.distance, reason: out.reason }, [
      out.cluster.buffer as ArrayBuffer,
      out.distance.buffer as ArrayBuffer,
      out.reason.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    post({ type: 'error', id: msg.id, error: serialize(err) });
  }
});
