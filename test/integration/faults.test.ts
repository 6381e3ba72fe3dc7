/**
 * Faults while the service runs: a checkpoint folder or model store that becomes full or read-only, a
 * damaged checkpoint or model file, a source that stalls or disconnects, an SSE client that stops reading.
 * For each: the fault is logged with a clear code, the service keeps serving with the last good model
 * (predict answers with it, /readyz stays 200, the stream goes on), and it recovers once the fault clears.
 *
 * The service is composed as services/api does it (ModelHolder, StreamHub tap, pipeline, buildApp), with
 * a ManualClock driving the batches, so nothing waits on wall-clock time. Disk faults run on a real tmpfs
 * when this machine allows mounting, and injected at the fs.promises boundary always (test/helpers/faulty-fs.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { serializeModel, type ClusterModel } from '../../src/clustering/model.js';
import { DEFAULT_HTTP, DEFAULT_MODEL_PATH, loadApiConfig, type HttpConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { ServiceMetrics } from '../../src/http/metrics.js';
import { createModelRepository } from '../../src/http/services/model-repository.js';
import type { App } from '../../src/http/types.js';
import { createLogger } from '../../src/log.js';
import { StreamHub, type HubOptions } from '../../src/sinks/hub.js';
import { replaySource } from '../../src/sources/replay.js';
import { socketSource } from '../../src/sources/socket.js';
import type { Source } from '../../src/sources/types.js';
import { CheckpointStore } from '../../src/stream/checkpoint.js';
import { ManualClock } from '../../src/stream/clock.js';
import { createPipeline, type TweetPipeline } from '../../src/stream/pipeline.js';
import { ModelStore, versionFileName } from '../../src/store/model-store.js';
import { startApiService } from '../../services/api/service.js';
import { LogCapture } from '../helpers/app.js';
import { faultModes, faultyDir, writeTruncated, type FaultyDir } from '../helpers/faulty-fs.js';
import { connectSse, waitFor, type SseClient } from '../helpers/sse.js';
import { languageModel, mixed, writeJsonl } from '../stream/fixtures.js';
import { until } from '../stream/helpers.js';

const LANGS = ['spa', 'eng', 'deu'];
const SPANISH = 'Toda persona tiene derecho a la libertad de opinión y de expresión';
const ADMIN = 'fault-test-admin-key-0123456789';

interface Service {
  app: App;
  pipeline: TweetPipeline;
  hub: StreamHub;
  models: ModelHolder;
  clock: ManualClock;
  logs: LogCapture;
  /** Runs the next n batches. */
  step(n?: number): Promise<void>;
  /** Log lines carrying this code. */
  logged(code: string): Array<Record<string, unknown>>;
  /** POST /v1/predict of a Spanish sentence: status, model version and label. */
  predict(): Promise<{ status: number; version: number; label: string | null }>;
  ready(): Promise<number>;
  metric(line: RegExp): Promise<number>;
  close(): Promise<void>;
}

interface ServiceOptions {
  source?: (clock: ManualClock) => Source;
  checkpointDir?: string;
  storeDir?: string;
  update?: boolean;
  modelPath?: string;
  model?: ClusterModel;
  stallWarnMs?: number;
  hub?: HubOptions;
  http?: Partial<HttpConfig>;
  maxBatch?: number;
}

