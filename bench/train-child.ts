/**
 * One training measurement in a process of its own (so that its peak RSS is its own): builds `--rows`
 * Spark-recipe vectors from real texts, times one Lloyd iteration (assign + sums + update) per k on the
 * Lloyd pool, and optionally in this thread, with the tfjs kernel, and a full kmeans() run. Prints JSON.
 *
 * node dist/bench/train-child.js --rows 100000 --ks 10,50 --reps 5 [--threads N] [--single] [--tfjs]
 *   [--full ITERATIONS] [--peer-dir]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { assignToCenters, clusterSums } from '../src/clustering/assign.js';
import { kmeans, updateCenters } from '../src/clustering/kmeans.js';
import { LloydPool } from '../src/clustering/lloyd-pool.js';
import { initBackend } from '../src/linalg/backend.js';
import { csrRowNorms2, type CsrMatrix } from '../src/linalg/sparse.js';
import { baseTexts } from './lib/corpus.js';
import { initialCenters, sparkMatrix, writeForPeer } from './lib/matrix.js';
import { median, peakRssMiB, samplesMs } from './lib/measure.js';

export interface TrainChildResult {
  rows: number;
  nnz: number;
  threads: number;
  buildMs: number;
  /** Per k: median ms of one Lloyd iteration, and every sample. */
  poolMs: Record<string, number>;
  poolSamples: Record<string, number[]>;
  singleMs: Record<string, number>;
  singleSamples: Record<string, number[]>;
  tfjsMs: Record<string, number>;
  tfjsBackend?: string;
  tfjsSkipped?: Array<{ name: string; reason: string }>;
  full?: { k: number; iterations: number; ms: number; msPerIteration: number };
  peerDir?: string;
  peakRssMiB: number;
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      rows: { type: 'string' },
      ks: { type: 'string', default: '10' },
      reps: { type: 'string', default: '5' },
      threads: { type: 'string' },
      single: { type: 'boolean', default: false },
      tfjs: { type: 'boolean', default: false },
      full: { type: 'string' },
      'peer-dir': { type: 'boolean', default: false },
    },
  });
  const rows = Number(a.rows);
  const ks = a.ks!.split(',').map(Number);
  const reps = Number(a.reps);
  const threads = a.threads ? Number(a.threads) : availableParallelism();
  const t0 = performance.now();
  const m: CsrMatrix = sparkMatrix(baseTexts().texts, rows);
  const out: TrainChildResult = {
    rows,
    nnz: m.indptr[rows],
    threads,
    buildMs: performance.now() - t0,
    poolMs: {},
    poolSamples: {},
    singleMs: {},
    singleSamples: {},
    tfjsMs: {},
    peakRssMiB: 0,
  };
  const centers = new Map(ks.map((k) => [k, initialCenters(m, k, k)]));
  if (a['peer-dir']) out.peerDir = writeForPeer(m, centers).dir;
  const norms = csrRowNorms2(m);
  const d = m.cols;
  const pool = await LloydPool.create(m, threads, norms);
  try {
    for (const k of ks) {
      const c0 = centers.get(k)!;
      out.poolSamples[k] = await samplesMs(async () => {
        const c = c0.slice();
        const s = await pool.step(c, k, 'euclidean', true);
        updateCenters(c, s.sums!, s.counts!, k, d, 'euclidean');
      }, reps);
      out.poolMs[k] = median(out.poolSamples[k]);
    }
  } finally {
    await pool.close();
  }
  const localIter = (kernel: 'sparse' | 'tfjs', k: number) => async () => {
    const c = centers.get(k)!.slice();
    const r = await assignToCenters(m, c, k, { distance: 'euclidean', rowNorms2: norms, kernel });
    const s = clusterSums(m, r.assignments, k);
    updateCenters(c, s.sums, s.counts, k, d, 'euclidean');
  };
  if (a.single) {
    // one core: the Lloyd pool with one worker (the same kernels as above, no parallelism)
    const one = await LloydPool.create(m, 1, norms);
    try {
      for (const k of ks) {
        const c0 = centers.get(k)!;
        out.singleSamples[k] = await samplesMs(async () => {
          const c = c0.slice();
          const s = await one.step(c, k, 'euclidean', true);
          updateCenters(c, s.sums!, s.counts!, k, d, 'euclidean');
        }, reps);
        out.singleMs[k] = median(out.singleSamples[k]);
      }
    } finally {
      await one.close();
    }
  }
  if (a.tfjs) {
    const native = await initBackend('tensorflow');
    out.tfjsBackend = native.name;
    out.tfjsSkipped = native.skipped;
    for (const k of ks) out.tfjsMs[k] = median(await samplesMs(localIter('tfjs', k), Math.min(reps, 3)));
  }
  if (a.full) {
    const iterations = Number(a.full);
    const k = ks[0];
    const t1 = performance.now();
    const res = await kmeans(m, { k, maxIterations: iterations, epsilon: 0, seed: 1, threads });
    const ms = performance.now() - t1;
    out.full = { k, iterations: res.iterations, ms, msPerIteration: ms / Math.max(1, res.iterations) };
  }
  out.peakRssMiB = peakRssMiB();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
