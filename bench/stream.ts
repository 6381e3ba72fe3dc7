/**
 * Stream benchmark, with the bundled model on ../shared/data/train.jsonl (replayed in a loop):
 *
 *  1. Live: replay at 5,000 and 10,000 tweets/s -> classify -> SSE hub -> real SSE clients over loopback HTTP
 *     (buildApp listening on port 0, the app the service runs; 10 clients in a worker thread: one takes
 *     every tweet, nine one language each), 50 ms batches. Ingest-to-delivery latency of every tweet a
 *     client receives: the replay stamps `receivedAt` when it releases the record, the client takes
 *     Date.now() when the event arrives (same wall clock, other thread). p50/p99/max, target p99 < 100 ms.
 *  2. Maximum sustained rate of that same setup: the rate steps up (x1.5 from the highest of --rates, then two bisection
 *     steps) until the pipeline falls behind: a rate is sustained when the replay's rate is delivered
 *     (>= 97%) and the scheduling delay over the last second of the step stays below one batch interval
 *     (falling behind makes it grow batch after batch). Peer, measured in the same run: the bare
 *     predictor's single-thread throughput (`Predictor.predictBatch` over the same texts in memory), i.e.
 *     the classification work alone; the ratio is the share of one core's classification capacity the
 *     whole live path (read, parse, batch, windows, hub, HTTP) sustains. Above 1 needs classifier threads.
 *  Both run with classification on the main thread (in time slices) and on a pool of worker threads.
 *  3. Throughput to files (as before): replay -> classify -> filter spa -> file sink as fast as possible
 *     (virtual clock, 10k-record batches), vs a bare `Predictor.predict` loop, with and without
 *     StreamingKMeans updates.
 *
 *   node --import tsx bench/stream.ts [--rates 5000,10000] [--batch-ms 50] [--seconds 10] [--threads 0,2]
 *       [--step-seconds 6] [--records 100000] [--rounds 3] [--input FILE] [--quick] [--no-search]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ModelHolder } from '../src/clustering/model-holder.js';
import type { ClusterModel } from '../src/clustering/model.js';
import { allocBatchPredictions, Predictor } from '../src/clustering/predictor.js';
import { DEFAULT_HTTP, DEFAULT_MODEL_PATH, DEFAULT_SSE, PROJECT_ROOT } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { ServiceMetrics } from '../src/http/metrics.js';
import { fileSink } from '../src/sinks/files.js';
import { StreamHub } from '../src/sinks/hub.js';
import { replaySource } from '../src/sources/replay.js';
import { VirtualClock, type Clock } from '../src/stream/clock.js';
import { createPipeline } from '../src/stream/pipeline.js';
import { loadModel } from '../src/store/model-store.js';
import { SseClients, type Delivery } from './lib/sse-clients.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function readTexts(input: string): string[] {
  return readFileSync(input, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (l.trimStart().startsWith('{') ? (JSON.parse(l) as { text: string }).text : l));
}

// ---------------------------------------------------------------- live: replay -> SSE clients

export interface LiveResult {
  rate: number;
  threads: number;
  batchMs: number;
  /** Records/s that went through the pipeline while measuring. */
  achieved: number;
  batches: number;
  processingP50: number;
  processingP99: number;
  delayP99: number;
  delayMax: number;
  /** Median scheduling delay over the last second of the run. */
  delayLastSecond: number;
  delivery: { events: number; p50: number; p99: number; max: number; skipped: number; disconnected: number };
  sustained: boolean;
}

interface LiveOptions {
  input: string;
  model: ClusterModel;
  rate: number;
  batchMs: number;
  threads: number;
  warmupSeconds: number;
  seconds: number;
  clients: SseClients;
  queries: string[];
}

