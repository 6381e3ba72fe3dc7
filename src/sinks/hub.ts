/**
 * The live-stream hub: a Sink the pipeline calls as a "tap" with every classified record of each batch.
 * Each subscriber (one SSE client) has its own filter and a bounded queue. `write` never waits on a
 * subscriber: it enqueues and returns; a full queue drops its oldest events (the subscriber skips ahead,
 * counted per subscriber and in total), and a subscriber that keeps dropping for `maxBehindMs` is
 * disconnected. Memory is bounded by subscribers x queueSize events plus `recentPerCluster` texts per
 * cluster. Every record offered to a subscriber is accounted for (stats()): offered = filtered + enqueued,
 * enqueued = taken + dropped + discarded + still pending. Consumers are told about new events (and closes) on a later tick, never inside `write`.
 */
import { AppError } from '../errors.js';
import { Ring } from './ring.js';
import type { OutputBatch, Sink, WriteContext } from './types.js';

/** Records offered per chunk when the writer passes a WriteContext (about 1 ms with 50 subscribers). */
const WRITE_CHUNK = 1000;

/** One classified record as subscribers see it. */
export interface StreamEvent {
  cluster: number | null;
  label: string | null;
  distance: number | null;
  text: string;
  lang?: string;
  id?: string;
  /** Batch time (ms since epoch). */
  time: number;
  /** When the source received the record (ms since epoch). */
  receivedAt: number;
  modelVersion: number;
}

/** A queued event: shared by every subscriber it matched; its JSON is built once, on first use. */
export class HubEntry {
  private cached: string | undefined;
  constructor(
    readonly seq: number,
    readonly event: StreamEvent,
  ) {}

  json(): string {
    this.cached ??= JSON.stringify(this.event);
    return this.cached;
  }
}

/** Which records a subscriber wants: those in any listed cluster or with any listed label; empty = all. */
export interface HubFilter {
  clusters?: readonly number[];
  labels?: readonly string[];
}

export type CloseReason = 'slow' | 'unsubscribed' | 'hub-closed';

export interface HubOptions {
  /** Events queued per subscriber; beyond it the oldest are dropped. */
  queueSize?: number;
  /** A subscriber that has been dropping events for this long (without catching up) is disconnected. */
  maxBehindMs?: number;
  /** Most concurrent subscribers; `subscribe` throws E_TOO_MANY_STREAMS beyond it. */
  maxSubscribers?: number;
  /** Recent texts kept per cluster (for GET /v1/clusters). */
  recentPerCluster?: number;
  /** Clock (tests pass a controllable one). */
  now?: () => number;
  /** Runs consumer callbacks later (default setImmediate); never called with the hub's work pending. */
  schedule?: (fn: () => void) => void;
}

export interface RecentText {
  text: string;
  label: string | null;
  lang?: string;
  time: number;
}

export interface HubStats {
  subscribers: number;
  /** Records the hub has seen (all of them, filtered or not). */
  records: number;
  /** Events handed to subscriber queues. */
  enqueued: number;
  /** Events dropped from full queues, over all subscribers ever. */
  dropped: number;
  /** Subscribers disconnected for staying behind. */
  slowDisconnects: number;
  /** Records offered to subscribers (each record once per subscriber connected when it was written). */
  offered: number;
  /** ... of which did not match the subscriber's filter. */
  filtered: number;
  /** Events consumers took from their queues (written to their sockets). */
  taken: number;
  /** Events still queued when their subscriber went away. */
  discarded: number;
}

export class Subscription {
  readonly id: number;
  readonly clusters: ReadonlySet<number>;
  readonly labels: ReadonlySet<string>;
  /** Events dropped from this subscriber's full queue. */
  dropped = 0;
  /** Events taken by the consumer. */
  taken = 0;
  private droppedReported = 0;
  private readonly queue: Ring<HubEntry>;
  private behindSince: number | null = null;
  private closeReason: CloseReason | null = null;
  private readableCb: (() => void) | undefined;
  private closeCbs: Array<(reason: CloseReason) => void> = [];
  private notifyScheduled = false;

