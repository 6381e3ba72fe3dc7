/**
 * Timing helpers: medians of repeated runs, ours and the peer interleaved where both run in this process,
 * so that a noisy neighbour slows both alike.
 */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds of each of `reps` runs of `fn` after `warmup` unmeasured runs. */
export async function samplesMs(fn: () => unknown | Promise<unknown>, reps: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts;
}

/** Median milliseconds of `reps` runs of `fn` after `warmup` unmeasured runs. */
export async function timeMs(fn: () => unknown | Promise<unknown>, reps: number, warmup = 1): Promise<number> {
  return median(await samplesMs(fn, reps, warmup));
}

export function fmtNum(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
