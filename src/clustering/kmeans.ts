/**
 * Batch k-means with MLlib's semantics: k-means|| (default), k-means++ or random init; Lloyd iterations
 * until every center moves by at most `epsilon` or `maxIterations`; ties to the lowest index; an empty
 * cluster keeps its center; cost = WSSSE (euclidean) or the sum of cosine distances (cosine, spherical
 * k-means on unit vectors). `runs` restarts keep the lowest cost. Same seed, same model.
 *
 * Distances run on TensorFlow.js kernels (assign.ts); sums are O(nnz) loops over the sparse rows.
 */
import { ConfigError, InputError } from '../errors.js';
import { csrNormalizeRows, csrRowNorms2, csrRowsAreUnit, type CsrMatrix } from '../linalg/sparse.js';
import { ASSIGN_KERNELS, assignToCenters, clusterSums, type AssignKernel } from './assign.js';
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
  /** Distance kernel (assign.ts): auto, tfjs or sparse. */
  kernel?: AssignKernel;
  /**
   * Start from these centers ([k, d] row-major) instead of an initialisation mode, e.g. seeds computed from
   * labelled texts (training/seeding.ts). Only the first run uses them; further runs use `init`.
   */
  initialCenters?: Float32Array;
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
}

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
  } = o;
  if (!ASSIGN_KERNELS.includes(kernel)) {
    throw new ConfigError('E_BAD_OPTION', `kernel must be one of ${ASSIGN_KERNELS.join(', ')} (got ${JSON.stringify(kernel)})`);
  }
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

/** Async generator of Lloyd progress for one run; returns the run's result. */
async function* lloydRun(data: CsrMatrix, o: ResolvedKMeansOptions, run: number, signal?: AbortSignal, given?: Float32Array) {
  const { k, distance, kernel } = o;
  const d = data.cols;
  yield { phase: 'init', run, runs: o.runs, init: given ? 'given' : o.init } as KMeansProgress;
  let centers: Float32Array;
  if (given) {
    centers = given.slice();
    if (distance === 'cosine') for (let j = 0; j < k; j++) normalizeRow(centers, j, d);
  } else centers = await initialCenters(data, o, (o.seed + run * 0x9e3779b1) >>> 0);
  const rowNorms2 = distance === 'euclidean' ? csrRowNorms2(data) : undefined;
  const costHistory: number[] = [];
  let converged = false;
  let iterations = 0;
  while (iterations < o.maxIterations) {
    signal?.throwIfAborted();
    const { assignments, cost } = await assignToCenters(data, centers, k, { distance, chunkRows: o.chunkRows, rowNorms2, kernel });
    const { sums, counts } = clusterSums(data, assignments, k);
    iterations++;
    costHistory.push(cost);
    const shift = updateCenters(centers, sums, counts, k, d, distance);
    yield { phase: 'iteration', run, runs: o.runs, iteration: iterations, maxIterations: o.maxIterations, cost, shift } as KMeansProgress;
    if (shift <= o.epsilon) {
      converged = true;
      break;
    }
  }
  const final = await assignToCenters(data, centers, k, { distance, chunkRows: o.chunkRows, rowNorms2, kernel });
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
  async function collect(run: number) {
    const gen = lloydRun(data, o, run, options.signal, run === 0 ? given : undefined);
    for (;;) {
      const step = await gen.next();
      if (step.done) return step.value;
      options.onProgress?.(step.value);
    }
  }
  for (let run = 0; run < o.runs; run++) {
    const res = await collect(run);
    runCosts.push(res.cost);
    if (!best || res.cost < best.cost) best = { ...res, run };
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
