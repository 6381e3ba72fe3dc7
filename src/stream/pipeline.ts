/**
 * The tweet pipeline: a thin composition over the streaming engine.
 *
 *   source -> classify (one model snapshot per batch) -+-> taps (every record)
 *                                                      +-> filter (--cluster/--lang) -> sinks
 *                                                      +-> window counts per cluster/label/hashtag
 *                                                      +-> running totals per cluster
 *                                                      +-> batch.stats event, StreamingKMeans update
 *
 * Lifecycle events (PipelineEvents) are emitted without ever waiting for listeners. With a checkpoint
 * folder, positions, window state, totals and the streaming model are checkpointed together every N
 * batches and on stop(); a restart resumes from there (outputs are at-least-once: see docs/STREAMING.md).
 */
import { EventEmitter } from 'node:events';
import type { ModelHolder, ModelSnapshot } from '../clustering/model-holder.js';
import { addPoint, emptyStats } from '../clustering/streaming-kmeans.js';
import { DEFAULT_STREAM } from '../config.js';
import { AppError, ConfigError, errorMessage, isAppError } from '../errors.js';
import { componentLogger, type Logger } from '../log.js';
import type { Classified, OutputBatch, Sink, WriteContext } from '../sinks/types.js';
import type { Source } from '../sources/types.js';
import { ClassifierPool } from '../classify/pool.js';
import { classifyRecords, matcher, validateFilter, type Scored, type TweetFilter } from './classify.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { StreamingContext, type CheckpointOptions } from './context.js';
import { safeEmit } from './events.js';
import { ModelWatcher } from './model-watch.js';
import type { BatchInfo, Pipeline, PipelineEvents, WindowStats } from './pipeline-types.js';
import { STREAMING_UPDATE_SOURCE, StreamingUpdater, type UpdateOptions } from './updater.js';
import { buildWindowStats, clusterKey, emptyWindowStats, windowKeys, type WindowCounts } from './window-stats.js';

export interface PipelineOptions {
  source: Source;
  models: ModelHolder;
  /** Records written to `sinks` (default: all). */
  filter?: TweetFilter;
  /** Receive the matching records of each batch; a write resolves once durable or handed off. */
  sinks?: Sink[];
  /** Receive every classified record of each batch (e.g. the SSE hub); their failures are warnings. */
  taps?: Sink[];
  batchMs?: number;
  maxBatch?: number;
  /** Window of stats() and the `window` event (multiples of batchMs). */
  window?: { lengthMs: number; slideMs: number };
  topHashtags?: number;
  /** StreamingKMeans: fold every batch into the model, publish every N batches. */
  update?: UpdateOptions;
  checkpoint?: CheckpointOptions;
  /** A model file or store folder to poll for newer models. */
  modelPath?: string;
  modelPollMs?: number;
  clock?: Clock;
  log?: Logger;
  /** Fixed-size batches (replays as fast as possible, tests); see ContextOptions.fill. */
  fill?: boolean;
  /** Stop once the source ended and everything read was processed. */
  stopWhenDone?: boolean;
  /** Awaited with each window's counts (the CLI prints them). */
  onWindow?: (stats: WindowCounts) => void | Promise<void>;
  sinkRetries?: number;
  sinkRetryMs?: number;
  /** Warn (E_SOURCE_STALLED) once the source, not ended, gave no record for this long (clock ms); 0: never. */
  stallWarnMs?: number;
  /**
   * Worker threads that classify (a ClassifierPool started with the pipeline); 0 (default): the main
   * thread classifies, in time slices. Either way the predictions are the same.
   */
  classifyThreads?: number;
  /** Longest stretch of a batch's work on the main thread before the event loop gets a turn (ms). */
  sliceMs?: number;
}

export interface TweetPipeline extends Pipeline {
  /** Resolves when the pipeline stopped (stop(), or the source ended with stopWhenDone); rejects on a fatal error. */
  readonly done: Promise<void>;
  readonly context: StreamingContext;
  readonly updater?: StreamingUpdater;
  stats(): WindowCounts;
  /** Records per cluster ("none": no features) since the stream first started; checkpointed. */
  totals(): Record<string, number>;
}

