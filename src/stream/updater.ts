/**
 * StreamingKMeans inside the pipeline: every batch is folded into float64 centers with MLlib's rule
 * (points assigned with the updater's own current centers, decay, dying-cluster split); every
 * `publishEvery` batches the centers become a new model version: saved to the ModelStore (when one is
 * given) and swapped into the ModelHolder, so classification always uses the newest published model.
 * The updater's state goes into checkpoints; a model that arrives from elsewhere (a newer version in
 * the store) replaces the updater's state.
 */
import type { ModelHolder } from '../clustering/model-holder.js';
import { modelFromJSON, modelToJSON, type ClusterModel } from '../clustering/model.js';
import { normalizeRow } from '../clustering/distance.js';
import {
  addPoint,
  indexCenters,
  emptyStats,
  foldStats,
  nearestIndexed,
  randomState,
  resolveDecay,
  stateFromCenters,
  updateWithBatch,
  type Decay,
  type DecayOptions,
  type StreamingState,
  type UpdateResult,
} from '../clustering/streaming-kmeans.js';
import { ConfigError, InputError } from '../errors.js';
import type { SparseVector } from '../linalg/sparse.js';
import type { Logger } from '../log.js';
import type { ModelStore } from '../store/model-store.js';
import type { TimeSlicer } from './slicer.js';

export const STREAMING_UPDATE_SOURCE = 'streaming-update';

export interface UpdateOptions extends DecayOptions {
  /** Publish a new model version every this many batches. */
  publishEvery?: number;
  /** Where versions are written (absent: swapped in memory only). */
  store?: ModelStore;
}

function f64ToBase64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function base64ToF64(s: unknown, n: number): Float64Array {
  if (typeof s !== 'string') throw new InputError('E_CHECKPOINT_INVALID', 'checkpointed centers are not base64');
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength !== n * 8) throw new InputError('E_CHECKPOINT_INVALID', `checkpointed centers hold ${buf.byteLength / 8} values, expected ${n}`);
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export interface UpdaterSnapshot {
  model: Record<string, unknown>;
  centers: string;
  weights: number[];
  /** `updates` of the model the folding started from. */
  baseUpdates: number;
  folded: number;
  sincePublish: number;
}

export class StreamingUpdater {
  readonly decay: Decay;
  readonly publishEvery: number;
  private readonly holder: ModelHolder;
  private readonly store?: ModelStore;
  private readonly log: Logger;
  private base: ClusterModel;
  private state: StreamingState;
  /** Batches folded since `base`. */
  private folded = 0;
  private sincePublish = 0;

  constructor(holder: ModelHolder, { publishEvery = 10, store, ...decay }: UpdateOptions, log: Logger) {
    if (!Number.isInteger(publishEvery) || publishEvery < 1) {
      throw new ConfigError('E_BAD_OPTION', `publishEvery must be an integer >= 1 batches (got ${publishEvery})`);
    }
    this.decay = resolveDecay(decay);
    this.publishEvery = publishEvery;
    this.holder = holder;
    this.store = store;
    this.log = log;
    this.base = holder.current.model;
    this.state = this.stateOf(this.base);
  }

  private stateOf(m: ClusterModel): StreamingState {
    return stateFromCenters(m.centers, m.weights, m.k, m.features.numFeatures);
  }

  /** The current (unpublished) centers and weights. */
  get current(): Readonly<StreamingState> {
    return this.state;
  }

  /** Starts over from a model that came from elsewhere (a newer version in the store). */
  adopt(model: ClusterModel): void {
    this.base = model;
    this.state = this.stateOf(model);
    this.folded = 0;
    this.sincePublish = 0;
  }

  /** Folds one batch's vectors (texts without features are left out, as they have no direction). */
  fold(vectors: readonly SparseVector[]): UpdateResult {
    const points = vectors.filter((v) => v.indices.length > 0);
    return this.folds(updateWithBatch(this.state, points, this.decay, this.base.distance));
  }

