/**
 * Models on disk. A model path is either one JSON file, or a store folder of versioned files
 * (`model-000001.json`, ...) with a `CURRENT` file naming the newest; every write is atomic, and old
 * versions beyond `keep` are pruned. Loading validates the model and names the problem when it fails.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError, fromSystemError, ModelError } from '../errors.js';
import { parseModel, serializeModel, type ClusterModel } from '../clustering/model.js';
import { ensureDir, writeFileAtomic } from './atomic.js';

const VERSION_FILE = /^model-(\d{6,})\.json$/;
export const CURRENT_FILE = 'CURRENT';

export function versionFileName(version: number): string {
  return `model-${String(version).padStart(6, '0')}.json`;
}

async function readModelFile(file: string): Promise<ClusterModel> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fromSystemError(err, `reading model ${file}`);
  }
  try {
    return parseModel(text);
  } catch (err) {
    if (err instanceof AppError) {
      throw new ModelError(err.code, `${file}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

export class ModelStore {
  readonly dir: string;
  readonly keep: number;

  constructor(dir: string, opts: { keep?: number } = {}) {
    this.dir = dir;
    this.keep = opts.keep ?? 10;
  }

  /** Versions present on disk, ascending. */
  async versions(): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromSystemError(err, `listing ${this.dir}`);
    }
    return names
      .map((n) => VERSION_FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** The version CURRENT names, or the highest on disk, or undefined for an empty store. */
  async currentVersion(): Promise<number | undefined> {
    try {
      const name = (await fs.readFile(path.join(this.dir, CURRENT_FILE), 'utf8')).trim();
      const m = VERSION_FILE.exec(name);
      if (m) return Number(m[1]);
    } catch {
      // no CURRENT: fall back to the highest version
    }
    const vs = await this.versions();
    return vs.length ? vs[vs.length - 1] : undefined;
  }

  async load(version?: number): Promise<ClusterModel> {
    const v = version ?? (await this.currentVersion());
    if (v === undefined) throw new ModelError('E_MODEL_NOT_FOUND', `no model in ${this.dir}`);
    return readModelFile(path.join(this.dir, versionFileName(v)));
  }

  /**
   * Writes `model` as the next version (model.version is set to it when it is not above the current one)
   * and points CURRENT at it. Returns the version written.
   */
  async save(model: ClusterModel): Promise<number> {
    await ensureDir(this.dir);
    const cur = (await this.currentVersion()) ?? 0;
    const version = Math.max(model.version, cur + 1);
    const toWrite = { ...model, version };
    await writeFileAtomic(path.join(this.dir, versionFileName(version)), serializeModel(toWrite));
    await writeFileAtomic(path.join(this.dir, CURRENT_FILE), versionFileName(version) + '\n');
    await this.prune();
    return version;
  }

  private async prune(): Promise<void> {
    const vs = await this.versions();
    for (const v of vs.slice(0, Math.max(0, vs.length - this.keep))) {
      await fs.rm(path.join(this.dir, versionFileName(v)), { force: true }).catch(() => undefined);
    }
  }
}

/** True when `p` names a single model file rather than a store folder. */
export function isModelFilePath(p: string): boolean {
  return p.endsWith('.json');
}

/** Loads a model from a file or a store folder. */
export async function loadModel(p: string): Promise<ClusterModel> {
  let st;
  try {
    st = await fs.stat(p);
  } catch (err) {
    throw new ModelError('E_MODEL_NOT_FOUND', `model not found: ${p}`, { cause: err });
  }
  if (st.isDirectory()) return new ModelStore(p).load();
  return readModelFile(p);
}

/** Saves to a file (atomically) or as the next version of a store folder. Returns the version written. */
export async function saveModel(p: string, model: ClusterModel): Promise<number> {
  if (isModelFilePath(p)) {
    await ensureDir(path.dirname(path.resolve(p)));
    await writeFileAtomic(p, serializeModel(model));
    return model.version;
  }
  return new ModelStore(p).save(model);
}

/** A stamp that changes whenever the model at `p` changes (for polling the newest model). */
export async function modelStamp(p: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(p);
    if (st.isDirectory()) {
      const v = await new ModelStore(p).currentVersion();
      if (v === undefined) return undefined;
      // the version file's own stamp too: a damaged version repaired in place is seen as a change
      const f = await fs.stat(path.join(p, versionFileName(v))).catch(() => undefined);
      return `v${v}:${f ? `${f.mtimeMs}:${f.size}` : 'missing'}`;
    }
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}
