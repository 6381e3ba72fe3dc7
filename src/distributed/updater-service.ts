/**
 * `tweetlang updater`: the one process that folds every member's statistics into the model.
 *
 * Start-up: make sure the stats and model topics exist (model topic compacted), read the newest model
 * from the model topic (or publish the initial model there when it is empty), and resume the stats topic
 * where that model says everything before is folded. Then: read stats, close rounds (see rounds.ts),
 * fold each with the decay rule, publish one model version per tick that folded something, and commit
 * the stats offsets for monitoring (the model's headers, not the group offsets, are what a restart
 * trusts). Runs until `signal` aborts.
 */
import kafkajs, { type Kafka } from 'kafkajs';
import type { ClusterModel } from '../clustering/model.js';
import type { Decay } from '../clustering/streaming-kmeans.js';
import type { Logger } from '../log.js';
import { classifyKafkaError } from '../kafka/errors.js';
import { withRetry } from '../kafka/retry.js';
import { ensureTopics } from '../kafka/topics.js';
import { parsePartitionKey, partitionKey } from '../kafka/spec.js';
import { HandOff } from '../kafka/queue.js';
import { followModelTopic, modelTopicSpec, publishModel, statsTopicSpec } from './model-topic.js';
import { UpdaterCore, type Published } from './updater-core.js';

const { Partitioners } = kafkajs;

export interface UpdaterServiceOptions {
  kafka: Kafka;
  statsTopic: string;
  modelTopic: string;
  groupId?: string;
  /** Used when the model topic is empty. */
  initialModel: ClusterModel;
  decay: Decay;
  graceMs?: number;
  memberTimeoutMs?: number;
  tickMs?: number;
  createTopics?: boolean;
  statsPartitions?: number;
  signal: AbortSignal;
  log: Logger;
  onPublish?: (p: Published) => void;
}

export interface UpdaterHandle {
  readonly core: UpdaterCore;
  /** Resolves when stopped; rejects on a fatal error. */
  readonly done: Promise<void>;
}

export async function startUpdater({
  kafka,
  statsTopic,
  modelTopic,
  groupId = 'tweetlang-updater',
  initialModel,
  decay,
  graceMs = 10_000,
  memberTimeoutMs = 30_000,
  tickMs = 500,
  createTopics = false,
  statsPartitions = 3,
  signal,
  log,
  onPublish,
}: UpdaterServiceOptions): Promise<UpdaterHandle> {
  const admin = kafka.admin();
  await withRetry(() => admin.connect(), { what: 'connecting to Kafka', retries: 1, signal });
  try {
    await ensureTopics(admin, [statsTopicSpec(statsTopic, statsPartitions), modelTopicSpec(modelTopic)], { create: createTopics, hint: 'create it, or pass --create-topics' });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const reader = followModelTopic(kafka, modelTopic, { log });
  const latest = await reader.ready;
  await reader.stop();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await withRetry(() => producer.connect(), { what: 'connecting the model producer', retries: 1, signal });
  let model = initialModel;
  if (latest) {
    model = latest.model;
    log.info({ version: model.version, lastRound: latest.progress?.lastFolded }, 'resuming from the newest model on the model topic');
  } else {
    await publishModel(producer, modelTopic, model);
    log.info({ version: model.version }, 'model topic was empty: published the initial model');
  }
  const core = new UpdaterCore({ model, decay, graceMs, memberTimeoutMs, progress: latest?.progress });

  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1024 * 1024, retry: { restartOnFailure: async () => !signal.aborted } });
  const failures = new HandOff<never>(1);
  consumer.on(consumer.events.CRASH, (e) => {
    const error = classifyKafkaError(e.payload.error, `reading ${statsTopic}`);
    if (!(e.payload.restart && error.retriable)) failures.fail(error);
    else log.warn({ code: error.code, err: error.message }, 'stats consumer crashed; kafkajs restarts it');
  });
  const resume = latest?.progress?.resume ?? {};
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    for (const p of (e.payload.memberAssignment as Record<string, number[]>)[statsTopic] ?? []) {
      const off = resume[partitionKey(statsTopic, p)];
      if (off !== undefined) consumer.seek({ topic: statsTopic, partition: p, offset: off });
    }
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [statsTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const r = core.offer(partitionKey(topic, partition), message.offset, message.value);
        if (r.result === 'invalid') log.warn({ partition, offset: message.offset, err: r.error }, 'skipping an invalid stats message');
        else if (r.result === 'late') log.info({ member: r.part?.member, round: r.part?.round }, 'late stats: folded with the next round');
      },
    });
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    throw classifyKafkaError(err, `reading ${statsTopic}`);
  }

  const done = (async () => {
    let publishing = Promise.resolve();
    // a version whose publishing failed with a retriable error: published again on the next tick (a newer
    // version supersedes it: each one holds everything folded so far)
    let unpublished: Published | null = null;
    const timer = setInterval(() => {
      publishing = publishing
        .then(async () => {
          const p = core.tick() ?? unpublished;
          if (!p) return;
          try {
            await publishModel(producer, modelTopic, p.model, p.progress);
          } catch (err) {
            const e = classifyKafkaError(err, `publishing to ${modelTopic}`);
            if (!e.retriable) throw e;
            unpublished = p;
            log.warn({ code: e.code, version: p.model.version, err: e.message }, 'model version not published; trying again');
            return;
          }
          unpublished = null;
          log.info({ version: p.model.version, rounds: p.rounds.map((r) => r.round), members: p.rounds.map((r) => r.members.length), missing: p.rounds.flatMap((r) => r.missing) }, 'published a model version');
          onPublish?.(p);
          const commits = Object.entries(p.progress.resume).map(([key, offset]) => ({ ...parsePartitionKey(key), offset }));
          await consumer.commitOffsets(commits).catch((err) => log.debug({ err: (err as Error).message }, 'stats offsets not committed (informational only)'));
        })
        .catch((err) => failures.fail(classifyKafkaError(err, `publishing to ${modelTopic}`)));
    }, tickMs);
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([stopped, failures.pull().then(() => undefined)]);
    } finally {
      clearInterval(timer);
      await publishing.catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  })();
  return { core, done };
}
