/**
 * Retries with exponential backoff and jitter, deciding by `retriable` (kafkajs `retry/index.js`):
 * a non-retriable error is thrown at once, a retriable one is tried again after
 * min(max, initial · multiplier^n) ± factor, up to `retries` times. Sleep and randomness are injectable so
 * that the schedule is testable without waiting.
 */
import { classifyKafkaError } from './errors.js';
import type { AppError } from '../errors.js';

export interface RetryOptions {
  retries?: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
  /** Jitter: each delay is multiplied by a random number in [1 - factor, 1 + factor]. */
  factor?: number;
  multiplier?: number;
  signal?: AbortSignal;
  /** What is being done, for error messages. */
  what?: string;
  classify?: (err: unknown, what: string) => AppError;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: AppError }) => void;
}

/** Delay before retry number `attempt` (0-based), without jitter applied when random() = 0.5. */
export function backoffDelay(attempt: number, { initialRetryTime = 300, maxRetryTime = 30_000, factor = 0.2, multiplier = 2, random = Math.random }: RetryOptions = {}): number {
  const base = Math.min(maxRetryTime, initialRetryTime * Math.pow(multiplier, attempt));
  const jitter = 1 + factor * (2 * random() - 1);
  return Math.max(0, Math.min(maxRetryTime, Math.round(base * jitter)));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const { retries = 5, what = 'kafka', classify = classifyKafkaError, sleep = abortableSleep, signal, onRetry } = opts;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const error = classify(err, what);
      if (!error.retriable || attempt >= retries || signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, opts);
      onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