  constructor(
    private readonly hub: StreamHub,
    id: number,
    filter: HubFilter,
    queueSize: number,
  ) {
    this.id = id;
    this.clusters = new Set(filter.clusters ?? []);
    this.labels = new Set(filter.labels ?? []);
    this.queue = new Ring(queueSize);
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  get reason(): CloseReason | null {
    return this.closeReason;
  }

  /** Events waiting in the queue. */
  get pending(): number {
    return this.queue.length;
  }

  matches(cluster: number | null, label: string | null): boolean {
    if (this.clusters.size === 0 && this.labels.size === 0) return true;
    return (cluster !== null && this.clusters.has(cluster)) || (label !== null && this.labels.has(label));
  }

  /** Removes and returns up to `max` queued events, oldest first. Emptying the queue means caught up. */
  take(max = Infinity): HubEntry[] {
    const out = this.queue.drain(max);
    this.taken += out.length;
    this.hub.count('taken', out.length);
    if (this.queue.length === 0) this.behindSince = null;
    return out;
  }

  /** Events dropped since the previous call (for a "skipped N" notice to the client). */
  takeDropped(): number {
    const n = this.dropped - this.droppedReported;
    this.droppedReported = this.dropped;
    return n;
  }

  /** `cb` runs (on a later tick) whenever events were added to an empty-or-not queue by a write. */
  onReadable(cb: () => void): void {
    this.readableCb = cb;
    if (this.queue.length > 0) this.scheduleNotify();
  }

  /** `cb` runs (on a later tick) once, when the subscription ends for any reason. */
  onClose(cb: (reason: CloseReason) => void): void {
    if (this.closeReason !== null) {
      const reason = this.closeReason;
      this.hub.schedule(() => cb(reason));
    } else this.closeCbs.push(cb);
  }

  /** Ends the subscription (the consumer went away). */
  close(): void {
    this.hub.remove(this, 'unsubscribed');
  }

  /** @internal Called by the hub: enqueue, dropping the oldest when full; 'slow' when it has been dropping for maxBehindMs. */
  offer(entry: HubEntry, now: number, maxBehindMs: number): 'ok' | 'dropped' | 'slow' {
    const evicted = this.queue.push(entry);
    if (evicted === undefined) return 'ok';
    this.dropped++;
    this.behindSince ??= now;
    return now - this.behindSince >= maxBehindMs ? 'slow' : 'dropped';
  }

  /** @internal */
  scheduleNotify(): void {
    if (this.notifyScheduled || !this.readableCb || this.closed) return;
    this.notifyScheduled = true;
    this.hub.schedule(() => {
      this.notifyScheduled = false;
      if (!this.closed && this.queue.length > 0) this.readableCb?.();
    });
  }

  /** @internal */
  markClosed(reason: CloseReason): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.hub.count('discarded', this.queue.length);
    this.queue.clear();
    this.readableCb = undefined;
    const cbs = this.closeCbs;
    this.closeCbs = [];
    for (const cb of cbs) this.hub.schedule(() => cb(reason));
  }
}

export class StreamHub implements Sink {
  readonly name = 'sse-hub';
  readonly queueSize: number;
  readonly maxBehindMs: number;
  readonly maxSubscribers: number;
  readonly recentPerCluster: number;
  private readonly now: () => number;
  /** @internal */
  readonly schedule: (fn: () => void) => void;
  private readonly subs = new Map<number, Subscription>();
  private readonly recentByCluster = new Map<number, Ring<RecentText>>();
  private nextId = 1;
  private seq = 0;
  private closedHub = false;
  private counters = { records: 0, enqueued: 0, dropped: 0, slowDisconnects: 0, offered: 0, filtered: 0, taken: 0, discarded: 0 };

