/**
 * The model in use, swapped atomically: readers take `current` once per batch or request and keep a
 * consistent (model, predictor) pair; `set` builds the new predictor before swapping, so a bad model
 * never replaces a good one. Emits 'model.updated' after each swap.
 */
import { EventEmitter } from 'node:events';
import type { ClusterModel } from './model.js';
import { Predictor } from './predictor.js';

export interface ModelSnapshot {
  model: ClusterModel;
  predictor: Predictor;
  /** Where it came from: a path, "upload", "streaming-update"... */
  source: string;
  loadedAt: number;
}

export interface ModelHolderEvents {
  'model.updated': [snapshot: ModelSnapshot, previous: ModelSnapshot];
}

export class ModelHolder extends EventEmitter<ModelHolderEvents> {
  private snapshot: ModelSnapshot;

  constructor(model: ClusterModel, source = 'initial') {
    super();
    this.snapshot = { model, predictor: new Predictor(model), source, loadedAt: Date.now() };
  }

  get current(): ModelSnapshot {
    return this.snapshot;
  }

  get version(): number {
    return this.snapshot.model.version;
  }

  /** Replaces the model (predictor built first: throws and keeps the old model if that fails). */
  set(model: ClusterModel, source: string): ModelSnapshot {
    const next: ModelSnapshot = { model, predictor: new Predictor(model), source, loadedAt: Date.now() };
    const previous = this.snapshot;
    this.snapshot = next;
    this.emit('model.updated', next, previous);
    return next;
  }
}
