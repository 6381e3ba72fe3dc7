/**
 * API benchmark: POST /v1/predict requests/s and p99 latency with 1 and 100 texts per request (autocannon),
 * next to a bare Fastify route returning a constant for the same request, measured in the same run (and, at
 * 1 text, the same app with its rate limiter on); then SSE delivery latency (hub.write -> event parsed by a
 * client) at 5k tweets/s. The peer is the issue's: a bare Fastify app, no plugins, `POST /const` answering
 * {"ok": true} after Fastify's own JSON body parsing. Ours is the app `npm start` serves (security headers,
 * request ids, strict UTF-8 JSON parser, TypeBox validation, metrics, OpenAPI), rate limiter off (one
 * client address would hit any real limit).
 *
 *   node --import tsx bench/api.ts     (BENCH_DURATION=12 s per server and size, in BENCH_ROUNDS=4 alternating rounds;
 *                                       BENCH_CONNECTIONS=10; BENCH_SSE_RATE=5000; BENCH_SSE_SECONDS=10)
 *
 * The servers run in a child process (bench/api-server.ts) so the load generator does not share their
 * event loop. Results are printed and written to bench/out/api.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SAMPLE_TWEETS } from '../test/helpers/sample-tweets.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 12);
/** The bare and predict runs alternate in this many rounds (medians reported), so load from other processes hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SSE_RATE = Number(process.env.BENCH_SSE_RATE ?? 5000);
const SSE_SECONDS = Number(process.env.BENCH_SSE_SECONDS ?? 10);

interface Servers {
  child: ChildProcess;
  app: string;
  /** The app with its rate limiter on (a limit the benchmark never reaches). */
  limited: string;
  bare: string;
}

function startServers(env: NodeJS.ProcessEnv = {}): Promise<Servers> {
  const entry = path.join(ROOT, 'bench', 'api-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, ...(JSON.parse(buf.slice(0, nl)) as Omit<Servers, 'child'>) });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
}

async function stopServers(s: Servers): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

interface Load {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, body: string, seconds: number): Promise<Load> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  return { reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function combine(runs: Load[]): Load {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  };
}

/**
 * The servers in `urls` in rounds, the order rotating from round to round (so that a neighbour's burst
 * weighs on every server alike); medians of each. Also the median of the per-round ratios to `urls[0]`.
 */
async function compare(urls: string[], body: string): Promise<{ loads: Load[]; ratios: number[] }> {
  const seconds = Math.max(1, Math.round(DURATION / ROUNDS));
  const runs: Load[][] = urls.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < urls.length; i++) {
      const k = (i + r) % urls.length;
      runs[k].push(await load(urls[k], body, seconds));
    }
  }
  const ratios = runs.map((rs) => median(rs.map((x, r) => x.reqPerSec / runs[0][r].reqPerSec)));
  return { loads: runs.map(combine), ratios };
}