async function live(o: LiveOptions): Promise<LiveResult> {
  const models = new ModelHolder(o.model, DEFAULT_MODEL_PATH);
  const sse = DEFAULT_SSE;
  const hub = new StreamHub({ queueSize: sse.queueSize, maxBehindMs: sse.maxBehindMs, maxSubscribers: sse.maxClients, recentPerCluster: sse.recentPerCluster });
  const pipeline = createPipeline({
    source: replaySource({ file: o.input, loop: true, rate: o.rate }),
    models,
    taps: [hub],
    batchMs: o.batchMs,
    classifyThreads: o.threads,
    log,
  });
  const app = await buildApp({ models, hub, pipeline, metrics: new ServiceMetrics(), config: { ...DEFAULT_HTTP, port: 0 }, log });
  const batches: Array<{ at: number; records: number; processingMs: number; schedulingDelayMs: number }> = [];
  let measuring = false;
  pipeline.events.on('batch.end', (b) => {
    if (measuring) batches.push({ at: performance.now(), records: b.records, processingMs: b.processingMs, schedulingDelayMs: b.schedulingDelayMs });
  });
  let delivery: Delivery;
  let elapsed: number;
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    await o.clients.connect(url, o.queries);
    await pipeline.start();
    await sleep(o.warmupSeconds * 1000);
    o.clients.start();
    measuring = true;
    const t0 = performance.now();
    await sleep(o.seconds * 1000);
    measuring = false;
    elapsed = (performance.now() - t0) / 1000;
    delivery = await o.clients.stop();
  } finally {
    o.clients.disconnect();
    await app.close();
    await pipeline.stop();
    await hub.close();
  }
  const records = batches.reduce((a, b) => a + b.records, 0);
  const proc = batches.map((b) => b.processingMs).sort((a, b) => a - b);
  const delay = batches.map((b) => b.schedulingDelayMs).sort((a, b) => a - b);
  const end = batches.at(-1)?.at ?? 0;
  const last = batches.filter((b) => b.at >= end - 1000).map((b) => b.schedulingDelayMs);
  const achieved = records / elapsed;
  const delayLastSecond = last.length ? median(last) : Infinity;
  const lat = delivery.latencies;
  return {
    rate: o.rate,
    threads: o.threads,
    batchMs: o.batchMs,
    achieved,
    batches: batches.length,
    processingP50: percentile(proc, 50),
    processingP99: percentile(proc, 99),
    delayP99: percentile(delay, 99),
    delayMax: delay.at(-1) ?? NaN,
    delayLastSecond,
    delivery: { events: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1) ?? NaN, skipped: delivery.skipped, disconnected: delivery.disconnected },
    sustained: achieved >= 0.97 * o.rate && delayLastSecond <= o.batchMs,
  };
}

function liveLine(r: LiveResult): string {
  const d = r.delivery;
  return (
    `${fmt(r.rate).padStart(7)}/s -> ${fmt(r.achieved).padStart(7)}/s in ${r.batches} batches; processing p50 ${fmt(r.processingP50, 1)} p99 ${fmt(r.processingP99, 1)} ms; ` +
    `sched. delay p99 ${fmt(r.delayP99)} max ${fmt(r.delayMax)} last-second median ${fmt(r.delayLastSecond)} ms; ` +
    `delivery p50 ${fmt(d.p50)} p99 ${fmt(d.p99)} max ${fmt(d.max)} ms over ${fmt(d.events)} events` +
    (d.skipped ? `, ${fmt(d.skipped)} skipped` : '') +
    (d.disconnected ? `, ${d.disconnected} clients cut` : '')
  );
}

/** Single-thread Predictor.predictBatch throughput over the texts (median of `reps` runs of ~1 s each). */
function predictorRate(model: ClusterModel, texts: string[], reps: number): number {
  const p = new Predictor(model);
  const out = allocBatchPredictions(texts.length);
  p.predictBatch(texts, out);
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      p.predictBatch(texts, out);
      n += texts.length;
    }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

// ---------------------------------------------------------------- throughput to files (as fast as possible)

interface RunResult {
  records: number;
  seconds: number;
  processing: number[];
}

