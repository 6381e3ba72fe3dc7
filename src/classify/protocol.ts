/**
 * Messages between the classifier pool and its worker threads. Texts travel as one joined string plus
 * end offsets (one copy, no per-string cloning); predictions come back as transferred typed arrays.
 */
import type { ClusterModel } from '../clustering/model.js';

export interface WorkerData {
  model: ClusterModel;
}

export type ToWorker =
  | { type: 'classify'; id: number; joined: string; ends: Uint32Array }
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
