/**
 * Scaling: classify (worker pool) and one Lloyd iteration (k = 10, Lloyd pool) at 10k, 100k and 1M
 * texts, each against scikit-learn at the same size, plus a full k-means run on 1M x 1000 to show it
 * trains within 4 GB. Each figure notes the cost per item relative to the smallest size (1.00 = linear).
 */
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ClassifierPool } from '../src/classify/pool.js';
import { loadModelOrDefault } from '../src/clustering/load-default.js';
import { runTrainChild } from './lib/child.js';
import { corpus, peerReps, sklearnClassify } from './lib/corpus.js';
import { fmtNum, timeMs } from './lib/measure.js';
import { runPeer } from './lib/peer.js';
import type { BenchContext, BenchModule } from './lib/types.js';

const MEMORY_LIMIT_MIB = 4096;

async function run(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [10_000, 50_000] : [10_000, 100_000, 1_000_000];
  const threads = availableParallelism();
  const { model } = await loadModelOrDefault(undefined);

  // classify
  let base: number | undefined;
  const pool = await ClassifierPool.create({ model, threads });
  try {
    for (const n of sizes) {
      const texts = corpus(n);
      const reps = n >= 1_000_000 ? Math.min(ctx.reps, 3) : ctx.reps;
      const ms = await timeMs(() => pool.classify(texts), reps);
      const peer = sklearnClassify(texts, model.k, model.features.numFeatures, n >= 1_000_000 ? 1 : peerReps(ctx.reps), true);
      const peerMs = peer.ok ? (1000 * n) / peer.value.classify_per_s : null;
      const perItem = ms / n;
      base ??= perItem;
      ctx.report({
        bench: 'scaling',
        name: `classify ${fmtNum(n)} texts, ms (${threads} threads)`,
        unit: 'ms',
        ours: ms,
        peer: peerMs,
        peerName: 'sklearn HashingVectorizer+KMeans.predict',
        ratio: peerMs ? ms / peerMs : null,
        target: 'linear',
        pass: null,
        note: `${(perItem * 1000).toFixed(2)} µs/text = ${(perItem / base).toFixed(2)}x the ${fmtNum(sizes[0])}-text cost`,
      });
    }
  } finally {
    await pool.close();
  }

  // train
  base = undefined;
  for (const n of sizes) {
    const last = n === sizes[sizes.length - 1];
    const r = await runTrainChild(['--rows', String(n), '--ks', '10', '--reps', String(ctx.reps), '--peer-dir', ...(last ? ['--full', '3'] : [])]);
    try {
      const peer = runPeer<{ ms: Record<string, number> }>('lloyd.py', [r.peerDir!, String(n), '1000', '10', String(ctx.reps), String(threads)]);
      const ours = r.poolMs[10];
      const p = peer.ok ? peer.value.ms[`10/${threads}`] : null;
      const perItem = ours / n;
      base ??= perItem;
      ctx.report({
        bench: 'scaling',
        name: `Lloyd iteration ${fmtNum(n)}x1000, k=10, ms (${threads} threads)`,
        unit: 'ms',
        ours,
        peer: p,
        peerName: `sklearn lloyd_iter_chunked_sparse, ${threads} threads`,
        ratio: p ? ours / p : null,
        target: 'linear',
        pass: null,
        note: `${((perItem * 1e6) / 1000).toFixed(2)} µs/row = ${(perItem / base).toFixed(2)}x the ${fmtNum(sizes[0])}-row cost; peak RSS ${fmtNum(r.peakRssMiB)} MiB`,
      });
      if (r.full) {
        ctx.report({
          bench: 'scaling',
          name: `full k-means ${fmtNum(n)}x1000 (k-means|| + ${r.full.iterations} iterations), peak RSS MiB`,
          unit: 'MiB',
          ours: r.peakRssMiB,
          peer: null,
          peerName: '',
          ratio: null,
          target: `<= ${fmtNum(MEMORY_LIMIT_MIB)} MiB`,
          pass: r.peakRssMiB <= MEMORY_LIMIT_MIB,
          note: `${fmtNum(r.full.ms / 1000, 1)} s in all; heap limited to 4096 MiB (--max-old-space-size)`,
        });
      }
    } finally {
      if (r.peerDir) rmSync(r.peerDir, { recursive: true, force: true });
    }
  }
}

export const bench: BenchModule = { name: 'scaling', description: 'classify and train at 10k, 100k, 1M texts: cost grows linearly', run };
