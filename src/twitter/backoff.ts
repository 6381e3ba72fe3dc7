/**
 * Reconnection policy for the Twitter API v2 streams, as the API asks clients to behave:
 * - network trouble (refused, reset, a silent connection past the keep-alive timeout): back off linearly,
 *   +250 ms per attempt, up to 16 s;
 * - HTTP errors (5xx and other retriable statuses): exponentially from 5 s, doubling, up to 320 s;
 * - HTTP 429 (rate limited, too many connections): exponentially from 60 s, doubling, up to 15 min, and
 *   never before the `x-rate-limit-reset` time (epoch seconds) when the response gives one;
 * - 400/401/403/404 and other client errors: fatal (bad token, no access, bad request) — no retry.
 * The counter of each kind restarts after a connection that stayed up. Pure: the clock is a parameter.
 */
export type FailureKind = 'network' | 'http' | 'rate-limit' | 'fatal';

export interface Failure {
  kind: FailureKind;
  status?: number;
  /** x-rate-limit-reset as ms since epoch. */
  resetAt?: number;
}

export const NETWORK_STEP_MS = 250;
export const NETWORK_MAX_MS = 16_000;
export const HTTP_FIRST_MS = 5_000;
export const HTTP_MAX_MS = 320_000;
export const RATE_FIRST_MS = 60_000;
export const RATE_MAX_MS = 15 * 60_000;

/** Which policy an HTTP status falls under (0 or undefined: no response at all). */
export function kindOfStatus(status: number | undefined): FailureKind {
  if (!status) return 'network';
  if (status === 429) return 'rate-limit';
  if (status >= 500 || status === 408 || status === 420) return status === 420 ? 'rate-limit' : 'http';
  if (status >= 400) return 'fatal';
  return 'http';
}

/** Parses x-rate-limit-reset (epoch seconds) into ms, or undefined. */
export function parseReset(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || !/^\d{1,12}$/.test(v.trim())) return undefined;
  return Number(v.trim()) * 1000;
}

/** Milliseconds to wait before reconnect attempt `attempt` (1 = first retry of this kind). */
export function reconnectDelay(f: Failure, attempt: number, now: number): number {
  const n = Math.max(1, attempt);
  switch (f.kind) {
    case 'network':
      return Math.min(NETWORK_MAX_MS, NETWORK_STEP_MS * n);
    case 'http':
      return Math.min(HTTP_MAX_MS, HTTP_FIRST_MS * 2 ** (n - 1));
    case 'rate-limit': {
      const backoff = Math.min(RATE_MAX_MS, RATE_FIRST_MS * 2 ** (n - 1));
      // when the API says when the window resets, that is the one to honour (plus a second of slack)
      if (f.resetAt !== undefined && f.resetAt > now) return Math.min(RATE_MAX_MS, f.resetAt - now + 1000);
      return backoff;
    }
    case 'fatal':
      return Infinity;
  }
}

/** Attempt counters per kind, reset by a connection that stayed up. */
export class Backoff {
  private attempts: Record<Exclude<FailureKind, 'fatal'>, number> = { network: 0, http: 0, 'rate-limit': 0 };

  next(f: Failure, now: number): number {
    if (f.kind === 'fatal') return Infinity;
    this.attempts[f.kind]++;
    return reconnectDelay(f, this.attempts[f.kind], now);
  }

  reset(): void {
    this.attempts = { network: 0, http: 0, 'rate-limit': 0 };
  }
}
