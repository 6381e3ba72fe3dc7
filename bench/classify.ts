/**
 * Classify: clean-up + featurize + predict with the default model on real texts in memory, one thread
 * (Predictor.predictBatch) and every core (ClassifierPool), against scikit-learn's char-bigram
 * HashingVectorizer + KMeans.predict on the same texts.
 */
import { availableParallelism } from 'node:os';
import { ClassifierPool } from '../src/classify/pool.js';
import { loadModelOrDefault } from '../src/clustering/load-default.js';
import { Predictor } from '../src/clustering/predictor.js';
import { CLASSIFY_TEXTS, baseTexts, corpus, peerReps, sklearnClassify } from './lib/corpus.js';
import { fmtNum, median, samplesMs } from './lib/measure.js';
import type { BenchContext, BenchModule } from './lib/types.js';

export const CLASSIFY_TARGET_PER_S = 1_000_000;
export const CLASSIFY_TARGET_RATIO = 20;

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
  const cpuNote = (key: 'single' | 'multi') =>
    `${fmtNum(perCpu(key))} texts per CPU-second${key === 'multi' ? `, i.e. up to ${fmtNum(threads * perCpu(key))}/s with ${threads} idle cores` : ''}`;
  ctx.report({
    bench: 'classify',
    name: 'classify texts/s, 1 thread',
    unit: 'texts/s',
    ours: singleRate,
    peer: peerRate,
    peerName: 'sklearn HashingVectorizer+KMeans.predict',
    ratio: peerRate ? singleRate / peerRate : null,
    target: '',
    pass: null,
    note: `${cpuNote('single')}; ${note}`,
  });
  const ratio = peerRate ? multiRate / peerRate : null;
  ctx.report({
    bench: 'classify',
    name: `classify texts/s, ${threads} threads (pool)`,
    unit: 'texts/s',
    ours: multiRate,
    peer: peerRate,
    peerName: 'sklearn HashingVectorizer+KMeans.predict',
    ratio,
    target: `>= ${fmtNum(CLASSIFY_TARGET_PER_S)}/s and ratio >= ${CLASSIFY_TARGET_RATIO}`,
    pass: multiRate >= CLASSIFY_TARGET_PER_S && (ratio === null || ratio >= CLASSIFY_TARGET_RATIO),
    note: `${cpuNote('multi')}; ${note}`,
  });
}

export const bench: BenchModule = { name: 'classify', description: 'clean-up + featurize + predict, 1 thread and the worker pool, vs scikit-learn', run };