function payload(n: number): string {
  const texts = Array.from({ length: n }, (_, i) => SAMPLE_TWEETS[i % SAMPLE_TWEETS.length].text);
  return JSON.stringify(n === 1 ? { text: texts[0] } : { texts });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Texts/s of Predictor.predictMany in this process on the same 100-text payload: the compute ceiling. */
async function inProcessTextsPerSec(seconds: number): Promise<number> {
  const { loadModel } = await import('../src/store/model-store.js');
  const { Predictor } = await import('../src/clustering/predictor.js');
  const { DEFAULT_MODEL_PATH } = await import('../src/config.js');
  const predictor = new Predictor(await loadModel(DEFAULT_MODEL_PATH));
  const texts = (JSON.parse(payload(100)) as { texts: string[] }).texts;
  for (let i = 0; i < 50; i++) predictor.predictMany(texts); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    predictor.predictMany(texts);
    n += texts.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Connects `clients` SSE clients, collects delivery latencies for `seconds`. */
async function sseLatency(base: string, clients: number, seconds: number): Promise<{ events: number; p50: number; p99: number; max: number; skipped: number }> {
  const latencies: number[] = [];
  let skipped = 0;
  const reqs: http.ClientRequest[] = [];
  let measuring = false;
  for (let c = 0; c < clients; c++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/v1/stream`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          const now = Date.now();
          buf += d;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!measuring) continue;
            if (block.includes('event: tweet')) {
              const data = block.slice(block.indexOf('data: ') + 6);
              const at = /"receivedAt":(\d+)/.exec(data);
              if (at) latencies.push(now - Number(at[1]));
            } else if (block.includes('event: skipped')) skipped += Number(/"dropped":(\d+)/.exec(block)?.[1] ?? 0);
          }
        });
        resolve();
      });
      req.on('error', reject);
      reqs.push(req);
    });
  }
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  for (const r of reqs) r.destroy();
  latencies.sort((a, b) => a - b);
  return { events: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, skipped };
}

export async function run(): Promise<Record<string, unknown>> {
  const env = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, duration: DURATION, rounds: ROUNDS, connections: CONNECTIONS, loadavg: os.loadavg()[0] };
  console.log(
    `API benchmark: ${DURATION}s per server and size in ${ROUNDS} alternating rounds (medians), ${CONNECTIONS} connections, ` +
      `${env.cpus} CPUs (${env.cpu}), Node ${env.node}, load average ${env.loadavg.toFixed(2)} at start`,
  );
  // the compute ceiling first, while no server or load generator runs
  const ceiling = await inProcessTextsPerSec(3);
  const servers = await startServers();
  const results: Record<string, unknown> = { env };
  try {
    for (const n of [1, 100]) {
      const body = payload(n);
      // the rate limiter's cost is measured at 1 text per request (where per-request costs show)
      const urls = [`${servers.bare}/const`, `${servers.app}/v1/predict`, ...(n === 1 ? [`${servers.limited}/v1/predict`] : [])];
      const { loads, ratios } = await compare(urls, body);
      const [bare, predict, limited] = loads;
      const ratio = predict.reqPerSec / bare.reqPerSec;
      results[`predict_${n}`] = { predict, bare, ratio, roundRatio: ratios[1], textsPerSec: predict.reqPerSec * n };
      console.log(
        `texts/request ${String(n).padStart(3)}: /v1/predict ${predict.reqPerSec.toFixed(0)} req/s (${(predict.reqPerSec * n).toFixed(0)} texts/s), ` +
          `p50 ${predict.p50} ms, p99 ${predict.p99} ms | bare Fastify ${bare.reqPerSec.toFixed(0)} req/s, p99 ${bare.p99} ms | ` +
          `ratio ${ratio.toFixed(3)} (median of the rounds' ratios ${ratios[1].toFixed(3)})${predict.errors || predict.non2xx ? ` | ERRORS ${predict.errors} non-2xx ${predict.non2xx}` : ''}`,
      );
      if (limited) {
        const lr = limited.reqPerSec / bare.reqPerSec;
        results[`predict_${n}_ratelimited`] = { predict: limited, bare, ratio: lr, roundRatio: ratios[2], textsPerSec: limited.reqPerSec * n };
        console.log(
          `  with the rate limiter on: /v1/predict ${limited.reqPerSec.toFixed(0)} req/s, p50 ${limited.p50} ms, p99 ${limited.p99} ms | ratio ${lr.toFixed(3)} (rounds ${ratios[2].toFixed(3)})` +
            (limited.errors || limited.non2xx ? ` | ERRORS ${limited.errors} non-2xx ${limited.non2xx}` : ''),
        );
      }
    }
  } finally {
    await stopServers(servers);
  }
  const api100 = (results.predict_100 as { textsPerSec: number }).textsPerSec;
  results.inProcessTextsPerSec = ceiling;
  console.log(
    `in-process Predictor.predictMany, same 100 texts: ${ceiling.toFixed(0)} texts/s; /v1/predict at 100 texts/request reaches ${(100 * api100 / ceiling).toFixed(0)}% of it`,
  );

  const sseServers = await startServers({ BENCH_SSE_RATE: String(SSE_RATE) });
  try {
    for (const clients of [1, 10]) {
      const s = await sseLatency(sseServers.app, clients, SSE_SECONDS);
      results[`sse_${clients}`] = { rate: SSE_RATE, clients, ...s };
      console.log(
        `SSE at ${SSE_RATE} tweets/s (batches every 100 ms), ${clients} client(s): ${s.events} events, delivery p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms, skipped ${s.skipped}`,
      );
    }
  } finally {
    await stopServers(sseServers);
  }
  console.log('SSE latency here is from hub.write (the pipeline tap) to the event parsed by a client; ingest-to-delivery through the pipeline: npm run bench -- stream.');
  const out = path.join(ROOT, 'bench', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'api.json'), JSON.stringify(results, null, 2) + '\n');
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
