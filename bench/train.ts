/**
 * Train: one Lloyd iteration (assign + sums + update) on 100k x 1000 hashed-bigram vectors (Spark recipe,
 * ~8% non-zero), k = 10 and 50, against scikit-learn's Lloyd iteration on the same matrix and centers.
 * Ours: the sparse kernel on the Lloyd pool (every core) and in one thread, and the tfjs matMul kernel on
 * the backend tfjs picks here (native tfjs where @tensorflow/tfjs-node installs, else wasm).
 */
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runTrainChild } from './lib/child.js';
import { fmtNum, median } from './lib/measure.js';
import { runPeer } from './lib/peer.js';
import type { BenchContext, BenchModule } from './lib/types.js';

interface LloydPeer {
  rows: number;
  ms: Record<string, number>;
  samples: Record<string, number[]>;
}

/** Medians over both rounds' samples. */
function mergePeers(a: LloydPeer, b: LloydPeer): LloydPeer {
  const ms: Record<string, number> = {};
  for (const key of Object.keys(a.samples)) ms[key] = median([...a.samples[key], ...(b.samples[key] ?? [])]);
  return { rows: a.rows, ms, samples: a.samples };
}

async function run(ctx: BenchContext): Promise<void> {
  const rows = ctx.quick ? 20_000 : 100_000;
  const ks = [10, 50];
  const threads = availableParallelism();
  ctx.info(`train: building ${fmtNum(rows)} x 1000 Spark-recipe vectors in a child process`);
  // two rounds, ours then the peer each time, so that a neighbour's burst weighs on both sides
  const r = await runTrainChild(['--rows', String(rows), '--ks', ks.join(','), '--reps', String(ctx.reps), '--single', '--tfjs', '--peer-dir']);
  try {
    const peerArgs = [r.peerDir!, String(rows), '1000', ks.join(','), String(ctx.reps), `1,${threads}`];
    const peer1 = runPeer<LloydPeer>('lloyd.py', peerArgs);
    const r2 = await runTrainChild(['--rows', String(rows), '--ks', ks.join(','), '--reps', String(ctx.reps), '--single']);
    const peer2 = runPeer<LloydPeer>('lloyd.py', peerArgs);
    const peer = peer1.ok && peer2.ok ? { ok: true as const, value: mergePeers(peer1.value, peer2.value) } : peer1.ok ? peer2 : peer1;
    for (const k of ks) {
      r.poolMs[k] = median([...r.poolSamples[k], ...r2.poolSamples[k]]);
      r.singleMs[k] = median([...r.singleSamples[k], ...r2.singleSamples[k]]);
    }
    const density = ((100 * r.nnz) / rows / 1000).toFixed(1);
    const tfjsNote =
      r.tfjsSkipped && r.tfjsSkipped.length > 0
        ? `tfjs backend ${r.tfjsBackend}; not available: ${r.tfjsSkipped.map((s) => `${s.name} (${s.reason.split(' imported from')[0].slice(0, 80)})`).join(', ')}`
        : `tfjs backend ${r.tfjsBackend}`;
    for (const k of ks) {
      const lines: Array<[string, number, number, string, boolean]> = [
        [`Lloyd iteration ms, ${fmtNum(rows)}x1000 (${density}% nnz), k=${k}, ${threads} threads`, r.poolMs[k], threads, 'ratio <= 1.0', true],
        [`Lloyd iteration ms, ${fmtNum(rows)}x1000, k=${k}, 1 thread`, r.singleMs[k], 1, '', false],
        [`Lloyd iteration ms, ${fmtNum(rows)}x1000, k=${k}, tfjs matMul kernel (${r.tfjsBackend})`, r.tfjsMs[k], threads, '', false],
      ];
      for (const [name, ours, peerThreads, target, judged] of lines) {
        const p = peer.ok ? peer.value.ms[`${k}/${peerThreads}`] : null;
        const ratio = p ? ours / p : null;
        ctx.report({
          bench: 'train',
          name,
          unit: 'ms',
          ours,
          peer: p,
          peerName: `sklearn lloyd_iter_chunked_sparse, ${peerThreads} thread${peerThreads > 1 ? 's' : ''}`,
          ratio,
          target,
          pass: judged ? ratio !== null && ratio <= 1.0 : null,
          note: peer.ok ? (name.includes('tfjs') ? tfjsNote : `peak RSS of the training process ${fmtNum(r.peakRssMiB)} MiB`) : peer.reason,
        });
      }
    }
  } finally {
    if (r.peerDir) rmSync(r.peerDir, { recursive: true, force: true });
  }
}

export const bench: BenchModule = { name: 'train', description: 'one Lloyd iteration, 100k x 1000, k = 10 and 50, vs scikit-learn', run };
