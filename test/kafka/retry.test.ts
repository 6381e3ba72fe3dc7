import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from '../../src/kafka/retry.js';
import { AppError } from '../../src/errors.js';

const retriable = () => new AppError('E_T', 'try again', { retriable: true });
const fatal = () => new AppError('E_F', 'stop', { retriable: false });

describe('withRetry', () => {
  it('retries retriable errors with growing delays, then succeeds', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const out = await withRetry(
      async () => {
        if (++calls < 4) throw retriable();
        return 'ok';
      },
      { retries: 5, initialRetryTime: 100, factor: 0, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(out).toBe('ok');
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('throws a non-retriable error at once', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw fatal(); }, { sleep: async () => undefined })).rejects.toMatchObject({ code: 'E_F' });
    expect(calls).toBe(1);
  });

  it('gives up after `retries` retries with the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw retriable(); }, { retries: 2, sleep: async () => undefined })).rejects.toMatchObject({ code: 'E_T' });
    expect(calls).toBe(3);
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    await expect(
      withRetry(async () => { calls++; ac.abort(); throw retriable(); }, { retries: 5, signal: ac.signal, sleep: async () => undefined }),
    ).rejects.toMatchObject({ code: 'E_T' });
    expect(calls).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('is capped and jittered within ±factor', () => {
    expect(backoffDelay(0, { initialRetryTime: 300, factor: 0.2, random: () => 0 })).toBe(240);
    expect(backoffDelay(0, { initialRetryTime: 300, factor: 0.2, random: () => 1 })).toBe(360);
    expect(backoffDelay(20, { initialRetryTime: 300, maxRetryTime: 5000, random: () => 1 })).toBe(5000);
  });
});
