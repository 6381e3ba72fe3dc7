/**
 * Time for the streaming engine. Everything that waits (batch boundaries, replay rate limits, reconnect
 * backoff, folder polling) waits on a Clock, so tests drive time by hand and never sleep.
 * - systemClock: wall-clock time and real timers.
 * - ManualClock: time moves only when a test calls advance()/set(); sleepers wake in time order.
 * - VirtualClock: every sleep returns at once and moves time to the wake-up time (as fast as possible,
 *   for replays and benchmarks: batch times stay on the grid, no time is spent waiting).
 */

export interface Clock {
  now(): number;
  /** Resolves once now() >= time, or at once when the signal aborts (never rejects). */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
}

export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return clock.sleepUntil(clock.now() + ms, signal);
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const arm = () => {
        const wait = time - Date.now();
        if (wait <= 0) return done();
        // timers may fire a little early: re-check instead of trusting them
        timer = setTimeout(arm, Math.min(wait, 2 ** 31 - 1));
      };
      signal?.addEventListener('abort', done, { once: true });
      arm();
    });
  },
};

interface Sleeper {
  time: number;
  resolve: () => void;
  seq: number;
}

export class ManualClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    if (time <= this.t || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const s: Sleeper = { time, seq: this.seq++, resolve: () => undefined };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        resolve();
      };
      s.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(s);
    });
  }

  /** Moves time forward by `ms` and wakes every sleeper that is due. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(time: number): void {
    if (time < this.t) throw new RangeError(`a ManualClock cannot go back (${time} < ${this.t})`);
    this.t = time;
    const due = this.sleepers.filter((s) => s.time <= time).sort((a, b) => a.time - b.time || a.seq - b.seq);
    this.sleepers = this.sleepers.filter((s) => s.time > time);
    for (const s of due) s.resolve();
  }

  /** Sleepers waiting for a future time (tests wait for the engine to be idle on the clock). */
  get waiting(): number {
    return this.sleepers.length;
  }
}

export class VirtualClock implements Clock {
  private t: number;
  constructor(start = Date.now()) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleepUntil(time: number): Promise<void> {
    if (time > this.t) this.t = time;
    return Promise.resolve();
  }
}
