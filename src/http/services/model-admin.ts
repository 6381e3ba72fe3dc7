/**
 * Swapping the running model: reload from the repository, or take an uploaded model, save it atomically
 * and swap it in. A model that fails validation is refused (ModelError, 400) and the running one stays.
 * Operations run one at a time.
 */
import type { ModelHolder, ModelSnapshot } from '../../clustering/model-holder.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { HttpError } from '../errors.js';
import { validateUpload, type ModelRepository } from './model-repository.js';

export interface SwapResult {
  version: number;
  previousVersion: number;
  source: string;
  k: number;
  labels: Array<string | null>;
}

export class ModelAdmin {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly models: ModelHolder,
    private readonly repo: ModelRepository | undefined,
    private readonly log: Logger,
  ) {}

  get hasStore(): boolean {
    return this.repo !== undefined;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private result(next: ModelSnapshot, previous: number): SwapResult {
    return { version: next.model.version, previousVersion: previous, source: next.source, k: next.model.k, labels: next.model.labels };
  }

  /** Loads the newest model from the repository and swaps it in. */
  reload(): Promise<SwapResult> {
    return this.serial(async () => {
      const repo = this.requireRepo();
      const previous = this.models.version;
      const { model, source } = await repo.load();
      const next = this.models.set(model, source);
      this.log.info({ version: model.version, previous, source }, 'model reloaded');
      return this.result(next, previous);
    });
  }

  /** Validates an uploaded model, saves it as the next store version, swaps it in. */
  upload(body: unknown): Promise<SwapResult> {
    return this.serial(async () => {
      const repo = this.requireRepo();
      const model = validateUpload(body);
      const previous = this.models.version;
      // versions only go up while the service runs: the upload gets at least the running version + 1
      let version: number;
      try {
        version = await repo.save({ ...model, version: Math.max(model.version, previous + 1) });
      } catch (err) {
        this.log.error({ err }, 'could not save an uploaded model');
        throw new HttpError(503, 'E_MODEL_SAVE_FAILED', `the model is valid but could not be saved to the store (${errorMessage(err)}); the running model stays`);
      }
      const next = this.models.set({ ...model, version }, 'upload');
      this.log.info({ version, previous, k: model.k }, 'model uploaded and swapped in');
      return this.result(next, previous);
    });
  }

  private requireRepo(): ModelRepository {
    if (!this.repo) throw new HttpError(503, 'E_NO_MODEL_STORE', 'no model store is configured for this service');
    return this.repo;
  }
}
