/**
 * Groups the statistics members publish by round (batch time) and decides when a round is complete, so
 * that the updater folds each round's merged statistics once — exactly what one process would fold for
 * the same batch: with timeUnit "batches" the decay applies once per round, not once per member, and the
 * dying-cluster check runs on the merged weights.
 *
 * A round closes, oldest first, when every live member is done with it (sent all its parts, or already
 * sent a later round: a member publishes its rounds in order on one partition), or when `graceMs` passed
 * since its first part arrived (a member is slow, dead, or lost its partitions). Members are live while
 * they published within `memberTimeoutMs`; for the first `graceMs` after start-up no round closes early,
 * so that every running member has been heard from.
 *
 * Late parts (their round already folded) are not dropped: they are added to the next round folded, so
 * their points still count (one batch late). Parts seen twice (same member, round, part: a redelivery) are
 * ignored. The clock is injected.
 */
import { emptyStats, type ClusterStats } from '../clustering/streaming-kmeans.js';
import { accumulate, type StatsPart } from './stats-codec.js';

export interface RoundTableOptions {
  k: number;
  d: number;
  graceMs?: number;
  memberTimeoutMs?: number;
  /** Rounds up to and including this one were folded already (restart). */
  lastFolded?: number;
  now?: () => number;
}

export interface ClosedRound {
  round: number;
  stats: ClusterStats;
  /** Members whose parts are in this round. */
  members: string[];
  /** Live members that had not reported when the round closed (it closed on the grace timer). */
  missing: string[];
  /** Late parts of earlier rounds folded in with this one. */
  lateParts: number;
}

interface OpenRound {
  stats: ClusterStats;
  firstSeen: number;
  parts: Map<string, { seen: Set<number>; of: number }>;
}

export type AddResult = 'accepted' | 'late' | 'duplicate';

export class RoundTable {
  readonly k: number;
  readonly d: number;
  readonly graceMs: number;
  readonly memberTimeoutMs: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private open = new Map<number, OpenRound>();
  private lastSeen = new Map<string, number>();
  private maxRound = new Map<string, number>();
  private late: ClusterStats | null = null;
  private lateParts = 0;
  private lateSeen = new Set<string>();
  lastFolded: number;

  constructor({ k, d, graceMs = 10_000, memberTimeoutMs = 30_000, lastFolded = -1, now = Date.now }: RoundTableOptions) {
    if (!(graceMs >= 0) || !(memberTimeoutMs > 0)) throw new RangeError('graceMs must be >= 0 and memberTimeoutMs > 0');
    this.k = k;
    this.d = d;
    this.graceMs = graceMs;
    this.memberTimeoutMs = memberTimeoutMs;
    this.lastFolded = lastFolded;
    this.now = now;
    this.startedAt = now();
  }

  /** Members heard from within memberTimeoutMs. */
  liveMembers(at = this.now()): string[] {
    return [...this.lastSeen].filter(([, t]) => at - t <= this.memberTimeoutMs).map(([m]) => m).sort();
  }

  get openRounds(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }

  add(part: StatsPart): AddResult {
    if (part.k !== this.k || part.d !== this.d) throw new RangeError(`stats of shape ${part.k}x${part.d} do not fit the model's ${this.k}x${this.d}`);
    const at = this.now();
    this.lastSeen.set(part.member, at);
    this.maxRound.set(part.member, Math.max(this.maxRound.get(part.member) ?? -1, part.round));
    if (part.round <= this.lastFolded) {
      const id = `${part.member}/${part.round}/${part.part}`;
      if (this.lateSeen.has(id)) return 'duplicate';
      this.lateSeen.add(id);
      this.late ??= emptyStats(this.k, this.d);
      accumulate(this.late, part);
      this.lateParts++;
      return 'late';
    }
    let r = this.open.get(part.round);
    if (!r) this.open.set(part.round, (r = { stats: emptyStats(this.k, this.d), firstSeen: at, parts: new Map() }));
    let mine = r.parts.get(part.member);
    if (!mine) r.parts.set(part.member, (mine = { seen: new Set(), of: part.parts }));
    if (mine.seen.has(part.part)) return 'duplicate';
    mine.seen.add(part.part);
    accumulate(r.stats, part);
    return 'accepted';
  }

  private doneWith(member: string, round: number, r: OpenRound): boolean {
    const mine = r.parts.get(member);
    if (mine && mine.seen.size >= mine.of) return true;
    return (this.maxRound.get(member) ?? -1) > round;
  }

  /** Closes every round that is ready, oldest first. */
  closeReady(): ClosedRound[] {
    const out: ClosedRound[] = [];
    for (;;) {
      const at = this.now();
      const rounds = this.openRounds;
      if (rounds.length === 0) break;
      const round = rounds[0];
      const r = this.open.get(round)!;
      const live = this.liveMembers(at);
      const missing = live.filter((m) => !this.doneWith(m, round, r));
      const warm = at - this.startedAt >= this.graceMs;
      const complete = warm && missing.length === 0;
      const expired = at - r.firstSeen >= this.graceMs;
      if (!complete && !expired) break;
      this.open.delete(round);
      const stats = r.stats;
      let lateParts = 0;
      if (this.late) {
        for (let i = 0; i < stats.sums.length; i++) stats.sums[i] += this.late.sums[i];
        for (let j = 0; j < stats.k; j++) stats.counts[j] += this.late.counts[j];
        lateParts = this.lateParts;
        this.late = null;
        this.lateParts = 0;
      }
      this.lastFolded = round;
      out.push({ round, stats, members: [...r.parts.keys()].sort(), missing, lateParts });
    }
    // forget members gone for good, and duplicate ids of rounds long folded
    const at = this.now();
    for (const [m, t] of this.lastSeen) if (at - t > 10 * this.memberTimeoutMs) this.lastSeen.delete(m);
    if (this.lateSeen.size > 10_000) this.lateSeen.clear();
    return out;
  }
}
