/**
 * Messages between the classifier pool and its worker threads. The texts of one `classify` call travel
 * as UTF-16 code units in a SharedArrayBuffer, written once by the pool (`units`, with `offs`: text i is
 * units[offs[i] .. offs[i + 1])); each chunk message names its texts [start, end). That is one copy on the
 * sending thread and a memcpy on the worker's, where an array of strings costs a structured clone on both.
 * Predictions come back as transferred typed arrays.
 */
import type { ClusterModel } from '../clustering/model.js';

export interface WorkerData {
  model: ClusterModel;
}

export type ToWorker =
  | { type: 'classify'; id: number; units: SharedArrayBuffer; offs: SharedArrayBuffer; start: number; end: number }
  | { type: 'model'; id: number; model: ClusterModel };

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retriable: boolean;
  status: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; cluster: Int32Array; distance: Float64Array; reason: Uint8Array }
  | { type: 'model-set'; id: number; version: number }
  | { type: 'error'; id: number; error: SerializedError };