const open: Service[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tmp(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function faulty(mode: Parameters<typeof faultyDir>[0]): Promise<FaultyDir> {
  const f = await faultyDir(mode);
  cleanups.push(() => f.close());
  return f;
}

async function streamFile(count = 60, text?: (i: number) => string): Promise<string> {
  const dir = await tmp('tweetlang-faults-in-');
  const file = path.join(dir, 'stream.jsonl');
  writeJsonl(file, mixed(LANGS, count).map((r, i) => ({ ...r, id: `id${i}`, text: text ? text(i) : r.text })));
  return file;
}

async function service(o: ServiceOptions = {}): Promise<Service> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logs = new LogCapture();
  const log = createLogger({ level: 'info', destination: logs });
  const models = new ModelHolder(o.model ?? languageModel(LANGS), 'test');
  const hub = new StreamHub({ now: () => clock.now(), ...o.hub });
  const file = o.source ? undefined : await streamFile();
  const source = o.source ? o.source(clock) : replaySource({ file: file!, loop: true, clock });
  const pipeline = createPipeline({
    source,
    models,
    taps: [hub],
    batchMs: 1000,
    maxBatch: o.maxBatch ?? 10,
    window: { lengthMs: 2000, slideMs: 1000 },
    update: o.update ? { store: o.storeDir ? new ModelStore(o.storeDir) : undefined, publishEvery: 2, decayFactor: 1 } : undefined,
    checkpoint: o.checkpointDir ? { dir: o.checkpointDir, every: 2 } : undefined,
    modelPath: o.modelPath,
    modelPollMs: 1000,
    stallWarnMs: o.stallWarnMs,
    fill: !o.source,
    clock,
    log: log.child({ component: 'pipeline' }),
  });
  const config: HttpConfig = { ...DEFAULT_HTTP, rateLimitMax: 0, adminKey: ADMIN, ...o.http };
  const app = await buildApp({ models, hub, pipeline, metrics: new ServiceMetrics(), config, log });
  await pipeline.start();
  const svc: Service = {
    app,
    pipeline,
    hub,
    models,
    clock,
    logs,
    async step(n = 1) {
      for (let i = 0; i < n; i++) {
        const t = pipeline.context.pendingTime;
        clock.set(Math.max(t, clock.now()));
        await pipeline.context.awaitBatch(t);
      }
    },
    logged: (code) => logs.lines.filter((l) => l.code === code),
    async predict() {
      const r = await app.inject({ method: 'POST', url: '/v1/predict', payload: { text: SPANISH } });
      const body = r.json() as { modelVersion: number; predictions: Array<{ label: string | null }> };
      return { status: r.statusCode, version: body.modelVersion, label: body.predictions?.[0]?.label ?? null };
    },
    ready: async () => (await app.inject({ url: '/readyz' })).statusCode,
    async metric(re) {
      const m = re.exec((await app.inject({ url: '/metrics' })).body);
      return m ? Number(m[1]) : 0;
    },
    async close() {
      await app.close();
      await pipeline.stop().catch(() => undefined);
      await hub.close();
    },
  };
  open.push(svc);
  return svc;
}

/** The service answers with the model it had, is ready, and its stream goes on. */
async function expectServing(s: Service, version: number, { streaming = true } = {}): Promise<void> {
  expect(await s.predict()).toEqual({ status: 200, version, label: 'spa' });
  expect(await s.ready()).toBe(200);
  expect(s.pipeline.running).toBe(true);
  const before = s.hub.stats().records;
  const lastBatch = s.pipeline.context.lastBatchTime ?? 0;
  await s.step();
  expect(s.pipeline.context.lastBatchTime).toBeGreaterThan(lastBatch); // batches go on
  if (streaming) expect(s.hub.stats().records).toBeGreaterThan(before); // and carry records
}

describe.each(faultModes())('disk faults under the checkpoint folder and the model store (%s)', (mode) => {
  for (const fault of ['full', 'read-only'] as const) {
    it(`${fault}: checkpoints and model versions fail with a code, the last good model serves, both resume once the disk is back`, async () => {
      const disk = await faulty(mode);
      const ckptDir = path.join(disk.dir, 'ckpt');
      const storeDir = path.join(disk.dir, 'models');
      const s = await service({ checkpointDir: ckptDir, storeDir, update: true });
      const checkpoints = new CheckpointStore(ckptDir);
      await s.step(4); // checkpoints after batches 2 and 4; model versions 2 and 3
      expect(s.models.version).toBe(3);
      expect(await new ModelStore(storeDir).currentVersion()).toBe(3);
      const goodCheckpoint = (await checkpoints.times()).at(-1)!;
      const cause = fault === 'full' ? 'E_DISK_FULL' : 'E_PERMISSION';

      if (fault === 'full') await disk.fill();
      else await disk.readOnly();
      await s.step(4); // batches 5-8: two checkpoints and two publishes fail
      const ckptWarnings = s.logged('E_CHECKPOINT_FAILED');
      expect(ckptWarnings).toHaveLength(2);
      expect(ckptWarnings.every((l) => l.level === 40 && l.cause === cause)).toBe(true);
      expect(String(ckptWarnings[0].msg)).toMatch(new RegExp(`not written \\(${cause}: .*(no space left|permission denied)`));
      expect(String(ckptWarnings[0].msg)).toMatch(/a crash now would replay from the checkpoint of batch \d+/);
      const publishWarnings = s.logged('E_MODEL_PUBLISH_FAILED');
      expect(publishWarnings.length).toBeGreaterThanOrEqual(1);
      expect(String(publishWarnings[0].msg)).toMatch(new RegExp(`${cause}.*model version 3 stays in use`));
      expect(await checkpoints.times()).toContain(goodCheckpoint);
      expect((await checkpoints.times()).at(-1)).toBe(goodCheckpoint);
      expect(s.models.version).toBe(3);
      await expectServing(s, 3); // batch 9
      expect(await s.metric(/^tweetlang_pipeline_warnings_total\{code="E_CHECKPOINT_FAILED"\} (\d+)$/m)).toBe(2);
      // no temporary files left behind by the failed atomic writes
      if (fault === 'full') await disk.free();
      else await disk.writable();
      expect((await readdir(ckptDir)).filter((n) => n.startsWith('.'))).toEqual([]);

      await s.step(3); // batches 10-12: checkpoint at 10 and 12, a new version at 10 or 12
      expect((await checkpoints.times()).at(-1)).toBe(s.pipeline.context.lastBatchTime);
      expect(s.logs.lines.some((l) => l.code === 'E_CHECKPOINT_FAILED' && l.msg === 'checkpoints are written again')).toBe(true);
      expect(s.models.version).toBeGreaterThan(3);
      expect(await new ModelStore(storeDir).currentVersion()).toBe(s.models.version);
      expect(s.logs.lines.some((l) => l.code === 'E_MODEL_PUBLISH_FAILED' && l.msg === 'model versions are published again')).toBe(true);
      await expectServing(s, s.models.version);

      // nothing was lost meanwhile: the newest checkpoint counted every record processed, exactly once
      const totals = Object.values(s.pipeline.totals()).reduce((a, b) => a + b, 0);
      await s.pipeline.stop();
      const last = (await checkpoints.latest())!;
      const saved = Object.entries(last.nodes).find(([k]) => k.endsWith(':updateStateByKey'))![1] as Array<[string, number]>;
      expect(saved.reduce((n, [, v]) => n + v, 0)).toBe(totals);
      expect(totals).toBe(13 * 10);
    });
  }
});

describe('damaged files', () => {
  it('a damaged newest checkpoint is skipped with E_CHECKPOINT_INVALID; the restart resumes from the one before and loses nothing', async () => {
    const dir = await tmp('tweetlang-faults-ckpt-');
    const file = await streamFile(60);
    const source = () => replaySource({ file, clock: new ManualClock() });
    const first = await service({ source: () => source(), checkpointDir: dir });
    // fill: false with this source, so wait for the records to be buffered before each batch
    const input = () => first.pipeline.context.graph.inputs[0].impl as unknown as { buffered: number };
    for (let b = 0; b < 4; b++) {
      await until(() => input().buffered >= 10, 'records buffered');
      await first.step();
    }
    await first.pipeline.stop();
    const store = new CheckpointStore(dir);
    const times = await store.times();
    expect(times.length).toBeGreaterThanOrEqual(2);
    const newest = path.join(dir, `checkpoint-${String(times.at(-1)).padStart(16, '0')}.json`);
    writeTruncated(newest, readFileSync(newest, 'utf8'));
    const older = await store.read(times.at(-2)!);
    const olderCount = (Object.entries(older.nodes).find(([k]) => k.endsWith(':updateStateByKey'))![1] as Array<[string, number]>).reduce(
      (n, [, v]) => n + v,
      0,
    );

    const second = await service({ source: () => source(), checkpointDir: dir });
    const warning = second.logged('E_CHECKPOINT_INVALID');
    expect(warning).toHaveLength(1);
    expect(String(warning[0].msg)).toMatch(/invalid checkpoint: not JSON.*trying an older checkpoint/);
    const input2 = () => second.pipeline.context.graph.inputs[0].impl as unknown as { buffered: number; done: boolean };
    for (let b = 0; b < 10 && !input2().done; b++) {
      await until(() => input2().buffered >= 10 || input2().done, 'records buffered');
      await second.step();
    }
    // every record of the file counted exactly once: those the older checkpoint had, and all after it
    expect(Object.values(second.pipeline.totals()).reduce((a, b) => a + b, 0)).toBe(60);
    expect(olderCount).toBeLessThan(60);
    await expectServing(second, 1, { streaming: false }); // the file has ended
  });

  it('a damaged model version is reported and the model in use stays; repaired in place, it is taken', async () => {
    const storeDir = await tmp('tweetlang-faults-store-');
    const store = new ModelStore(storeDir);
    const good = languageModel(LANGS);
    await store.save(good);
    const s = await service({ modelPath: storeDir, model: good });
    const v2 = { ...good, version: 2 };
    const v2File = path.join(storeDir, versionFileName(2));
    writeTruncated(v2File, serializeModel(v2), 0.3);
    writeFileSync(path.join(storeDir, 'CURRENT'), `${versionFileName(2)}\n`);
    await until(async () => (await s.step(), s.logs.lines.some((l) => String(l.msg).startsWith('new model at'))), 'the watcher to see version 2', 20_000);
    const warn = s.logs.lines.find((l) => String(l.msg).startsWith('new model at'))!;
    expect(warn.level).toBe(40);
    expect(warn.code).toBe('E_MODEL_FORMAT');
    expect(String(warn.msg)).toMatch(/not used, the current one stays \(version 1\)/);
    expect(await s.metric(/^tweetlang_pipeline_warnings_total\{code="E_MODEL_FORMAT"\} (\d+)$/m)).toBe(1);
    await expectServing(s, 1);

    writeFileSync(v2File, serializeModel(v2)); // the fault clears: the same version, repaired
    await until(async () => (await s.step(), s.models.version === 2), 'the repaired version 2 in use', 20_000);
    await expectServing(s, 2);
  });

  it('the API service starts with the last good store version when the newest is damaged, and reloads once it is repaired', async () => {
    const storeDir = await tmp('tweetlang-faults-api-store-');
    const store = new ModelStore(storeDir);
    const good = languageModel(LANGS);
    await store.save(good);
    const v2 = serializeModel({ ...good, version: 2 });
    await store.save({ ...good, version: 2 });
    writeTruncated(path.join(storeDir, versionFileName(2)), v2, 0.5);
    const logs = new LogCapture();
    const log = createLogger({ level: 'info', destination: logs });
    const env = { PORT: '0', TWEETLANG_EMBEDDED_PIPELINE: 'false', TWEETLANG_MODEL_STORE: storeDir, TWEETLANG_MODEL: DEFAULT_MODEL_PATH, TWEETLANG_ADMIN_KEY: ADMIN, TWEETLANG_BACKEND: 'cpu' };
    const svc = await startApiService(loadApiConfig(env), log, env);
    cleanups.push(() => svc.stop());
    const skipped = logs.lines.find((l) => l.code === 'E_MODEL_FORMAT');
    expect(skipped).toMatchObject({ level: 40, version: 2 });
    expect(svc.app.models.version).toBe(1);
    const predict = await svc.app.inject({ method: 'POST', url: '/v1/predict', payload: { text: SPANISH } });
    expect(predict.json()).toMatchObject({ modelVersion: 1, predictions: [{ label: 'spa' }] });

    const reload = () => svc.app.inject({ method: 'POST', url: '/v1/model/reload', headers: { 'x-admin-key': ADMIN } });
    const refused = await reload();
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('E_MODEL_FORMAT');
    expect(svc.app.models.version).toBe(1);
    writeFileSync(path.join(storeDir, versionFileName(2)), v2);
    const ok = await reload();
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, previousVersion: 1 });
  });
});