  constructor({
    queueSize = 1000,
    maxBehindMs = 10_000,
    maxSubscribers = 100,
    recentPerCluster = 5,
    now = Date.now,
    schedule = (fn: () => void) => void setImmediate(fn),
  }: HubOptions = {}) {
    const intAtLeast = (name: string, v: number, min: number) => {
      if (!Number.isInteger(v) || v < min) throw new AppError('E_CONFIG', `hub ${name} must be an integer >= ${min} (got ${v})`, { status: 500 });
    };
    intAtLeast('queueSize', queueSize, 1);
    intAtLeast('maxSubscribers', maxSubscribers, 1);
    intAtLeast('recentPerCluster', recentPerCluster, 0);
    if (!(maxBehindMs >= 0)) throw new AppError('E_CONFIG', `hub maxBehindMs must be >= 0 (got ${maxBehindMs})`, { status: 500 });
    this.queueSize = queueSize;
    this.maxBehindMs = maxBehindMs;
    this.maxSubscribers = maxSubscribers;
    this.recentPerCluster = recentPerCluster;
    this.now = now;
    this.schedule = schedule;
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  stats(): HubStats {
    return { subscribers: this.subs.size, ...this.counters };
  }

  subscribers(): Subscription[] {
    return [...this.subs.values()];
  }

  /** Adds a subscriber; throws AppError E_TOO_MANY_STREAMS (503) when full, E_HUB_CLOSED after close(). */
  subscribe(filter: HubFilter = {}): Subscription {
    if (this.closedHub) throw new AppError('E_HUB_CLOSED', 'the live stream is shutting down', { status: 503, retriable: true });
    if (this.subs.size >= this.maxSubscribers) {
      throw new AppError('E_TOO_MANY_STREAMS', `too many live-stream clients (at most ${this.maxSubscribers}); try again later`, {
        status: 503,
        retriable: true,
      });
    }
    const sub = new Subscription(this, this.nextId++, filter, this.queueSize);
    this.subs.set(sub.id, sub);
    return sub;
  }

  /** @internal Subscriptions report what their consumers took and what was left in their queues. */
  count(what: 'taken' | 'discarded', n: number): void {
    this.counters[what] += n;
  }

  /** @internal Removes a subscriber (idempotent). */
  remove(sub: Subscription, reason: CloseReason): void {
    if (!this.subs.delete(sub.id)) return;
    if (reason === 'slow') this.counters.slowDisconnects++;
    sub.markClosed(reason);
  }

  /**
   * Sink.write: enqueue to every matching subscriber; never waits on one. Without `run` it is one
   * synchronous pass; with it (the pipeline's taps), a big batch is offered in chunks with `run.pause()`
   * in between (the event loop turns), and the subscribers touched so far are told after each chunk.
   */
  async write(batch: OutputBatch, run?: WriteContext): Promise<void> {
    if (this.closedHub) return;
    const subs = [...this.subs.values()];
    const items = batch.items;
    const chunk = run ? WRITE_CHUNK : items.length;
    for (let start = 0; start < items.length; start += chunk) {
      if (start > 0) {
        await run!.pause();
        if (this.closedHub) return;
      }
      this.offerAll(subs, items, start, Math.min(items.length, start + chunk), batch.time);
    }
  }

  private offerAll(subs: readonly Subscription[], items: OutputBatch['items'], start: number, end: number, time: number): void {
    const now = this.now();
    const touched = new Set<Subscription>();
    for (let i = start; i < end; i++) {
      const item = items[i];
      this.counters.records++;
      const { record, cluster, label } = item;
      if (cluster !== null && this.recentPerCluster > 0) {
        let ring = this.recentByCluster.get(cluster);
        if (!ring) this.recentByCluster.set(cluster, (ring = new Ring(this.recentPerCluster)));
        const r: RecentText = { text: record.value.text, label, time };
        if (record.value.lang) r.lang = record.value.lang;
        ring.push(r);
      }
      let entry: HubEntry | undefined;
      for (const sub of subs) {
        if (sub.closed) continue;
        this.counters.offered++;
        if (!sub.matches(cluster, label)) {
          this.counters.filtered++;
          continue;
        }
        entry ??= this.entryFor(item, time);
        const res = sub.offer(entry, now, this.maxBehindMs);
        this.counters.enqueued++;
        if (res === 'ok') touched.add(sub);
        else {
          this.counters.dropped++;
          if (res === 'slow') this.remove(sub, 'slow');
          else touched.add(sub);
        }
      }
    }
    for (const sub of touched) if (!sub.closed) sub.scheduleNotify();
  }

  private entryFor(item: OutputBatch['items'][number], time: number): HubEntry {
    const v = item.record.value;
    const ev: StreamEvent = {
      cluster: item.cluster,
      label: item.label,
      distance: item.distance,
      text: v.text,
      time,
      receivedAt: item.record.receivedAt,
      modelVersion: item.modelVersion,
    };
    if (v.lang) ev.lang = v.lang;
    if (v.id) ev.id = v.id;
    return new HubEntry(++this.seq, ev);
  }

  /** The last few texts seen in a cluster, newest last. */
  recent(cluster: number): RecentText[] {
    return this.recentByCluster.get(cluster)?.toArray() ?? [];
  }

  /** Forget recent texts (e.g. when a model with other clusters is swapped in). */
  clearRecent(): void {
    this.recentByCluster.clear();
  }

  /** Disconnects every subscriber; later writes are ignored. */
  close(): Promise<void> {
    this.closedHub = true;
    for (const sub of [...this.subs.values()]) this.remove(sub, 'hub-closed');
    return Promise.resolve();
  }
}