async function runToFiles(o: { input: string; out: string; clock: Clock; model: ClusterModel; records: number; update?: boolean }): Promise<RunResult> {
  const models = new ModelHolder(o.model);
  const labels = o.model.labels.includes('spa') ? ['spa'] : [];
  const pipeline = createPipeline({
    source: replaySource({ file: o.input, loop: true, clock: o.clock }),
    models,
    filter: { labels },
    sinks: [fileSink({ prefix: path.join(o.out, 'spa') })],
    batchMs: 1000,
    maxBatch: 10_000,
    clock: o.clock,
    log,
    fill: true,
    update: o.update ? { halfLife: 10, publishEvery: 1_000_000 } : undefined,
  });
  const r: RunResult = { records: 0, seconds: 0, processing: [] };
  let stopping = false;
  pipeline.events.on('batch.end', (b) => {
    r.records += b.records;
    if (b.records > 0) r.processing.push(b.processingMs);
    if (!stopping && r.records >= o.records) {
      stopping = true;
      void pipeline.stop();
    }
  });
  const t0 = performance.now();
  await pipeline.start();
  await pipeline.done;
  r.seconds = (performance.now() - t0) / 1000;
  return r;
}

function predictLoopRate(model: ClusterModel, texts: string[], n: number): number {
  const predictor = new Predictor(model);
  let done = 0;
  const t0 = performance.now();
  while (done < n) for (const t of texts) if (done++ < n) predictor.predict(t);
  return n / ((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------- main

export interface StreamBenchResult {
  input: string;
  peerPredictBatch: number;
  live: LiveResult[];
  search: Array<{ threads: number; steps: LiveResult[]; maxSustained: number }>;
  files: { peer: number; pipeline: number; update: number; p50: number; p99: number };
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<StreamBenchResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rates: { type: 'string', default: '5000,10000' },
      'batch-ms': { type: 'string', default: '50' },
      seconds: { type: 'string' },
      'step-seconds': { type: 'string' },
      threads: { type: 'string', default: `0,${Math.min(2, os.availableParallelism())}` },
      records: { type: 'string' },
      rounds: { type: 'string' },
      input: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-search': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const shared = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'train.jsonl');
  const input = values.input ?? (existsSync(shared) ? shared : path.join(PROJECT_ROOT, 'examples', 'data', 'tweets.jsonl'));
  const rates = values.rates.split(',').map(Number);
  const rate = Math.max(...rates); // the rate search starts here
  const batchMs = Number(values['batch-ms']);
  const seconds = Number(values.seconds ?? (quick ? 4 : 10));
  const stepSeconds = Number(values['step-seconds'] ?? (quick ? 3 : 6));
  const threadsList = values.threads.split(',').map(Number);
  const records = Number(values.records ?? (quick ? 20_000 : 100_000));
  const rounds = Number(values.rounds ?? (quick ? 1 : 3));
  const model = await loadModel(DEFAULT_MODEL_PATH);
  const texts = readTexts(input);
  const labels = ['spa', 'eng', 'por', 'fra', 'deu', 'ita', 'arb', 'jpn', 'kor'].filter((l) => model.labels.includes(l));
  const queries = ['', ...labels.map((l) => `?lang=${l}`)];
  const out = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-bench-stream-'));
  const say = (s = '') => process.stdout.write(`${s}\n`);
  say(
    `input ${path.relative(process.cwd(), input)} (${fmt(texts.length)} texts), model ${path.relative(process.cwd(), DEFAULT_MODEL_PATH)} (k ${model.k}, ${fmt(model.features.numFeatures)} features), ` +
      `node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );
  const clients = new SseClients();
  const result: StreamBenchResult = { input, peerPredictBatch: 0, live: [], search: [], files: { peer: 0, pipeline: 0, update: 0, p50: 0, p99: 0 } };
  try {
    result.peerPredictBatch = predictorRate(model, texts, quick ? 1 : 3);
    say(`peer: Predictor.predictBatch, 1 thread, same texts in memory: ${fmt(result.peerPredictBatch)} texts/s`);
    say();
    say(`Live: replay -> classify -> SSE hub -> ${queries.length} SSE clients over HTTP (1 all tweets, ${queries.length - 1} one language each), ${batchMs} ms batches, ${seconds} s after ${quick ? 1 : 3} s warm-up`);
    for (const r of rates) {
      for (const threads of threadsList) {
        const l = await live({ input, model, rate: r, batchMs, threads, warmupSeconds: quick ? 1 : 3, seconds, clients, queries });
        result.live.push(l);
        say(`  ${threads === 0 ? 'main thread         ' : `${threads} classifier threads`}: ${liveLine(l)}`);
      }
    }
    if (!values['no-search']) {
      say();
      say(`Maximum sustained rate (${batchMs} ms batches, same clients; a step is ${stepSeconds} s after 2 s warm-up; sustained: >= 97% of the rate delivered and the last second's median scheduling delay <= ${batchMs} ms)`);
      for (const threads of threadsList) {
        const steps: LiveResult[] = [];
        const step = async (r: number) => {
          const s = await live({ input, model, rate: Math.round(r), batchMs, threads, warmupSeconds: 2, seconds: stepSeconds, clients, queries });
          steps.push(s);
          say(`  ${threads === 0 ? 'main thread' : `${threads} threads`}: ${s.sustained ? 'ok  ' : 'FAIL'} ${liveLine(s)}`);
          return s.sustained;
        };
        let ok = 0;
        let bad = 0;
        for (let r = rate; r <= 2_000_000; r *= 1.5) {
          if (await step(r)) ok = r;
          else {
            bad = r;
            break;
          }
        }
        for (let i = 0; i < (quick ? 1 : 2) && ok > 0 && bad > 0; i++) {
          const mid = (ok + bad) / 2;
          if (await step(mid)) ok = mid;
          else bad = mid;
        }
        result.search.push({ threads, steps, maxSustained: Math.round(ok) });
        say(
          `  => ${threads === 0 ? 'main thread' : `${threads} classifier threads`}: max sustained ${fmt(ok)} tweets/s` +
            (bad ? ` (falls behind at ${fmt(bad)})` : '') +
            `; ${(ok / result.peerPredictBatch).toFixed(2)} x the bare predictor on 1 thread`,
        );
      }
    }

    say();
    await runToFiles({ input, out: path.join(out, 'w'), clock: new VirtualClock(0), model, records: Math.min(records, 20_000) }); // warm-up
    const peerRates: number[] = [];
    const fullRates: number[] = [];
    const updRates: number[] = [];
    let full: RunResult | undefined;
    for (let round = 0; round < rounds; round++) {
      peerRates.push(predictLoopRate(model, texts, records));
      full = await runToFiles({ input, out: path.join(out, `a${round}`), clock: new VirtualClock(0), model, records });
      fullRates.push(full.records / full.seconds);
      const upd = await runToFiles({ input, out: path.join(out, `b${round}`), clock: new VirtualClock(0), model, records: records / 2, update: true });
      updRates.push(upd.records / upd.seconds);
    }
    const p = [...full!.processing].sort((a, b) => a - b);
    result.files = { peer: median(peerRates), pipeline: median(fullRates), update: median(updRates), p50: percentile(p, 50), p99: percentile(p, 99) };
    const f = result.files;
    say(`Throughput to files (as fast as possible, 10k-record batches, median of ${rounds} alternating rounds)`);
    const rows = [
      ['predictor loop (peer)', f.peer, 1],
      ['pipeline: replay -> classify -> filter spa -> files', f.pipeline, f.pipeline / f.peer],
      ['  ... + StreamingKMeans update every batch', f.update, f.update / f.peer],
    ] as const;
    for (const [name, r, ratio] of rows) say(`  ${name.padEnd(52)} ${fmt(r).padStart(9)} records/s  x${ratio.toFixed(2)}`);
    say(`  batch processing (10k records): p50 ${fmt(f.p50)} ms, p99 ${fmt(f.p99)} ms over ${p.length} batches`);
    say(`load at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await clients.terminate();
    rmSync(out, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await run();
}