  /**
   * fold() in time slices: the assignments (nearest center of every point, the costly part) run in chunks
   * that pause on the slicer; the result is fold()'s, bit for bit (same points, same order, same centers).
   * A model adopted while the batch is being assigned (an upload) is assigned again with its centers.
   */
  async foldSliced(vectors: readonly SparseVector[], slicer: TimeSlicer): Promise<UpdateResult> {
    for (;;) {
      const state = this.state;
      const distance = this.base.distance;
      const stats = emptyStats(state.k, state.d);
      const index = indexCenters(state);
      await slicer.chunks(vectors.length, 128, (start, end) => {
        for (let i = start; i < end; i++) {
          const v = vectors[i];
          if (v.indices.length > 0) addPoint(stats, v, nearestIndexed(index, v, distance));
        }
      });
      if (state !== this.state) continue;
      return this.folds({ ...foldStats(state, stats, this.decay, distance), stats });
    }
  }

  /** The bookkeeping of one folded batch (fold and foldSliced alike). */
  private folds<R extends UpdateResult>(r: R): R {
    if (r.split) this.log.info({ dying: r.split.smallest, split: r.split.largest }, 'a cluster was dying: the largest cluster was split');
    this.folded++;
    this.sincePublish++;
    return r;
  }

  get due(): boolean {
    return this.sincePublish >= this.publishEvery;
  }

  /** Publishing failed: try again after another `publishEvery` batches (the centers keep folding). */
  deferPublish(): void {
    this.sincePublish = 0;
  }

  /** Writes the current centers as the next model version and swaps it in. Returns the version. */
  async publish(now: number): Promise<number> {
    const { centers, weights } = this.state;
    const model: ClusterModel = {
      ...this.base,
      version: this.holder.version + 1,
      createdAt: new Date(now).toISOString(),
      centers: Float32Array.from(centers),
      weights: Array.from(weights),
      updates: this.base.updates + this.folded,
    };
    if (this.store) model.version = await this.store.save(model);
    this.holder.set(model, STREAMING_UPDATE_SOURCE);
    this.sincePublish = 0;
    return model.version;
  }

  snapshot(): UpdaterSnapshot {
    return {
      model: modelToJSON(this.holder.current.model),
      centers: f64ToBase64(this.state.centers),
      weights: Array.from(this.state.weights),
      baseUpdates: this.base.updates,
      folded: this.folded,
      sincePublish: this.sincePublish,
    };
  }

  restore(s: unknown): void {
    const o = s as Partial<UpdaterSnapshot> | null;
    if (typeof o !== 'object' || o === null || !Array.isArray(o.weights)) throw new InputError('E_CHECKPOINT_INVALID', 'checkpointed model state is malformed');
    const model = modelFromJSON(o.model);
    const d = model.features.numFeatures;
    if (o.weights.length !== model.k) throw new InputError('E_CHECKPOINT_INVALID', 'checkpointed weights do not match the model');
    this.holder.set(model, 'checkpoint');
    this.base = { ...model, updates: Number(o.baseUpdates) || 0 };
    this.state = { k: model.k, d, centers: base64ToF64(o.centers, model.k * d), weights: Float64Array.from(o.weights) };
    this.folded = Number(o.folded) || 0;
    this.sincePublish = Number(o.sincePublish) || 0;
  }
}

/** Spark's setRandomCenters on a model's features: k gaussian centers (unit length for cosine), no labels. */
export function randomCentersModel(base: ClusterModel, k: number, seed: number, weight = 0): ClusterModel {
  if (!Number.isInteger(k) || k < 1) throw new ConfigError('E_BAD_OPTION', `k must be an integer >= 1 (got ${k})`);
  const d = base.features.numFeatures;
  const s = randomState(k, d, weight, seed);
  if (base.distance === 'cosine') for (let j = 0; j < k; j++) normalizeRow(s.centers, j, d);
  return {
    ...base,
    version: 1,
    createdAt: new Date(0).toISOString(),
    k,
    centers: Float32Array.from(s.centers),
    weights: new Array(k).fill(weight),
    labels: new Array(k).fill(null),
    training: null,
    updates: 0,
    terms: {},
    samples: [],
  };
}
