/**
 * The updater's logic without Kafka: stats messages in (with their stats-topic position), model versions
 * out. Each closed round is folded once with MLlib's rule (foldStats) into a float64 state; every tick
 * that folded at least one round yields one new model version.
 *
 * Restart safety: each published model carries, per stats partition, `consumed` (everything before it
 * had been read when the model was made) and `resume` (everything before it is folded into the model).
 * A restarted updater reads from `resume`; a part of a round <= lastFolded found before `consumed` was
 * already folded (skipped), one found after it is genuinely late (carried into the next round).
 */
import { cloneModel, type ClusterModel } from '../clustering/model.js';
import { foldStats, stateFromCenters, type Decay, type StreamingState } from '../clustering/streaming-kmeans.js';
import { decodeStats, type StatsPart } from './stats-codec.js';
import { RoundTable, type ClosedRound } from './rounds.js';

export interface UpdaterProgress {
  /** Rounds up to this batch time are folded. */
  lastFolded: number;
  /** stats partition -> offset: everything before was read. */
  consumed: Record<string, string>;
  /** stats partition -> offset: everything before is folded. */
  resume: Record<string, string>;
}

export interface UpdaterCoreOptions {
  model: ClusterModel;
  decay: Decay;
  graceMs?: number;
  memberTimeoutMs?: number;
  /** From the last published model's headers, when restarting. */
  progress?: UpdaterProgress;
  now?: () => number;
}

export type OfferResult = 'accepted' | 'late' | 'duplicate' | 'folded-before' | 'invalid';

export interface Published {
  model: ClusterModel;
  progress: UpdaterProgress;
  rounds: ClosedRound[];
}

export function stateFromModel(m: ClusterModel): StreamingState {
  return stateFromCenters(m.centers, m.weights, m.k, m.features.numFeatures);
}

/** A new model version from `base` with the state's centers and weights. */
export function modelFromState(base: ClusterModel, state: StreamingState, version: number, foldedRounds: number, now = Date.now()): ClusterModel {
  const m = cloneModel(base);
  m.version = version;
  m.createdAt = new Date(now).toISOString();
  m.centers = Float32Array.from(state.centers);
  m.weights = Array.from(state.weights);
  m.updates = base.updates + foldedRounds;
  return m;
}

export class UpdaterCore {
  readonly table: RoundTable;
  readonly decay: Decay;
  private model: ClusterModel;
  private readonly state: StreamingState;
  private readonly consumed = new Map<string, bigint>();
  private readonly pending: Array<{ partition: string; offset: bigint; round: number }> = [];
  private readonly restoredConsumed: Map<string, bigint>;
  private readonly now: () => number;
  private foldedSincePublish = 0;
  private centersMoved = false;
  private readonly unpublished: ClosedRound[] = [];
  readonly counters = { accepted: 0, late: 0, duplicate: 0, foldedBefore: 0, invalid: 0, rounds: 0, published: 0, missingReports: 0 };

  constructor({ model, decay, graceMs, memberTimeoutMs, progress, now = Date.now }: UpdaterCoreOptions) {
    this.model = model;
    this.decay = decay;
    this.now = now;
    this.state = stateFromModel(model);
    this.table = new RoundTable({ k: model.k, d: model.features.numFeatures, graceMs, memberTimeoutMs, lastFolded: progress?.lastFolded ?? -1, now });
    this.restoredConsumed = new Map(Object.entries(progress?.consumed ?? {}).map(([p, o]) => [p, BigInt(o)]));
    for (const [p, o] of Object.entries(progress?.resume ?? {})) this.consumed.set(p, BigInt(o));
  }

  get current(): ClusterModel {
    return this.model;
  }

  /** Takes one stats message read at `partition`/`offset`. */
  offer(partition: string, offset: string, value: Uint8Array | string | null): { result: OfferResult; part?: StatsPart; error?: string } {
    const off = BigInt(offset);
    const next = off + 1n;
    if ((this.consumed.get(partition) ?? -1n) < next) this.consumed.set(partition, next);
    let part: StatsPart;
    try {
      if (value === null) throw new Error('empty message');
      part = decodeStats(value);
      if (part.k !== this.model.k || part.d !== this.model.features.numFeatures) {
        throw new Error(`stats of shape ${part.k}x${part.d} do not fit the model's ${this.model.k}x${this.model.features.numFeatures}`);
      }
    } catch (err) {
      this.counters.invalid++;
      return { result: 'invalid', error: (err as Error).message };
    }
    if (part.round <= this.table.lastFolded && off < (this.restoredConsumed.get(partition) ?? -1n)) {
      this.counters.foldedBefore++;
      return { result: 'folded-before', part };
    }
    const result = this.table.add(part);
    if (result === 'accepted') {
      this.counters.accepted++;
      this.pending.push({ partition, offset: off, round: part.round });
    } else if (result === 'late') {
      this.counters.late++;
      this.pending.push({ partition, offset: off, round: -1 });
    } else this.counters.duplicate++;
    return { result, part };
  }

  /**
   * Folds every ready round; returns a new model version when the centers moved (a round had points, or
   * a dying cluster was split). Rounds without points only discount the weights: they are folded (the
   * next version includes them) but publish nothing, so an idle stream does not churn the model topic.
   */
  tick(): Published | null {
    const rounds = this.table.closeReady();
    if (rounds.length === 0) return null;
    for (const r of rounds) {
      const res = foldStats(this.state, r.stats, this.decay, this.model.distance);
      this.counters.rounds++;
      this.counters.missingReports += r.missing.length;
      this.foldedSincePublish++;
      this.unpublished.push(r);
      // rounds without points only discount the weights: the centers members assign with stay the same
      if (res.split || r.stats.counts.some((n) => n > 0)) this.centersMoved = true;
    }
    if (!this.centersMoved) return null;
    const folded = this.unpublished.splice(0);
    const foldedRounds = this.foldedSincePublish;
    this.foldedSincePublish = 0;
    this.centersMoved = false;
    const lastFolded = this.table.lastFolded;
    // still pending: parts of rounds not folded yet (late parts were folded with the first closed round)
    const still = this.pending.filter((p) => p.round > lastFolded);
    this.pending.length = 0;
    this.pending.push(...still);
    const consumed: Record<string, string> = {};
    const resume: Record<string, string> = {};
    for (const [p, o] of this.consumed) {
      consumed[p] = o.toString();
      resume[p] = o.toString();
    }
    for (const p of still) if (BigInt(resume[p.partition] ?? p.offset) > p.offset) resume[p.partition] = p.offset.toString();
    this.model = modelFromState(this.model, this.state, this.model.version + 1, foldedRounds, this.now());
    this.counters.published++;
    return { model: this.model, progress: { lastFolded, consumed, resume }, rounds: folded };
  }
}
