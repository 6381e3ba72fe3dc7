/**
 * Prometheus metrics of the API service (prom-client, one registry per instance so tests and several
 * apps in a process do not collide): pipeline batches and records, batch latency, SSE clients and drops,
 * model version, predict requests, HTTP request durations.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelHolder } from '../clustering/model-holder.js';
import type { StreamHub } from '../sinks/hub.js';
import type { Pipeline, PipelineEvents } from '../stream/pipeline-types.js';

export interface MetricsOptions {
  /** Also collect Node process metrics (CPU, memory, event loop lag, GC). */
  defaultMetrics?: boolean;
  prefix?: string;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly batches: Counter<string>;
  readonly recordsIn: Counter<'cluster'>;
  readonly recordsOut: Counter<string>;
  readonly batchSeconds: Histogram<string>;
  readonly schedulingDelay: Gauge<string>;
  readonly pipelineWarnings: Counter<'code'>;
  readonly checkpoints: Counter<string>;
  readonly pipelineRunning: Gauge<string>;
  readonly sseClients: Gauge<string>;
  readonly sseDropped: Counter<string>;
  readonly sseSlowDisconnects: Counter<string>;
  readonly sseEnqueued: Counter<string>;
  readonly modelVersion: Gauge<string>;
  readonly modelUpdates: Gauge<string>;
  readonly modelSwaps: Counter<'source'>;
  readonly predictRequests: Counter<'outcome'>;
  readonly predictTexts: Counter<string>;
  readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  private hub: StreamHub | undefined;
  private pipeline: Pipeline | undefined;
  private models: ModelHolder | undefined;

  constructor({ defaultMetrics = false, prefix = 'tweetlang_' }: MetricsOptions = {}) {
    const registers = [this.registry];
    const p = prefix;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.batches = new Counter({ name: `${p}batches_total`, help: 'Micro-batches processed by the pipeline', registers });
    this.recordsIn = new Counter({
      name: `${p}records_in_total`,
      help: 'Records classified by the pipeline, by predicted cluster ("none": no features)',
      labelNames: ['cluster'],
      registers,
    });
    this.recordsOut = new Counter({ name: `${p}records_out_total`, help: "Records that passed the pipeline's filter (written to its sinks)", registers });
    this.batchSeconds = new Histogram({
      name: `${p}batch_duration_seconds`,
      help: 'Wall-clock time from batch start to outputs written',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.schedulingDelay = new Gauge({ name: `${p}batch_scheduling_delay_seconds`, help: 'How late the last batch started after its batch time', registers });
    this.pipelineWarnings = new Counter({ name: `${p}pipeline_warnings_total`, help: 'Errors the pipeline survived, by code', labelNames: ['code'], registers });
    this.checkpoints = new Counter({ name: `${p}checkpoints_total`, help: 'Checkpoints written by the pipeline', registers });
    this.pipelineRunning = new Gauge({
      name: `${p}pipeline_running`,
      help: '1 while the embedded pipeline runs',
      registers,
      collect() {
        this.set(self.pipeline?.running ? 1 : 0);
      },
    });
    this.sseClients = new Gauge({
      name: `${p}sse_clients`,
      help: 'Connected /v1/stream clients',
      registers,
      collect() {
        this.set(self.hub?.subscriberCount ?? 0);
      },
    });
    this.sseDropped = new Counter({
      name: `${p}sse_dropped_events_total`,
      help: 'Events dropped from full SSE client queues (clients skipped ahead)',
      registers,
      collect() {
        this.reset();
        this.inc(self.hub?.stats().dropped ?? 0);
      },
    });
    this.sseSlowDisconnects = new Counter({
      name: `${p}sse_slow_disconnects_total`,
      help: 'SSE clients disconnected for staying behind too long',
      registers,
      collect() {
        this.reset();
        this.inc(self.hub?.stats().slowDisconnects ?? 0);
      },
    });
    this.sseEnqueued = new Counter({
      name: `${p}sse_events_total`,
      help: 'Events queued for SSE clients',
      registers,
      collect() {
        this.reset();
        this.inc(self.hub?.stats().enqueued ?? 0);
      },
    });
    this.modelVersion = new Gauge({
      name: `${p}model_version`,
      help: 'Version of the model in use',
      registers,
      collect() {
        if (self.models) this.set(self.models.version);
      },
    });
    this.modelUpdates = new Gauge({
      name: `${p}model_updates`,
      help: 'StreamingKMeans batches folded into the model in use',
      registers,
      collect() {
        if (self.models) this.set(self.models.current.model.updates);
      },
    });
    this.modelSwaps = new Counter({ name: `${p}model_swaps_total`, help: 'Models swapped in, by source', labelNames: ['source'], registers });
    this.predictRequests = new Counter({ name: `${p}predict_requests_total`, help: 'POST /v1/predict requests by outcome', labelNames: ['outcome'], registers });
    this.predictTexts = new Counter({ name: `${p}predict_texts_total`, help: 'Texts classified by POST /v1/predict', registers });
    this.httpSeconds = new Histogram({
      name: `${p}http_request_duration_seconds`,
      help: 'HTTP request durations (SSE streams not included)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** One HTTP request done (the onResponse hook). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  /** Counts the pipeline's batches; returns a function that stops listening. */
  observePipeline(pipeline: Pipeline): () => void {
    this.pipeline = pipeline;
    const onEnd = (b: PipelineEvents['batch.end'][0]) => {
      this.batches.inc();
      for (const [cluster, n] of Object.entries(b.perCluster)) this.recordsIn.inc({ cluster }, n);
      this.recordsOut.inc(b.matched);
      this.batchSeconds.observe(b.processingMs / 1000);
      this.schedulingDelay.set(b.schedulingDelayMs / 1000);
    };
    const onWarning = (w: PipelineEvents['warning'][0]) => this.pipelineWarnings.inc({ code: w.code });
    const onCheckpoint = () => this.checkpoints.inc();
    pipeline.events.on('batch.end', onEnd);
    pipeline.events.on('warning', onWarning);
    pipeline.events.on('checkpoint', onCheckpoint);
    return () => {
      pipeline.events.off('batch.end', onEnd);
      pipeline.events.off('warning', onWarning);
      pipeline.events.off('checkpoint', onCheckpoint);
    };
  }

  observeModels(models: ModelHolder): () => void {
    this.models = models;
    const onUpdate = (snap: { source: string }) => this.modelSwaps.inc({ source: swapSource(snap.source) });
    models.on('model.updated', onUpdate);
    return () => models.off('model.updated', onUpdate);
  }

  observeHub(hub: StreamHub): void {
    this.hub = hub;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Keeps label cardinality low: paths collapse to "file". */
function swapSource(source: string): string {
  if (source === 'upload' || source === 'streaming-update' || source === 'reload' || source === 'initial') return source;
  return source.includes('/') ? 'file' : 'other';
}
