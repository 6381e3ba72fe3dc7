/** The contract every bench module follows, so that `bench/run.ts` can list and run them. */

export interface Figure {
  bench: string;
  /** What is measured, e.g. "classify texts/s, 2 threads". */
  name: string;
  unit: string;
  ours: number;
  /** The peer's figure in the same unit, null when the peer could not run (see note). */
  peer: number | null;
  peerName: string;
  /** ours / peer in the figure's unit: for a rate, above 1 means tweetlang is faster; for a time, below 1 does. */
  ratio: number | null;
  /** The target, e.g. ">= 1,000,000 texts/s" or "ratio >= 20"; empty when the figure is informative only. */
  target: string;
  pass: boolean | null;
  note?: string;
}

export interface BenchContext {
  /** Repetitions for medians. */
  reps: number;
  /** Smaller inputs for a smoke run (`--quick`). */
  quick: boolean;
  /** Prints a line and records it. */
  report(f: Figure): void;
  /** Progress and notes (stderr). */
  info(msg: string): void;
}

export interface BenchModule {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}
