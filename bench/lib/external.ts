/**
 * The streaming and HTTP benches (bench/stream.ts, bench/api.ts) run standalone and print their own
 * lines (with their ratios); these adapters plug them into bench/run.ts, and turn the API bench's
 * results into figures against its target.
 */
import { run as runApi } from '../api.js';
import { run as runStream } from '../stream.js';
import type { BenchModule } from './types.js';

export const streamBench: BenchModule = {
  name: 'stream',
  description: 'replay -> classify -> filter -> file sink: throughput vs a bare predictor loop, latency at 10k records/s',
  run: async (ctx) => {
    await runStream(ctx.quick ? ['--records', '20000', '--seconds', '5', '--rounds', '1'] : []);
  },
};

interface ApiCase {
  predict: { reqPerSec: number; p99: number };
  bare: { reqPerSec: number; p99: number };
  ratio: number;
  textsPerSec: number;
}

export const apiBench: BenchModule = {
  name: 'api',
  description: 'POST /v1/predict vs a bare Fastify route (requests/s), SSE delivery latency',
  run: async (ctx) => {
    const r = (await runApi()) as Record<string, unknown>;
    for (const n of [1, 100]) {
      const c = r[`predict_${n}`] as ApiCase | undefined;
      if (!c) continue;
      ctx.report({
        bench: 'api',
        name: `POST /v1/predict req/s, ${n} text${n > 1 ? 's' : ''} per request`,
        unit: 'req/s',
        ours: c.predict.reqPerSec,
        peer: c.bare.reqPerSec,
        peerName: 'bare Fastify route',
        ratio: c.ratio,
        target: n === 1 ? 'ratio >= 0.5' : '',
        pass: n === 1 ? c.ratio >= 0.5 : null,
        note: `p99 ${c.predict.p99} ms vs ${c.bare.p99} ms`,
      });
    }
  },
};
