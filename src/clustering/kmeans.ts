/**
 * Batch k-means with MLlib's semantics: k-means|| (default), k-means++ or random init; Lloyd iterations
 * until every center moves by at most `epsilon` or `maxIterations`; ties to the lowest index; an empty
 * cluster keeps its center; cost = WSSSE (euclidean) or the sum of cosine distances (cosine, spherical
 * k-means on unit vectors). `runs` restarts keep the lowest cost. Same seed, same model.
 *
 * Distances run on the kernel assign.ts picks (the sparse O(nnz·k) loop for hashed n-grams, TensorFlow.js
 * matMuls for dense data), the sparse one on every core for large inputs (lloyd-pool.ts); sums are O(nnz)
 * loops over the sparse rows.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, InputError } from '../errors.js';
import { csrNormalizeRows, csrRowNorms2, csrRowsAreUnit, type CsrMatrix } from '../linalg/sparse.js';
import { ASSIGN_KERNELS, assignToCenters, chooseKernel, clusterSums, type AssignKernel } from './assign.js';
import { LloydPool } from './lloyd-pool.js';
import { centerShift, DISTANCES, normalizeRow, type Distance } from './distance.js';
import { INIT_MODES, initKMeansParallel, initKMeansPlusPlus, initRandom, type InitMode } from './init.js';

export interface KMeansOptions {
  k: number;
  maxIterations?: number;
  epsilon?: number;
  init?: InitMode;
  initSteps?: number;
  seed?: number;
  runs?: number;
  distance?: Distance;
  chunkRows?: number;
  /** Distance kernel (assign.ts): auto (default), tfjs or sparse. */
  kernel?: AssignKernel;
  /**
   * Start from these centers ([k, d] row-major) instead of an initialisation mode, e.g. seeds computed from
   * labelled texts (training/seeding.ts). Only the first run uses them; further runs use `init`.
   */
  initialCenters?: Float32Array;
  /**
   * Threads for Lloyd's steps with the sparse kernel: a number, or 'auto' (default): every core when the
   * data has at least AUTO_THREADS_MIN_NNZ non-zeros, else 1 (no worker threads).
   */
  threads?: number | 'auto';
  onProgress?: (event: KMeansProgress) => void;
  signal?: AbortSignal;
}

export type KMeansProgress =
  | { phase: 'init'; run: number; runs: number; init: InitMode | 'given' }
  | {
      phase: 'iteration';
      run: number;
      runs: number;
      iteration: number;
      maxIterations: number;
      cost: number;
      /** Largest center shift of this iteration. */
      shift: number;
    }
  | { phase: 'run-done'; run: number; runs: number; cost: number; iterations: number; converged: boolean };

export interface KMeansResult {
  k: number;
  d: number;
  distance: Distance;
  /** [k, d] row-major. */
  centers: Float32Array;
  /** Points per cluster under the final centers. */
  counts: Float64Array;
  /** Final assignment of every row. */
  assignments: Int32Array;
  /** Cost under the final centers. */
  cost: number;
  iterations: number;
  converged: boolean;
  /** Cost at each iteration of the best run (before that iteration's update). */
  costHistory: number[];
  bestRun: number;
  runCosts: number[];
}

export interface ResolvedKMeansOptions {
  k: number;
  maxIterations: number;
  epsilon: number;
  init: InitMode;
  initSteps: number;
  seed: number;
  runs: number;
  distance: Distance;
  chunkRows?: number;
  kernel: AssignKernel;
  threads: number | 'auto';
}

/** Below this many non-zeros, worker threads cost more to start than they save. */
export const AUTO_THREADS_MIN_NNZ = 2_000_000;

