/**
 * Classify: clean-up + featurize + predict with the default model on real texts in memory, one thread
 * (Predictor.predictBatch) and every core (ClassifierPool: worker threads, the main thread only
 * dispatching), against scikit-learn's char-bigram HashingVectorizer + KMeans.predict on the same texts
 * in the same run. Also the cost of each stage of the WebAssembly kernel, per text.
 */
import { availableParallelism } from 'node:os';
import { ClassifierPool } from '../src/classify/pool.js';
import { loadModelOrDefault } from '../src/clustering/load-default.js';
import type { ClusterModel } from '../src/clustering/model.js';
import { Predictor, allocBatchPredictions } from '../src/clustering/predictor.js';
import { WasmClassifier, kernelSupports, type KernelStage } from '../src/clustering/wasm-classify.js';
import { CLASSIFY_TEXTS, baseTexts, corpus, peerReps, sklearnClassify } from './lib/corpus.js';
import { fmtNum, median, samplesMs } from './lib/measure.js';
import type { BenchContext, BenchModule } from './lib/types.js';

export const CLASSIFY_TARGET_PER_S = 1_000_000;
export const CLASSIFY_TARGET_RATIO = 20;

const STAGES: ReadonlyArray<[KernelStage | undefined, string]> = [
  ['copy', 'texts in, results out'],
  ['prepare', 'clean-up + lower-case'],
  ['count', 'hash + count n-grams'],
  ['f32', 'weights + float32 scores'],
  [undefined, 'exact re-scoring + unknown rules'],
];

/**
 * CPU µs per text of each kernel stage: kernels built to stop after a stage, timed in turns on the same
 * texts, one thread; a stage's cost is the difference to the kernel stopping before it.
 */
function stageCosts(model: ClusterModel, texts: readonly string[], reps: number): number[] {
  const kernels = STAGES.map(([stage]) => new WasmClassifier(model, undefined, { stage }));
  const out = allocBatchPredictions(texts.length);
  const cpuNs = (k: WasmClassifier) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < texts.length; i += 4096) k.classify(texts, i, Math.min(texts.length, i + 4096), out, i);
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) * 1000) / texts.length;
  };
  kernels.forEach(cpuNs);
  const samples = kernels.map(() => [] as number[]);
  for (let r = 0; r < Math.max(5, 2 * reps + 1); r++) kernels.forEach((k, i) => samples[i].push(cpuNs(k)));
  const cum = samples.map(median);
  return cum.map((v, i) => Math.max(0, (i === 0 ? v : v - cum[i - 1]) / 1000));
}

async function run(ctx: BenchContext): Promise<void> {
  const { model } = await loadModelOrDefault(undefined);
  const n = ctx.quick ? 50_000 : CLASSIFY_TEXTS;
  const texts = corpus(n);
  ctx.info(`classify: ${fmtNum(n)} texts from ${baseTexts().source}, model k=${model.k} ${model.features.numFeatures} features`);
  const threads = availableParallelism();
  const predictor = new Predictor(model);
  const pool = await ClassifierPool.create({ model, threads });
  // warm-up (JIT, worker start) before the measured rounds
  predictor.predictBatch(texts);
  await pool.classify(texts);
  const single: number[] = [];
  const multi: number[] = [];
  // CPU seconds of this process (every thread) per run: texts per CPU-second does not depend on how much
  // of the machine other processes take, wall-clock texts/s does
  const cpu = { single: 0, multi: 0 };
  const cpuOf = async (key: 'single' | 'multi', fn: () => Promise<number[]>) => {
    const c0 = process.cpuUsage();
    const ts = await fn();
    const c = process.cpuUsage(c0);
    cpu[key] += (c.user + c.system) / 1e6;
    return ts;
  };
  try {
    // ours before and after the peer: a neighbour's burst then weighs on both sides
    for (let round = 0; round < 2; round++) {
      single.push(...(await cpuOf('single', () => samplesMs(() => predictor.predictBatch(texts), ctx.reps, 0))));
      multi.push(...(await cpuOf('multi', () => samplesMs(() => pool.classify(texts), ctx.reps, 0))));
      if (round === 0) sklearnClassify(texts, model.k, model.features.numFeatures, peerReps(ctx.reps));
    }
  } finally {
    await pool.close();
  }
  const peer = sklearnClassify(texts, model.k, model.features.numFeatures, peerReps(ctx.reps));
  const peerRate = peer.ok ? peer.value.classify_per_s : null;
  const note = peer.ok ? `sklearn KMeans.predict on ${peer.value.openmp_threads} OpenMP threads` : peer.reason;
  const singleRate = n / (median(single) / 1000);
  const multiRate = n / (median(multi) / 1000);
  const perCpu = (key: 'single' | 'multi') => (n * ctx.reps * 2) / cpu[key];
  const base = { bench: 'classify', peerName: 'sklearn HashingVectorizer+KMeans.predict', peer: peerRate } as const;
  ctx.report({
    ...base,
    name: 'classify texts/s, 1 thread',
    unit: 'texts/s',
    ours: singleRate,
    ratio: peerRate ? singleRate / peerRate : null,
    target: '',
    pass: null,
    note: `${fmtNum(perCpu('single'))} texts per CPU-second; ${note}`,
  });
  const ratio = peerRate ? multiRate / peerRate : null;
  ctx.report({
    ...base,
    name: `classify texts/s, ${threads} threads (pool)`,
    unit: 'texts/s',
    ours: multiRate,
    ratio,
    target: `>= ${fmtNum(CLASSIFY_TARGET_PER_S)}/s and ratio >= ${CLASSIFY_TARGET_RATIO}`,
    pass: multiRate >= CLASSIFY_TARGET_PER_S && (ratio === null || ratio >= CLASSIFY_TARGET_RATIO),
    note: `${fmtNum(perCpu('multi'))} texts per CPU-second; ${note}`,
  });
  const idle = threads * perCpu('multi');
  ctx.report({
    ...base,
    name: `classify texts/s with ${threads} idle cores (pool: texts per CPU-second x ${threads})`,
    unit: 'texts/s',
    ours: idle,
    ratio: peerRate ? idle / peerRate : null,
    target: '',
    pass: null,
    note: 'what the pool would do on cores no other process uses; the machine is shared',
  });
  if (!kernelSupports(model)) {
    ctx.info('classify: the WebAssembly kernel does not take this model (its feature settings): stage costs skipped');
    return;
  }
  const costs = stageCosts(model, texts.slice(0, ctx.quick ? 20_000 : 50_000), ctx.reps);
  const total = costs.reduce((a, b) => a + b, 0);
  ctx.report({
    bench: 'classify',
    name: 'classify CPU µs per text by stage, 1 thread (WebAssembly kernel)',
    unit: 'µs',
    ours: total,
    peer: null,
    peerName: '',
    ratio: null,
    target: '',
    pass: null,
    note: STAGES.map(([, what], i) => `${what} ${costs[i].toFixed(2)}`).join(', '),
  });
}

export const bench: BenchModule = { name: 'classify', description: 'clean-up + featurize + predict, 1 thread and the worker pool, vs scikit-learn', run };
