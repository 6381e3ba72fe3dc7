/**
 * Checkpoints: everything a restarted stream needs to go on where it stopped (Spark's getOrCreate).
 * One JSON file per checkpoint, `checkpoint-<batch time>.json`, written atomically (temp file, fsync,
 * rename, fsync of the folder) after the batch's outputs were written; the newest few are kept. A
 * checkpoint holds the batch time and zero time, the positions of every input up to which records were
 * fully processed, the state of every stateful operator (windows, updateStateByKey) and extra state
 * registered by the application (the StreamingKMeans model). Reading takes the newest file that parses
 * and validates, and warns about (and skips) damaged ones.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage, fromSystemError, InputError } from '../errors.js';
import type { Positions } from '../sources/types.js';
import { ensureDir, writeFileAtomic } from '../store/atomic.js';

export const CHECKPOINT_FORMAT = 'tweetlang-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
const FILE = /^checkpoint-(\d{1,20})\.json$/;

export interface CheckpointData {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: typeof CHECKPOINT_FORMAT_VERSION;
  /** Time of the last batch whose outputs and state this checkpoint covers. */
  time: number;
  /** The stream's zero time: windows slide on multiples of their slide after it. */
  zeroTime: number;
  batchMs: number;
  /** Batches processed since the stream first started (across restarts). */
  batches: number;
  createdAt: string;
  /** Ids of the stateful operators ("<index>:<kind>"): a checkpoint only fits the same graph. */
  graph: string[];
  /** Input id -> positions processed (the next record to read). */
  inputs: Record<string, Positions>;
  /** Stateful operator id -> its state. */
  nodes: Record<string, unknown>;
  /** Application state by name (e.g. the streaming model). */
  extras: Record<string, unknown>;
}

export function checkpointFileName(time: number): string {
  return `checkpoint-${String(time).padStart(16, '0')}.json`;
}

function validate(o: unknown, file: string): CheckpointData {
  const bad = (what: string) => new InputError('E_CHECKPOINT_INVALID', `${file}: invalid checkpoint: ${what}`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad('not a JSON object');
  const c = o as Record<string, unknown>;
  if (c.format !== CHECKPOINT_FORMAT) throw bad(`format must be "${CHECKPOINT_FORMAT}"`);
  if (c.formatVersion !== CHECKPOINT_FORMAT_VERSION) throw bad(`formatVersion ${JSON.stringify(c.formatVersion)} is not supported`);
  for (const k of ['time', 'zeroTime', 'batchMs', 'batches'] as const) {
    if (typeof c[k] !== 'number' || !Number.isSafeInteger(c[k])) throw bad(`${k} must be an integer`);
  }
  if (!Array.isArray(c.graph) || c.graph.some((g) => typeof g !== 'string')) throw bad('graph must be a list of operator ids');
  for (const k of ['inputs', 'nodes', 'extras'] as const) {
    if (typeof c[k] !== 'object' || c[k] === null || Array.isArray(c[k])) throw bad(`${k} must be an object`);
  }
  for (const [id, pos] of Object.entries(c.inputs as Record<string, unknown>)) {
    if (typeof pos !== 'object' || pos === null || Object.values(pos).some((v) => typeof v !== 'number' && typeof v !== 'string')) {
      throw bad(`positions of input ${id} must map partitions to offsets`);
    }
  }
  return o as CheckpointData;
}

export interface CheckpointStoreOptions {
  /** Checkpoint files kept (older ones are deleted after each write). */
  keep?: number;
  /** Told about damaged checkpoint files that were skipped. */
  onWarning?: (code: string, message: string) => void;
}

export class CheckpointStore {
  readonly dir: string;
  private readonly keep: number;
  private readonly onWarning: (code: string, message: string) => void;

  constructor(dir: string, { keep = 3, onWarning = () => undefined }: CheckpointStoreOptions = {}) {
    if (!Number.isInteger(keep) || keep < 1) throw new ConfigError('E_BAD_OPTION', `keep must be an integer >= 1 (got ${keep})`);
    this.dir = dir;
    this.keep = keep;
    this.onWarning = onWarning;
  }

  /** Checkpoint times on disk, ascending. */
  async times(): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromSystemError(err, `listing checkpoints in ${this.dir}`);
    }
    return names
      .map((n) => FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async write(data: CheckpointData): Promise<string> {
    await ensureDir(this.dir);
    const file = path.join(this.dir, checkpointFileName(data.time));
    await writeFileAtomic(file, JSON.stringify(data));
    const times = await this.times();
    for (const t of times.slice(0, Math.max(0, times.length - this.keep))) {
      await fs.rm(path.join(this.dir, checkpointFileName(t)), { force: true }).catch(() => undefined);
    }
    return file;
  }

  async read(time: number): Promise<CheckpointData> {
    const file = path.join(this.dir, checkpointFileName(time));
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw fromSystemError(err, `reading checkpoint ${file}`);
    }
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch (err) {
      throw new InputError('E_CHECKPOINT_INVALID', `${file}: invalid checkpoint: not JSON (${errorMessage(err)})`);
    }
    return validate(o, file);
  }

  /** The newest checkpoint that reads and validates; damaged newer ones are reported and skipped. */
  async latest(): Promise<CheckpointData | undefined> {
    const times = await this.times();
    for (let i = times.length - 1; i >= 0; i--) {
      try {
        return await this.read(times[i]);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        this.onWarning(err.code, `${err.message}; trying an older checkpoint`);
      }
    }
    return undefined;
  }
}