const add = (a: number, b: number) => a + b;
const sub = (a: number, b: number) => a - b;

function tally(items: readonly Scored[]): { perCluster: Record<string, number>; perLabel: Record<string, number> } {
  const perCluster: Record<string, number> = {};
  const perLabel: Record<string, number> = {};
  for (const { item } of items) {
    const c = clusterKey(item.cluster);
    perCluster[c] = (perCluster[c] ?? 0) + 1;
    const l = item.label ?? 'unknown';
    perLabel[l] = (perLabel[l] ?? 0) + 1;
  }
  return { perCluster, perLabel };
}

/** The default stats window (20 s every 10 s), rounded up to multiples of the batch interval. */
export function defaultWindow(batchMs: number): { lengthMs: number; slideMs: number } {
  const slideMs = Math.ceil(DEFAULT_STREAM.slideMs / batchMs) * batchMs;
  return { lengthMs: Math.ceil(DEFAULT_STREAM.windowMs / slideMs) * slideMs, slideMs };
}

export function createPipeline(opts: PipelineOptions): TweetPipeline {
  const {
    source,
    models,
    filter = {},
    sinks = [],
    taps = [],
    batchMs = DEFAULT_STREAM.batchMs,
    maxBatch = DEFAULT_STREAM.maxBatch,
    window = defaultWindow(opts.batchMs ?? DEFAULT_STREAM.batchMs),
    topHashtags = DEFAULT_STREAM.topHashtags,
    update,
    checkpoint,
    modelPath,
    modelPollMs = DEFAULT_STREAM.modelPollMs,
    clock = systemClock,
    log = componentLogger('pipeline'),
    fill = false,
    stopWhenDone = false,
    onWindow,
    sinkRetries = DEFAULT_STREAM.sinkRetries,
    sinkRetryMs = DEFAULT_STREAM.sinkRetryMs,
    stallWarnMs = DEFAULT_STREAM.stallWarnMs,
    classifyThreads = 0,
    sliceMs = DEFAULT_STREAM.sliceMs,
  } = opts;
  if (!Number.isInteger(classifyThreads) || classifyThreads < 0) {
    throw new ConfigError('E_BAD_OPTION', `classifyThreads must be an integer >= 0 (got ${classifyThreads})`);
  }
  validateFilter(filter, models.current.model);
  const events = new EventEmitter<PipelineEvents>();
  const ctx = new StreamingContext({ batchMs, clock, maxBatch, fill, stopWhenDone, checkpoint, log, sliceMs });
  const updater = update ? new StreamingUpdater(models, update, log) : undefined;
  if (updater) ctx.register('streaming-kmeans', updater);
  const matches = matcher(filter);
  const warn = (code: string, message: string) => {
    log.warn({ code }, message);
    safeEmit(events, log, 'warning', { code, message });
  };

  // ---- the graph ----
  let current: { time: number; scored: readonly Scored[]; matched: number; snap: ModelSnapshot } | undefined;
  let pool: ClassifierPool | undefined;
  const scored = ctx.sourceStream(source).transformAsync(async (records, time, slicer) => {
    const snap = models.current; // one model for the whole batch
    // vectors only for those who fold or publish them
    const vectors = updater !== undefined || events.listenerCount('batch.stats') > 0;
    const s = await classifyRecords(records, snap, { slicer, vectors, pool, onPoolError: warn });
    current = { time, scored: s, matched: 0, snap };
    return s;
  });

  async function writeSink(sink: Sink, batch: OutputBatch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await sink.write(batch, writeContext);
      } catch (err) {
        const code = isAppError(err) ? err.code : 'E_SINK';
        if (!(isAppError(err) && err.retriable) || attempt >= sinkRetries) {
          throw new AppError(code, `sink ${sink.name} failed on batch ${batch.time}: ${errorMessage(err)}`, { cause: err, retriable: false });
        }
        const wait = sinkRetryMs * 2 ** attempt;
        warn(code, `sink ${sink.name} failed on batch ${batch.time} (${errorMessage(err)}); retrying in ${wait} ms`);
        await sleep(clock, wait);
      }
    }
  }

  /**
   * A model version that cannot be written to the store (disk full, read-only: a retriable I/O error) is
   * not swapped in: the last published model stays in use, the centers keep folding in memory (and into
   * checkpoints), and publishing is tried again after another `publishEvery` batches.
   */
  let publishFailures = 0;
  async function publishOrWarn(u: StreamingUpdater): Promise<void> {
    try {
      await u.publish(clock.now());
    } catch (err) {
      if (!(isAppError(err) && err.retriable)) throw err;
      publishFailures++;
      u.deferPublish();
      warn('E_MODEL_PUBLISH_FAILED', `new model version not written (${err.code}: ${errorMessage(err)}); model version ${models.version} stays in use, trying again in ${u.publishEvery} batches`);
      return;
    }
    if (publishFailures > 0) {
      log.info({ code: 'E_MODEL_PUBLISH_FAILED', failures: publishFailures, version: models.version }, 'model versions are published again');
      publishFailures = 0;
    }
  }

  // taps and sinks that do long synchronous work on a batch give the event loop turns in between
  const writeContext: WriteContext = { pause: () => ctx.slicer.pause() };

  async function writeTap(tap: Sink, batch: OutputBatch): Promise<void> {
    try {
      await tap.write(batch, writeContext);
    } catch (err) {
      warn(isAppError(err) ? err.code : 'E_TAP', `tap ${tap.name} failed on batch ${batch.time}: ${errorMessage(err)}`);
    }
  }

  scored.foreachBatch(async (items, time) => {
    const all: Classified[] = items.map((s) => s.item);
    const matched = all.filter(matches);
    if (current) current.matched = matched.length;
    await Promise.all([...taps.map((t) => writeTap(t, { time, items: all })), ...sinks.map((s) => writeSink(s, { time, items: matched }))]);
  }, 'sinks');

  let lastStats: WindowCounts = emptyWindowStats(window.lengthMs, window.slideMs);
  scored
    .flatMap((s) => windowKeys(s.item))
    .map((k): [string, number] => [k, 1])
    .reduceByKeyAndWindow(add, window.lengthMs, window.slideMs, { inverse: sub, filter: ([, v]) => v > 0 })
    .foreachBatch(async (entries, time) => {
      lastStats = buildWindowStats(entries, {
        windowMs: window.lengthMs,
        slideMs: window.slideMs,
        asOf: time,
        labels: models.current.model.labels,
        topHashtags,
      });
      safeEmit(events, log, 'window', lastStats);
      await onWindow?.(lastStats);
    }, 'window');

  let totals: Record<string, number> = {};
  scored
    .map((s): [string, number] => [clusterKey(s.item.cluster), 1])
    .updateStateByKey<string, number, number>((values, state) => (state ?? 0) + values.length)
    .foreachBatch((entries) => {
      totals = Object.fromEntries(entries);
    }, 'totals');

  scored.foreachBatch(async (items, time) => {
    const slicer = ctx.slicer;
    if (events.listenerCount('batch.stats') > 0 && current) {
      const { model } = current.snap;
      const stats = emptyStats(model.k, model.features.numFeatures);
      let points = 0;
      await slicer.chunks(items.length, 1024, (start, end) => {
        for (let i = start; i < end; i++) {
          const s = items[i];
          if (s.item.cluster === null || s.vector === null) continue;
          addPoint(stats, s.vector, s.item.cluster);
          points++;
        }
      });
      safeEmit(events, log, 'batch.stats', { time, modelVersion: model.version, points, stats });
    }
    if (updater) {
      await updater.foldSliced(
        items.map((s) => s.vector!), // classified with vectors whenever an updater exists
        slicer,
      );
      if (updater.due) await publishOrWarn(updater);
    }
  }, 'streaming-kmeans');

  // ---- events ----
  ctx.events.on('batch.start', (e) => safeEmit(events, log, 'batch.start', e));
  ctx.events.on('batch.end', (e) => {
    const scoredNow = current && current.time === e.time ? current.scored : [];
    const info: BatchInfo = {
      time: e.time,
      records: e.records,
      matched: current && current.time === e.time ? current.matched : 0,
      ...tally(scoredNow),
      processingMs: e.processingMs,
      schedulingDelayMs: e.schedulingDelayMs,
      modelVersion: current && current.time === e.time ? current.snap.model.version : models.version,
    };
    current = undefined;
    watchStall(e.time, e.records);
    safeEmit(events, log, 'batch.end', info);
  });

  // a source that stalls (a server that stopped sending, a folder nobody writes to) is reported once, and
  // its recovery logged; an ended source (a replay at its end) is not stalled
  let lastDataAt: number | undefined;
  let stalledSince: number | undefined;
  const watchStall = (time: number, records: number) => {
    lastDataAt ??= time;
    if (records > 0) {
      if (stalledSince !== undefined) {
        log.info({ code: 'E_SOURCE_STALLED', stalledMs: time - lastDataAt }, 'the source gives records again');
        stalledSince = undefined;
      }
      lastDataAt = time;
      return;
    }
    if (stallWarnMs <= 0 || stalledSince !== undefined || time - lastDataAt < stallWarnMs) return;
    if (ctx.graph.inputs.every((i) => i.impl.done)) return;
    stalledSince = time;
    warn('E_SOURCE_STALLED', `${source.name} gave no record for ${time - lastDataAt} ms; the stream goes on and keeps waiting`);
  };
  ctx.events.on('checkpoint', (e) => safeEmit(events, log, 'checkpoint', e));
  ctx.events.on('warning', (e) => safeEmit(events, log, 'warning', e));
  const onModel = (snap: ModelSnapshot, previous: ModelSnapshot) => {
    if (updater && snap.source !== STREAMING_UPDATE_SOURCE && snap.source !== 'checkpoint') updater.adopt(snap.model);
    const tooHigh = (filter.clusters ?? []).filter((j) => j >= snap.model.k);
    if (snap.model.k !== previous.model.k && tooHigh.length) {
      warn('E_BAD_FILTER', `the new model has ${snap.model.k} clusters: --cluster ${tooHigh.join(', ')} matches nothing now`);
    }
    safeEmit(events, log, 'model.updated', { version: snap.model.version, source: snap.source });
  };
  models.on('model.updated', onModel);

  const watcher = modelPath ? new ModelWatcher({ path: modelPath, holder: models, clock, pollMs: modelPollMs, log, onWarning: warn }) : undefined;

  let closed: Promise<void> | undefined;
  const closeAll = () => {
    closed ??= (async () => {
      models.off('model.updated', onModel);
      await watcher?.stop();
      await pool?.close().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'closing the classifier threads failed'));
      for (const s of [...sinks, ...taps]) {
        try {
          await s.close();
        } catch (err) {
          log.warn({ sink: s.name, err: errorMessage(err) }, 'closing a sink failed');
        }
      }
    })();
    return closed;
  };
  const done = ctx.done.then(closeAll, async (err) => {
    await closeAll();
    throw err;
  });
  done.catch(() => undefined);

  return {
    events,
    context: ctx,
    updater,
    done,
    get running() {
      return ctx.state === 'running';
    },
    async start() {
      if (classifyThreads > 0 && !pool) {
        pool = await ClassifierPool.create({ model: models.current.model, threads: classifyThreads, log });
      }
      await ctx.start();
      await watcher?.start();
    },
    async stop() {
      await ctx.stop().catch(() => undefined);
      await closeAll();
      return done;
    },
    stats(): WindowCounts {
      return lastStats;
    },
    totals() {
      return { ...totals };
    },
  };
}

export type { WindowStats };