describe('a source that stalls, disconnects, or cannot be reached', () => {
  it('logs E_SOURCE_STALLED, E_SOURCE_DISCONNECTED and E_SOURCE_UNREACHABLE, keeps serving, and reads again once the server is back', async () => {
    const conns: net.Socket[] = [];
    let server = net.createServer((c) => conns.push(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    cleanups.push(async () => {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
    });
    const s = await service({ source: (clock) => socketSource({ host: '127.0.0.1', port, clock, backoffMs: 100, maxBackoffMs: 400 }), stallWarnMs: 3000, maxBatch: 100 });
    const input = () => s.pipeline.context.graph.inputs[0].impl as unknown as { buffered: number };
    const lines = (n: number, from: number) => mixed(LANGS, n, from).map((r) => JSON.stringify(r) + '\n').join('');
    /** The server sends n records; batches run once they are buffered. */
    const send = async (n: number, from: number) => {
      const before = s.hub.stats().records;
      conns.at(-1)!.write(lines(n, from));
      await until(() => input().buffered >= n, 'records received');
      await s.step();
      expect(s.hub.stats().records).toBe(before + n);
    };

    await until(() => conns.length === 1, 'the first connection');
    await send(5, 0);
    // stall: connected, nothing sent for 4 batches; one warning, not one per batch
    await s.step(4);
    expect(s.logged('E_SOURCE_STALLED').filter((l) => l.level === 40)).toHaveLength(1);
    expect(String(s.logged('E_SOURCE_STALLED')[0].msg)).toMatch(/gave no record for 3000 ms/);
    await expectServing(s, 1, { streaming: false });
    await send(3, 5);
    expect(s.logs.lines.some((l) => l.code === 'E_SOURCE_STALLED' && l.msg === 'the source gives records again')).toBe(true);

    // disconnect: the server drops the connection; the source reconnects after its backoff
    conns[0].destroy();
    await until(() => s.logged('E_SOURCE_DISCONNECTED').length > 0, 'the disconnect to be logged');
    await until(async () => (await s.step(), conns.length === 2), 'the reconnection', 20_000);
    await send(4, 8);
    await expectServing(s, 1, { streaming: false });

    // unreachable: the server goes away entirely; the source retries until it is back on its port
    const closed = new Promise((r) => server.close(r)); // calls back once its connections are gone
    conns[1].destroy();
    await closed;
    await until(async () => (await s.step(), s.logged('E_SOURCE_UNREACHABLE').length > 0), 'the refused connection to be logged', 20_000);
    expect(s.logged('E_SOURCE_UNREACHABLE')[0]).toMatchObject({ level: 40, port });
    await expectServing(s, 1, { streaming: false });
    server = net.createServer((c) => conns.push(c));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    await until(async () => (await s.step(), conns.length === 3), 'the connection to the restarted server', 20_000);
    await send(6, 12);
    expect(s.pipeline.running).toBe(true);
  });
});

describe('an SSE client that stops reading', () => {
  it('is dropped with E_SSE_CLIENT_SLOW while the pipeline and the other clients go on; it can connect again', async () => {
    const big = (i: number) => `${mixed(LANGS, 1, i)[0].text} ${'palabra '.repeat(300)}`;
    const file = await streamFile(200, big);
    const s = await service({ source: (clock) => replaySource({ file, loop: true, clock }), hub: { queueSize: 50, maxBehindMs: 0 }, maxBatch: 50 });
    const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const clients: SseClient[] = [];
    cleanups.push(async () => clients.forEach((c) => c.close()));
    const fast = await connectSse(`${base}/v1/stream`);
    clients.push(fast);
    const slow = net.connect({ host: '127.0.0.1', port: Number(new URL(base).port) });
    slow.on('error', () => undefined);
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write('GET /v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    slow.pause(); // and never reads
    cleanups.push(async () => void slow.destroy());
    await waitFor(() => s.hub.subscriberCount === 2, 'both subscribed');

    const input = () => s.pipeline.context.graph.inputs[0].impl as unknown as { buffered: number };
    for (let b = 0; b < 400 && s.hub.stats().slowDisconnects === 0; b++) {
      await until(() => input().buffered >= 50, 'records buffered');
      await s.step();
      const seen = s.hub.stats().records;
      await waitFor(() => fast.tweets().length === seen, `the reading client to get batch ${b}`);
    }
    expect(s.hub.stats().slowDisconnects).toBe(1);
    const line = s.logged('E_SSE_CLIENT_SLOW');
    expect(line).toHaveLength(1);
    expect(line[0]).toMatchObject({ level: 40, subscriber: expect.any(Number) });
    expect(fast.events.some((e) => e.event === 'skipped')).toBe(false);
    await until(() => input().buffered >= 50, 'records buffered');
    await expectServing(s, 1);

    // the client comes back (reading this time) and gets the stream again
    const again = await connectSse(`${base}/v1/stream?lang=spa`);
    clients.push(again);
    await waitFor(() => s.hub.subscriberCount === 2, 'the client back');
    await until(() => input().buffered >= 50, 'records buffered');
    await s.step();
    await waitFor(() => again.tweets().length > 0, 'tweets for the returning client');
    expect(again.tweets().every((t) => t.label === 'spa')).toBe(true);
  });
});
