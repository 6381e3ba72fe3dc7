/**
 * Keeps the ModelHolder on the newest model at a path: polls `modelStamp` on the clock and, when it
 * changed, loads and swaps the model in (the pipeline takes one snapshot per batch, so a swap lands
 * between batches). A store folder swaps only to a higher version than the one in use (the streaming
 * updater's own versions are already there); a single file swaps on any change. A model that fails to
 * load is reported with its code and the old one stays.
 */
import type { ModelHolder } from '../clustering/model-holder.js';
import { errorMessage, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { loadModel, modelStamp } from '../store/model-store.js';
import type { Clock } from './clock.js';

export interface ModelWatchOptions {
  path: string;
  holder: ModelHolder;
  clock: Clock;
  pollMs: number;
  log: Logger;
  onWarning?: (code: string, message: string) => void;
}

export class ModelWatcher {
  private readonly o: ModelWatchOptions;
  private lastStamp?: string;
  private abort = new AbortController();
  private loop?: Promise<void>;
  /** Completed polls (tests wait on it). */
  polls = 0;

  constructor(o: ModelWatchOptions) {
    this.o = o;
  }

  /** Remembers the current stamp (the model in use came from it) and starts polling. */
  async start(): Promise<void> {
    this.lastStamp = await modelStamp(this.o.path);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { clock, pollMs } = this.o;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await clock.sleepUntil(clock.now() + pollMs, signal);
      if (signal.aborted) return;
      await this.check();
      this.polls++;
    }
  }

  /** One poll: swaps in a changed, valid model. */
  async check(): Promise<void> {
    const { path, holder, log } = this.o;
    const stamp = await modelStamp(path);
    if (stamp === undefined || stamp === this.lastStamp) return;
    this.lastStamp = stamp;
    try {
      const model = await loadModel(path);
      const isStore = stamp.startsWith('v');
      if (isStore && model.version <= holder.version) return;
      holder.set(model, path);
      log.info({ path, version: model.version }, 'new model in use');
    } catch (err) {
      const code = isAppError(err) ? err.code : 'E_MODEL_INVALID';
      const message = `new model at ${path} not used, the current one stays (version ${holder.version}): ${errorMessage(err)}`;
      log.warn({ code }, message);
      this.o.onWarning?.(code, message);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
