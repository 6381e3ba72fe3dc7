/**
 * Cooperative time slicing of a batch's work on the main thread. Long per-batch work (classifying 10,000
 * records, folding them into StreamingKMeans, the engine's operators) runs in slices of about `budgetMs`
 * with a turn of the event loop in between (setImmediate: pending I/O, timers and HTTP requests run),
 * so SSE heartbeats, `POST /v1/predict` and the probes are served while a big batch is processed.
 *
 * Yielding costs one event-loop turn (microseconds when the loop is idle), so it only happens once a
 * slice used its budget. Outputs never depend on where the slices fall.
 */
import { performance } from 'node:perf_hooks';

/** Gives the event loop one turn (I/O callbacks and timers that are due run before it resolves). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class TimeSlicer {
  readonly budgetMs: number;
  private sliceStart = performance.now();
  /** Yields so far (tests and benchmarks read it). */
  yields = 0;

  constructor(budgetMs: number) {
    if (!(budgetMs > 0)) throw new RangeError(`a time slice must be > 0 ms (got ${budgetMs})`);
    this.budgetMs = budgetMs;
  }

  /** The current slice has used its budget. */
  get due(): boolean {
    return performance.now() - this.sliceStart >= this.budgetMs;
  }

  /** Starts a new slice (after the caller waited on something else, the loop has turned anyway). */
  reset(): void {
    this.sliceStart = performance.now();
  }

  /** Yields to the event loop if the slice has used its budget. */
  async pause(): Promise<void> {
    if (!this.due) return;
    this.yields++;
    await yieldToLoop();
    this.sliceStart = performance.now();
  }

  /**
   * Runs `fn(start, end)` over [0, n) in chunks of at most `chunk` items, pausing between chunks when the
   * slice is used up. `chunk` should be small enough that one chunk takes well under the budget.
   */
  async chunks(n: number, chunk: number, fn: (start: number, end: number) => void): Promise<void> {
    for (let start = 0; start < n; start += chunk) {
      if (start > 0) await this.pause();
      fn(start, Math.min(n, start + chunk));
    }
  }
}
