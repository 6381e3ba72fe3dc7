/**
 * Stream benchmark: replay -> classify -> filter -> file sink with the bundled model.
 *  1. throughput: records/s through the whole pipeline, replaying as fast as possible (virtual clock,
 *     full batches), against a peer measured in the same run: a bare loop of Predictor.predict over
 *     the same texts (the classification cost alone), so the ratio is the engine's overhead;
 *  2. latency: p50/p99 batch processing time (batch cut to outputs written) at 10k records/s, replayed
 *     on the real clock with 1 s batches.
 *
 *   node --import tsx bench/stream.ts [--records N] [--rounds R] [--seconds S] [--input FILE]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ModelHolder } from '../src/clustering/model-holder.js';
import { Predictor } from '../src/clustering/predictor.js';
import { DEFAULT_MODEL_PATH, PROJECT_ROOT } from '../src/config.js';
import { fileSink } from '../src/sinks/files.js';
import { replaySource } from '../src/sources/replay.js';
import { systemClock, VirtualClock, type Clock } from '../src/stream/clock.js';
import { createPipeline } from '../src/stream/pipeline.js';
import { loadModel } from '../src/store/model-store.js';

const log = pino({ level: 'silent' });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface RunResult {
  records: number;
  matched: number;
  seconds: number;
  processing: number[];
  batches: number;
}

async function runPipeline(o: {
  input: string;
  out: string;
  clock: Clock;
  fill: boolean;
  rate?: number;
  maxBatch: number;
  stopAfter: (records: number, batches: number) => boolean;
  update?: boolean;
}): Promise<RunResult> {
  const model = await loadModel(DEFAULT_MODEL_PATH);
  const models = new ModelHolder(model);
  const labels = model.labels.includes('spa') ? ['spa'] : [];
  const pipeline = createPipeline({
    source: replaySource({ file: o.input, loop: true, rate: o.rate, clock: o.clock }),
    models,
    filter: { labels },
    sinks: [fileSink({ prefix: path.join(o.out, 'spa') })],
    batchMs: 1000,
    maxBatch: o.maxBatch,
    clock: o.clock,
    log,
    fill: o.fill,
    update: o.update ? { halfLife: 10, publishEvery: 1_000_000 } : undefined,
  });
  const r: RunResult = { records: 0, matched: 0, seconds: 0, processing: [], batches: 0 };
  let stopping = false;
  pipeline.events.on('batch.end', (b) => {
    r.records += b.records;
    r.matched += b.matched;
    r.batches++;
    if (b.records > 0) r.processing.push(b.processingMs);
    if (!stopping && o.stopAfter(r.records, r.batches)) {
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

async function peer(input: string, n: number): Promise<number> {
  const model = await loadModel(DEFAULT_MODEL_PATH);
  const predictor = new Predictor(model);
  const texts = readFileSync(input, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (l.trimStart().startsWith('{') ? (JSON.parse(l) as { text: string }).text : l));
  let done = 0;
  const t0 = performance.now();
  while (done < n) for (const t of texts) if (done++ < n) predictor.predict(t);
  return n / ((performance.now() - t0) / 1000);
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { records: { type: 'string' }, seconds: { type: 'string' }, input: { type: 'string' }, rounds: { type: 'string' } } });
  const shared = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'train.jsonl');
  const input = values.input ?? (existsSync(shared) ? shared : path.join(PROJECT_ROOT, 'examples', 'data', 'tweets.jsonl'));
  const records = Number(values.records ?? 100_000);
  const seconds = Number(values.seconds ?? 20);
  const rounds = Number(values.rounds ?? 3);
  const out = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-bench-stream-'));
  try {
    process.stdout.write(`input ${path.relative(process.cwd(), input)}, model ${path.relative(process.cwd(), DEFAULT_MODEL_PATH)}, node ${process.version}, ${os.cpus().length} cpus\n\n`);
    // warm-up (JIT, page cache), then rounds that alternate peer and pipeline (the machine may be shared:
    // alternating spreads its noise over both; the median of each is reported)
    await peer(input, 5000);
    const peerRates: number[] = [];
    const fullRates: number[] = [];
    const updRates: number[] = [];
    let full: RunResult | undefined;
    for (let round = 0; round < rounds; round++) {
      peerRates.push(await peer(input, records));
      full = await runPipeline({ input, out: path.join(out, `a${round}`), clock: new VirtualClock(0), fill: true, maxBatch: 10_000, stopAfter: (n) => n >= records });
      fullRates.push(full.records / full.seconds);
      const upd = await runPipeline({ input, out: path.join(out, `b${round}`), clock: new VirtualClock(0), fill: true, maxBatch: 10_000, stopAfter: (n) => n >= records / 2, update: true });
      updRates.push(upd.records / upd.seconds);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const peerRate = median(peerRates);
    const rows = [
      ['predictor loop (peer)', peerRate, 1],
      ['pipeline: replay -> classify -> filter spa -> files', median(fullRates), median(fullRates) / peerRate],
      ['  ... + StreamingKMeans update every batch', median(updRates), median(updRates) / peerRate],
    ] as const;
    process.stdout.write(`Throughput (as fast as possible, 10k-record batches, median of ${rounds} alternating rounds)\n`);
    for (const [name, rate, ratio] of rows) process.stdout.write(`  ${name.padEnd(52)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} records/s  x${ratio.toFixed(2)}\n`);
    const p = [...full!.processing].sort((a, b) => a - b);
    process.stdout.write(`  batch processing (10k records): p50 ${percentile(p, 50).toFixed(0)} ms, p99 ${percentile(p, 99).toFixed(0)} ms over ${p.length} batches\n\n`);

    const live = await runPipeline({
      input,
      out: path.join(out, 'c'),
      clock: systemClock,
      fill: false,
      rate: 10_000,
      maxBatch: 20_000,
      stopAfter: (_n, batches) => batches >= seconds + 1,
    });
    const lp = live.processing.slice(1).sort((a, b) => a - b); // the first batch is partial (start-up)
    process.stdout.write(`Latency at 10,000 records/s (1 s batches, real clock, ${lp.length} batches, ${Math.round(live.records / live.seconds).toLocaleString('en-US')} records/s delivered)\n`);
    process.stdout.write(`  batch processing time: p50 ${percentile(lp, 50).toFixed(0)} ms, p99 ${percentile(lp, 99).toFixed(0)} ms, max ${lp.at(-1)?.toFixed(0)} ms\n`);
    process.stdout.write(`  matched (spa) ${live.matched.toLocaleString('en-US')} of ${live.records.toLocaleString('en-US')}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await run();
}
