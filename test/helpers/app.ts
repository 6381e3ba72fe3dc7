/**
 * Building the HTTP app for tests: the bundled default model, a real hub, a small controllable Pipeline
 * (not the thing under test), a fresh metrics registry and a logger whose lines the test can read.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { parseModel, modelToJSON, type ClusterModel } from '../../src/clustering/model.js';
import { DEFAULT_HTTP, DEFAULT_MODEL_PATH, type HttpConfig, type SseConfig } from '../../src/config.js';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { ServiceMetrics } from '../../src/http/metrics.js';
import { createModelRepository, type ModelRepository } from '../../src/http/services/model-repository.js';
import type { App } from '../../src/http/types.js';
import { createLogger } from '../../src/log.js';
import { StreamHub, type HubOptions } from '../../src/sinks/hub.js';
import type { Pipeline, PipelineEvents, WindowStats } from '../../src/stream/pipeline-types.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

let defaultModelText: string | undefined;
/** A fresh copy of the bundled default model. */
export function defaultModel(): ClusterModel {
  defaultModelText ??= readFileSync(DEFAULT_MODEL_PATH, 'utf8');
  return parseModel(defaultModelText);
}

/** A tiny valid model (2 clusters over 64 raw bigram features) as the JSON object a model file holds. */
export function tinyModelJSON(labels: Array<string | null> = ['aaa', 'bbb']): Record<string, unknown> {
  const d = 64;
  const k = labels.length;
  const centers = new Float32Array(k * d);
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) centers[j * d + i] = ((i * 7 + j * 13) % 5) / 5;
  const model: ClusterModel = {
    version: 1,
    createdAt: '2024-01-01T00:00:00.000Z',
    features: { numFeatures: d, hash: 'spark3', ngrams: [2], cleanup: 'none', lowercase: false, tf: 'raw', idf: false, norm: 'none' },
    idf: null,
    distance: 'euclidean',
    k,
    centers,
    weights: labels.map(() => 10),
    labels,
    unknown: { minLetters: 0, maxDistance: null, minMargin: null },
    training: null,
    updates: 0,
    terms: {},
    samples: [],
  };
  return modelToJSON(model);
}

/** A stand-in Pipeline the test drives: flip `running`, set the window stats, emit events. */
export class TestPipeline implements Pipeline {
  readonly events = new EventEmitter<PipelineEvents>();
  running = false;
  stopped = 0;
  window: WindowStats = { windowMs: 20_000, slideMs: 10_000, asOf: 0, total: 0, clusters: [] };
  async start(): Promise<void> {
    this.running = true;
  }
  async stop(): Promise<void> {
    this.running = false;
    this.stopped++;
  }
  stats(): WindowStats {
    return this.window;
  }
}

export class LogCapture extends Writable {
  lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.lines.push(JSON.parse(l));
    cb();
  }
  messages(): string[] {
    return this.lines.map((l) => String(l.msg));
  }
}

export interface TestAppOptions {
  http?: Partial<Omit<HttpConfig, 'sse'>> & { sse?: Partial<SseConfig> };
  hub?: HubOptions;
  pipeline?: Pipeline | null;
  model?: ClusterModel;
  /** A real model store in a temp folder (seeded by the default model); removed by `close`. */
  withStore?: boolean;
  /** A model repository of the test's own (instead of withStore). */
  repo?: ModelRepository;
  logLevel?: string;
}

export interface TestApp {
  app: App;
  deps: AppDeps;
  hub: StreamHub;
  models: ModelHolder;
  pipeline: TestPipeline | null;
  logs: LogCapture;
  storeDir?: string;
  close(): Promise<void>;
}

export async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const logs = new LogCapture();
  const log = createLogger({ level: opts.logLevel ?? 'info', destination: logs });
  const models = new ModelHolder(opts.model ?? defaultModel(), 'test');
  const hub = new StreamHub(opts.hub);
  const pipeline = opts.pipeline === undefined ? new TestPipeline() : opts.pipeline;
  let storeDir: string | undefined;
  let store: ModelRepository | undefined = opts.repo;
  if (opts.withStore) {
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-http-store-'));
    store = createModelRepository({ storeDir, seedPath: DEFAULT_MODEL_PATH });
  }
  const config: HttpConfig = { ...DEFAULT_HTTP, adminKey: ADMIN_KEY, rateLimitMax: 0, ...opts.http, sse: { ...DEFAULT_HTTP.sse, ...opts.http?.sse } };
  const deps: AppDeps = { models, hub, pipeline: pipeline ?? undefined, metrics: new ServiceMetrics(), config, log, store };
  const app = await buildApp(deps);
  return {
    app,
    deps,
    hub,
    models,
    pipeline: pipeline instanceof TestPipeline ? pipeline : null,
    logs,
    storeDir,
    async close() {
      await app.close();
      await hub.close();
      if (storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}
