/**
 * Where the API service's models live: a versioned store folder (uploads are saved there atomically,
 * reloads read its CURRENT version) seeded by a model file (the bundled default) while the store is empty.
 */
import { Predictor } from '../../clustering/predictor.js';
import { modelFromJSON, type ClusterModel } from '../../clustering/model.js';
import { AppError, ModelError } from '../../errors.js';
import { loadModel, ModelStore } from '../../store/model-store.js';

export interface LoadedModel {
  model: ClusterModel;
  /** Path it was read from. */
  source: string;
}

export interface ModelRepository {
  /** Human-readable location (for logs and GET /v1/model). */
  readonly location: string;
  /** The newest model: the store's CURRENT version, or the seed while the store is empty. */
  load(): Promise<LoadedModel>;
  /** Saves atomically as the next version; returns the version written. */
  save(model: ClusterModel): Promise<number>;
  /**
   * At start-up: the newest store version that loads, newest first; a damaged one (E_MODEL_FORMAT,
   * E_MODEL_INVALID, E_IO...) is reported to `onSkip` and the next older one tried; the seed when none
   * loads. The service then starts with the last good model instead of not starting at all.
   */
  loadLastGood(onSkip: (version: number, err: AppError) => void): Promise<LoadedModel>;
}

export interface RepositoryOptions {
  storeDir: string;
  seedPath: string;
  /** Versions kept in the store. */
  keep?: number;
}

export function createModelRepository({ storeDir, seedPath, keep = 10 }: RepositoryOptions): ModelRepository {
  const store = new ModelStore(storeDir, { keep });
  return {
    location: `${storeDir} (seed ${seedPath})`,
    async load() {
      const v = await store.currentVersion();
      if (v !== undefined) return { model: await store.load(v), source: storeDir };
      return { model: await loadModel(seedPath), source: seedPath };
    },
    save: (model) => store.save(model),
    async loadLastGood(onSkip) {
      const current = await store.currentVersion();
      const versions = (await store.versions()).filter((v) => current === undefined || v <= current).reverse();
      if (current !== undefined && !versions.includes(current)) versions.unshift(current);
      for (const v of versions) {
        try {
          return { model: await store.load(v), source: storeDir };
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          onSkip(v, err);
        }
      }
      return { model: await loadModel(seedPath), source: seedPath };
    },
  };
}

/** Validates an uploaded model object completely (format, shapes, values, and that a predictor builds). */
export function validateUpload(body: unknown): ClusterModel {
  const model = modelFromJSON(body);
  try {
    new Predictor(model).predict('validation');
  } catch (err) {
    throw new ModelError('E_MODEL_INVALID', `invalid model: it cannot predict (${(err as Error).message})`, { cause: err });
  }
  return model;
}
