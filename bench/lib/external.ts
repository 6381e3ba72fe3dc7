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
  description: 'replay -> classify -> SSE clients over HTTP: ingest-to-delivery latency at 5k and 10k tweets/s (50 ms batches), max sustained rate; file-sink throughput',
  run: async (ctx) => {
    const r = await runStream(ctx.quick ? ['--quick'] : []);
    for (const l of r.live) {
      const where = l.threads === 0 ? 'main thread' : `${l.threads} classifier threads`;
      ctx.report({
        bench: 'stream',
        name: `ingest-to-delivery p99 ms, ${l.rate.toLocaleString('en-US')} tweets/s, ${l.batchMs} ms batches, SSE over HTTP (${where})`,
        unit: 'ms',
        ours: l.delivery.p99,
        peer: null,
        peerName: '',
        ratio: null,
        target: '< 100 ms',
        pass: l.delivery.p99 < 100,
        note: `p50 ${l.delivery.p50} ms, max ${l.delivery.max} ms, ${l.delivery.events.toLocaleString('en-US')} events; batch processing p99 ${l.processingP99.toFixed(1)} ms`,
      });
    }
    for (const s of r.search) {
      ctx.report({
        bench: 'stream',
        name: `max sustained tweets/s, ${r.live[0]?.batchMs ?? 50} ms batches, SSE over HTTP (${s.threads === 0 ? 'main thread' : `${s.threads} classifier threads`})`,
        unit: 'tweets/s',
        ours: s.maxSustained,
        peer: r.peerPredictBatch,
        peerName: 'Predictor.predictBatch, 1 thread, texts in memory',
        ratio: s.maxSustained / r.peerPredictBatch,
        target: '',
        pass: null,
      });
    }
    ctx.report({
      bench: 'stream',
      name: 'replay -> classify -> filter -> file sink, records/s (as fast as possible)',
      unit: 'records/s',
      ours: r.files.pipeline,
      peer: r.files.peer,
      peerName: 'Predictor.predict loop',
      ratio: r.files.pipeline / r.files.peer,
      target: '',
      pass: null,
      note: `with StreamingKMeans updates ${Math.round(r.files.update).toLocaleString('en-US')}/s`,
    });
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
    for (const key of ['predict_1', 'predict_1_ratelimited', 'predict_100']) {
      const c = r[key] as ApiCase | undefined;
      if (!c) continue;
      const n = key === 'predict_100' ? 100 : 1;
      ctx.report({
        bench: 'api',
        name: `POST /v1/predict req/s, ${n} text${n > 1 ? 's' : ''} per request${key.endsWith('ratelimited') ? ', rate limiter on' : ''}`,
        unit: 'req/s',
        ours: c.predict.reqPerSec,
        peer: c.bare.reqPerSec,
        peerName: 'bare Fastify route',
        ratio: c.ratio,
        target: key === 'predict_1' ? 'ratio >= 0.5' : '',
        pass: key === 'predict_1' ? c.ratio >= 0.5 : null,
        note: `p99 ${c.predict.p99} ms vs ${c.bare.p99} ms`,
      });
    }
  },
};