function int(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError('E_BAD_OPTION', `${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Defaults and validation in one place: bad options fail before any work. */
export function resolveKMeansOptions(o: KMeansOptions): ResolvedKMeansOptions {
  const {
    k,
    maxIterations = 20,
    epsilon = 1e-4,
    init = 'k-means||',
    initSteps = 2,
    seed = 1,
    runs = 1,
    distance = 'euclidean',
    chunkRows,
    kernel = 'auto',
    threads = 'auto',
  } = o;
  if (!ASSIGN_KERNELS.includes(kernel)) {
    throw new ConfigError('E_BAD_OPTION', `kernel must be one of ${ASSIGN_KERNELS.join(', ')} (got ${JSON.stringify(kernel)})`);
  }
  if (threads !== 'auto') int('threads', threads, 1, 1024);
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new ConfigError('E_BAD_OPTION', `epsilon must be a finite number >= 0 (got ${JSON.stringify(epsilon)})`);
  }
  if (!INIT_MODES.includes(init)) throw new ConfigError('E_BAD_OPTION', `init must be one of ${INIT_MODES.join(', ')} (got ${JSON.stringify(init)})`);
  if (!DISTANCES.includes(distance)) {
    throw new ConfigError('E_BAD_OPTION', `distance must be one of ${DISTANCES.join(', ')} (got ${JSON.stringify(distance)})`);
  }
  return {
    k: int('k', k, 1, 100_000),
    maxIterations: int('maxIterations', maxIterations, 1, 100_000),
    epsilon,
    init,
    initSteps: int('initSteps', initSteps, 1, 100),
    seed: int('seed', seed, 0, 2 ** 32 - 1),
    runs: int('runs', runs, 1, 1000),
    distance,
    chunkRows: chunkRows === undefined ? undefined : int('chunkRows', chunkRows, 1),
    kernel,
    threads,
  };
}

async function initialCenters(data: CsrMatrix, o: ResolvedKMeansOptions, seed: number): Promise<Float32Array> {
  const io = { k: o.k, distance: o.distance, seed, initSteps: o.initSteps, chunkRows: o.chunkRows, kernel: o.kernel };
  if (o.init === 'random') return initRandom(data, io);
  if (o.init === 'k-means++') return initKMeansPlusPlus(data, io);
  return initKMeansParallel(data, io);
}

/** Sums -> means; an empty cluster keeps its center; cosine re-normalises. Returns the largest shift. */
export function updateCenters(
  centers: Float32Array,
  sums: Float64Array,
  counts: Float64Array,
  k: number,
  d: number,
  distance: Distance,
): number {
  const old = centers.slice();
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    const inv = 1 / counts[j];
    for (let i = 0; i < d; i++) centers[j * d + i] = sums[j * d + i] * inv;
    if (distance === 'cosine') normalizeRow(centers, j, d);
  }
  let shift = 0;
  for (let j = 0; j < k; j++) shift = Math.max(shift, centerShift(distance, old, centers, j, d));
  return shift;
}

function checkData(data: CsrMatrix, o: ResolvedKMeansOptions): void {
  if (data.rows === 0) throw new InputError('E_NO_DATA', 'no rows to cluster');
  if (o.k > data.rows) {
    throw new InputError('E_K_TOO_LARGE', `k = ${o.k} is larger than the number of usable rows (${data.rows})`);
  }
  if (o.distance === 'cosine') {
    for (let r = 0; r < data.rows; r++) {
      if (data.indptr[r] === data.indptr[r + 1]) {
        throw new InputError('E_ZERO_VECTOR', `row ${r} is a zero vector: cosine distance is not defined for it`);
      }
    }
  }
}

/** One Lloyd step (assignment, and optionally sums), in this thread or on the Lloyd pool. */
type Step = (centers: Float32Array, sums: boolean) => Promise<{ assignments: Int32Array; cost: number; sums?: Float64Array; counts?: Float64Array }>;

function threadsFor(data: CsrMatrix, o: ResolvedKMeansOptions): number {
  if (chooseKernel(data, o.kernel) !== 'sparse') return 1;
  if (o.threads !== 'auto') return o.threads;
  return data.indptr[data.rows] >= AUTO_THREADS_MIN_NNZ ? Math.max(1, availableParallelism()) : 1;
}

function localStep(data: CsrMatrix, o: ResolvedKMeansOptions, rowNorms2: Float64Array | undefined): Step {
  return async (centers, sums) => {
    const a = await assignToCenters(data, centers, o.k, { distance: o.distance, chunkRows: o.chunkRows, rowNorms2, kernel: o.kernel });
    if (!sums) return a;
    return { ...a, ...clusterSums(data, a.assignments, o.k) };
  };
}

/** Async generator of Lloyd progress for one run; returns the run's result. */
async function* lloydRun(data: CsrMatrix, o: ResolvedKMeansOptions, run: number, step: Step, signal?: AbortSignal, given?: Float32Array) {
  const { k, distance } = o;
  const d = data.cols;
  yield { phase: 'init', run, runs: o.runs, init: given ? 'given' : o.init } as KMeansProgress;
  let centers: Float32Array;
  if (given) {
    centers = given.slice();
    if (distance === 'cosine') for (let j = 0; j < k; j++) normalizeRow(centers, j, d);
  } else centers = await initialCenters(data, o, (o.seed + run * 0x9e3779b1) >>> 0);
  const costHistory: number[] = [];
  let converged = false;
  let iterations = 0;
  while (iterations < o.maxIterations) {
    signal?.throwIfAborted();
    const { cost, sums, counts } = await step(centers, true);
    iterations++;
    costHistory.push(cost);
    const shift = updateCenters(centers, sums!, counts!, k, d, distance);
    yield { phase: 'iteration', run, runs: o.runs, iteration: iterations, maxIterations: o.maxIterations, cost, shift } as KMeansProgress;
    if (shift <= o.epsilon) {
      converged = true;
      break;
    }
  }
  const final = await step(centers, false);
  const counts = new Float64Array(k);
  for (let r = 0; r < data.rows; r++) counts[final.assignments[r]]++;
  yield { phase: 'run-done', run, runs: o.runs, cost: final.cost, iterations, converged } as KMeansProgress;
  return { centers, counts, assignments: final.assignments, cost: final.cost, iterations, converged, costHistory };
}

/** Train k-means; the best of `runs` restarts by final cost. */
export async function kmeans(input: CsrMatrix, options: KMeansOptions): Promise<KMeansResult> {
  const o = resolveKMeansOptions(options);
  checkData(input, o);
  const given = options.initialCenters;
  if (given !== undefined && given.length !== o.k * input.cols) {
    throw new ConfigError('E_BAD_OPTION', `initialCenters holds ${given.length} values, expected k*d = ${o.k * input.cols}`);
  }
  // spherical k-means works on unit vectors (Spark normalises internally too); the input stays unchanged
  const data = o.distance === 'cosine' && !csrRowsAreUnit(input) ? csrNormalizeRows(input) : input;
  let best: (Awaited<ReturnType<typeof collect>> & { run: number }) | undefined;
  const runCosts: number[] = [];
  const rowNorms2 = o.distance === 'euclidean' ? csrRowNorms2(data) : undefined;
  const threads = threadsFor(data, o);
  const pool = threads > 1 ? await LloydPool.create(data, threads, rowNorms2) : undefined;
  const step: Step = pool ? (centers, sums) => pool.step(centers, o.k, o.distance, sums) : localStep(data, o, rowNorms2);
  async function collect(run: number) {
    const gen = lloydRun(data, o, run, step, options.signal, run === 0 ? given : undefined);
    for (;;) {
      const next = await gen.next();
      if (next.done) return next.value;
      options.onProgress?.(next.value);
    }
  }
  try {
    for (let run = 0; run < o.runs; run++) {
      const res = await collect(run);
      runCosts.push(res.cost);
      if (!best || res.cost < best.cost) best = { ...res, run };
    }
  } finally {
    await pool?.close();
  }
  return {
    k: o.k,
    d: data.cols,
    distance: o.distance,
    centers: best!.centers,
    counts: best!.counts,
    assignments: best!.assignments,
    cost: best!.cost,
    iterations: best!.iterations,
    converged: best!.converged,
    costHistory: best!.costHistory,
    bestRun: best!.run,
    runCosts,
  };
}
