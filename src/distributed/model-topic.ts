/**
 * The compacted model topic: one key ("model"), each message a whole model file (the same JSON as
 * `models/*.json`), headers saying the version and how far the updater got in the stats topic. Compaction
 * keeps the newest version; members read it at start and follow new ones, loading each into their
 * ModelHolder (the engine takes `holder.current` once per batch, so a swap lands between batches).
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { parseModel, serializeModel, type ClusterModel } from '../clustering/model.js';
import type { ModelHolder } from '../clustering/model-holder.js';
import type { Logger } from '../log.js';
import { classifyKafkaError } from '../kafka/errors.js';
import type { TopicSpec } from '../kafka/topics.js';
import type { UpdaterProgress } from './updater-core.js';

export const MODEL_KEY = 'model';
export const MODEL_HEADERS = {
  version: 'tweetlang-model-version',
  lastFolded: 'tweetlang-last-round',
  consumed: 'tweetlang-stats-consumed',
  resume: 'tweetlang-stats-resume',
} as const;

/** Largest model message the topic accepts (a 20 × 16384 model is ~1.8 MB as JSON). */
export const MODEL_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function modelTopicSpec(topic: string): TopicSpec {
  return {
    topic,
    numPartitions: 1,
    config: { 'cleanup.policy': 'compact', 'max.message.bytes': String(MODEL_MAX_MESSAGE_BYTES), 'min.compaction.lag.ms': '0', 'segment.ms': '3600000' },
  };
}

export function statsTopicSpec(topic: string, numPartitions = 3): TopicSpec {
  return { topic, numPartitions, config: { 'cleanup.policy': 'delete', 'retention.ms': String(24 * 3600 * 1000) } };
}

export function encodeModelMessage(model: ClusterModel, progress?: UpdaterProgress): { key: string; value: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { [MODEL_HEADERS.version]: String(model.version) };
  if (progress) {
    headers[MODEL_HEADERS.lastFolded] = String(progress.lastFolded);
    headers[MODEL_HEADERS.consumed] = JSON.stringify(progress.consumed);
    headers[MODEL_HEADERS.resume] = JSON.stringify(progress.resume);
  }
  return { key: MODEL_KEY, value: serializeModel(model), headers };
}

function header(h: IHeaders | undefined, name: string): string | undefined {
  const v = h?.[name];
  if (v === undefined || v === null) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

function offsetsHeader(s: string | undefined): Record<string, string> | undefined {
  if (s === undefined) return undefined;
  try {
    const o = JSON.parse(s) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) if (typeof v === 'string' && /^\d+$/.test(v)) out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** Parses a model message (throws ModelError for a bad model). */
export function decodeModelMessage(value: Buffer | null, headers?: IHeaders): { model: ClusterModel; progress?: UpdaterProgress } {
  const model = parseModel(value ? value.toString('utf8') : '');
  const lf = header(headers, MODEL_HEADERS.lastFolded);
  const consumed = offsetsHeader(header(headers, MODEL_HEADERS.consumed));
  const resume = offsetsHeader(header(headers, MODEL_HEADERS.resume));
  if (lf !== undefined && /^-?\d+$/.test(lf) && consumed && resume) return { model, progress: { lastFolded: Number(lf), consumed, resume } };
  return { model };
}

export async function publishModel(producer: Producer, topic: string, model: ClusterModel, progress?: UpdaterProgress): Promise<void> {
  const m = encodeModelMessage(model, progress);
  try {
    await producer.send({ topic, acks: -1, messages: [m] });
  } catch (err) {
    throw classifyKafkaError(err, `publishing model version ${model.version} to ${topic}`);
  }
}

export interface ModelFollower {
  /** Resolves with the newest model on the topic when started (null: topic empty). */
  readonly ready: Promise<{ model: ClusterModel; progress?: UpdaterProgress } | null>;
  stop(): Promise<void>;
}

/**
 * Reads the model topic from its newest message on, calling `onModel` for each valid model (bad ones are
 * logged and skipped). A throwaway consumer group per follower; nothing is committed.
 */
export function followModelTopic(kafka: Kafka, topic: string, opts: { groupPrefix?: string; log: Logger; onModel?: (m: { model: ClusterModel; progress?: UpdaterProgress }) => void }): ModelFollower {
  const { groupPrefix = 'tweetlang-model-reader', log, onModel } = opts;
  let consumer: Consumer | undefined;
  let stopped = false;
  const ready = (async () => {
    const admin: Admin = kafka.admin();
    let ends: Array<{ partition: number; high: string; low: string }>;
    try {
      await admin.connect();
      ends = await admin.fetchTopicOffsets(topic);
    } catch (err) {
      throw classifyKafkaError(err, `reading the model topic ${topic}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const waiting = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high) - 1n]));
    let newest: { model: ClusterModel; progress?: UpdaterProgress } | null = null;
    let resolveInitial!: () => void;
    const initial = new Promise<void>((r) => (resolveInitial = r));
    if (waiting.size === 0) resolveInitial();
    const c = kafka.consumer({
      groupId: `${groupPrefix}-${randomUUID()}`,
      maxBytesPerPartition: 32 * 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => !stopped },
    });
    consumer = c;
    try {
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          try {
            const m = decodeModelMessage(message.value, message.headers);
            if (!newest || m.model.version >= newest.model.version) newest = m;
            if (waiting.size === 0) onModel?.(m);
          } catch (err) {
            log.warn({ offset: message.offset, err: (err as Error).message }, 'skipping an invalid model message');
          }
          const last = waiting.get(partition);
          if (last !== undefined && BigInt(message.offset) >= last) {
            waiting.delete(partition);
            if (waiting.size === 0) resolveInitial();
          }
        },
      });
      for (const [partition, last] of waiting) c.seek({ topic, partition, offset: last.toString() });
    } catch (err) {
      throw classifyKafkaError(err, `following the model topic ${topic}`);
    }
    await initial;
    if (newest && !stopped) onModel?.(newest);
    return newest;
  })();
  ready.catch(() => undefined);
  return {
    ready,
    async stop() {
      stopped = true;
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}

/** Keeps a ModelHolder on the newest model version published on the topic. */
export function followIntoHolder(kafka: Kafka, topic: string, holder: ModelHolder, log: Logger): ModelFollower {
  return followModelTopic(kafka, topic, {
    log,
    onModel: ({ model }) => {
      if (model.version <= holder.version) return;
      if (model.k !== holder.current.model.k || model.features.numFeatures !== holder.current.model.features.numFeatures) {
        log.warn({ version: model.version }, 'published model has another shape than the running one; switching anyway');
      }
      holder.set(model, `kafka:${topic}`);
      log.info({ version: model.version }, 'loaded a new model version');
    },
  });
}
