/**
 * Messages between the classifier pool and its worker threads. Texts travel as an array of strings
 * (structured clone: measured 2-3x cheaper on the sending thread than joining them into one string);
 * predictions come back as transferred typed arrays.
 */
import type { ClusterModel } from '../clustering/model.js';

export interface WorkerData {
  model: ClusterModel;
}

export type ToWorker =
  | { type: 'classify'; id: number; texts: string[] }
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
