/**
 * The API service, assembled: config -> model (store, else seed) -> hub -> embedded pipeline -> app ->
 * listen -> pipeline start. `stop()` shuts down in order: readiness off, stop accepting and end the
 * streams (app.close), drain the batch in flight and checkpoint (pipeline.stop), close the hub.
 */
import { ModelHolder } from '../../src/clustering/model-holder.js';
import type { ApiConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { ServiceMetrics } from '../../src/http/metrics.js';
import { createModelRepository } from '../../src/http/services/model-repository.js';
import type { App } from '../../src/http/types.js';
import { backendPreferenceFromEnv, initBackend } from '../../src/linalg/backend.js';
import type { Logger } from '../../src/log.js';
import { StreamHub } from '../../src/sinks/hub.js';
import type { Pipeline } from '../../src/stream/pipeline-types.js';
import { createEmbeddedPipeline } from './pipeline.js';

export interface ApiService {
  app: App;
  url: string;
  pipeline: Pipeline | undefined;
  hub: StreamHub;
  stop(): Promise<void>;
}

export async function startApiService(config: ApiConfig, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<ApiService> {
  // the backend matters to StreamingKMeans updates and is reported by GET /v1/model; prediction does not need it
  await initBackend(backendPreferenceFromEnv(env), log.child({ component: 'backend' })).catch((err: Error) =>
    log.warn({ err: err.message }, 'no TensorFlow.js backend; serving without one'),
  );
  const repo = createModelRepository({ storeDir: config.model.storeDir, seedPath: config.model.path });
  const { model, source } = await repo.loadLastGood((version, err) =>
    log.warn({ code: err.code, version }, `model version ${version} in the store cannot be used (${err.message}); trying the previous one`),
  );
  log.info({ version: model.version, k: model.k, source }, 'model loaded');
  const models = new ModelHolder(model, source);
  const { sse } = config.http;
  const hub = new StreamHub({ queueSize: sse.queueSize, maxBehindMs: sse.maxBehindMs, maxSubscribers: sse.maxClients, recentPerCluster: sse.recentPerCluster });
  const metrics = new ServiceMetrics({ defaultMetrics: true });
  const pipeline = await createEmbeddedPipeline(config, { models, hub, log: log.child({ component: 'pipeline' }) });
  const app = await buildApp({ models, hub, pipeline, metrics, config: config.http, log, store: repo });
  const url = await app.listen({ port: config.http.port, host: config.http.host });
  log.info({ url, docs: `${url}/docs` }, `tweetlang API listening on ${url}`);
  if (pipeline) await pipeline.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      app.lifecycle.draining = true;
      await app.close();
      if (pipeline) await pipeline.stop();
      await hub.close();
    })());
  return { app, url, pipeline, hub, stop };
}
