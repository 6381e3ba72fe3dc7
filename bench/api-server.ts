/**
 * The servers bench/api.ts measures, in their own process so the load generator does not share their
 * event loop: the tweetlang app (default model, no rate limit), the same app with its rate limiter on, and
 * a bare Fastify app whose route returns a constant. With BENCH_SSE_RATE set it also feeds the SSE hub at that many tweets/s.
 * Prints one JSON line {app, limited, bare} with the three base URLs, then serves until killed.
 */
import Fastify from 'fastify';
import { ModelHolder } from '../src/clustering/model-holder.js';
import { Predictor } from '../src/clustering/predictor.js';
import { DEFAULT_HTTP, DEFAULT_MODEL_PATH } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ServiceMetrics } from '../src/http/metrics.js';
import { createLogger } from '../src/log.js';
import { StreamHub } from '../src/sinks/hub.js';
import type { Classified } from '../src/sinks/types.js';
import { loadModel } from '../src/store/model-store.js';
import { SAMPLE_TWEETS } from '../test/helpers/sample-tweets.js';

const log = createLogger({ level: 'error' });
const model = await loadModel(DEFAULT_MODEL_PATH);
const models = new ModelHolder(model, DEFAULT_MODEL_PATH);
const hub = new StreamHub({ queueSize: 10_000, maxSubscribers: 1000, maxBehindMs: 60_000 });
const app = await buildApp({
  models,
  hub,
  metrics: new ServiceMetrics(),
  config: { ...DEFAULT_HTTP, rateLimitMax: 0, maxTexts: 1000 },
  log,
});
const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
// the same app with the rate limiter on (as `npm start` runs it), with a limit the benchmark never reaches
const limited = await buildApp({
  models,
  hub: new StreamHub(),
  metrics: new ServiceMetrics(),
  config: { ...DEFAULT_HTTP, rateLimitMax: 1_000_000_000, maxTexts: 1000 },
  log,
});
const limitedUrl = await limited.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify();
bare.post('/const', async () => ({ ok: true }));
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

const rate = Number(process.env.BENCH_SSE_RATE ?? 0);
if (rate > 0) {
  // pre-classified sample tweets, cycled; every record is stamped with the time it is handed to the hub
  const predictor = new Predictor(model);
  const classified = SAMPLE_TWEETS.map((s) => ({ text: s.text, lang: s.lang, ...predictor.predict(s.text) }));
  const intervalMs = Number(process.env.BENCH_SSE_INTERVAL_MS ?? 100);
  const perBatch = Math.round((rate * intervalMs) / 1000);
  let n = 0;
  setInterval(() => {
    const now = Date.now();
    const items: Classified[] = [];
    for (let i = 0; i < perBatch; i++, n++) {
      const c = classified[n % classified.length];
      items.push({
        record: { value: { text: c.text, lang: c.lang, id: String(n) }, partition: 'bench', next: n, receivedAt: now },
        cluster: c.cluster,
        label: c.label,
        distance: c.distance,
        modelVersion: 1,
      });
    }
    void hub.write({ time: now, items });
  }, intervalMs);
}

process.stdout.write(JSON.stringify({ app: appUrl, limited: limitedUrl, bare: bareUrl }) + '\n');

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    void Promise.all([app.close(), limited.close(), bare.close()]).finally(() => process.exit(0));
  });
}
