/**
 * A classifier member's half of distributed StreamingKMeans: each batch's ClusterStats (the engine's
 * `batch.stats` event) go to the stats topic, keyed by member id so that one member's rounds stay in
 * order on one partition. Publishing is handed off to a serial queue: a slow broker never stalls the
 * engine (emit is synchronous); if the queue backs up beyond `maxPending` the oldest stats are dropped
 * and counted (the updater closes those rounds on its grace timer).
 */
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { ClusterStats } from '../clustering/streaming-kmeans.js';
import type { Logger } from '../log.js';
import { classifyKafkaError } from '../kafka/errors.js';
import { withRetry } from '../kafka/retry.js';
import { DEFAULT_STATS_MAX_BYTES, encodeStats } from './stats-codec.js';

const { Partitioners } = kafkajs;

/** What the engine emits after each batch (the `batch.stats` event). */
export interface BatchStatsEvent {
  /** Batch time (ms), the round. */
  time: number;
  stats: ClusterStats;
  modelVersion: number;
}

export interface StatsPublisherOptions {
  kafka: Kafka;
  topic: string;
  member: string;
  maxBytes?: number;
  maxPending?: number;
  retries?: number;
  log: Logger;
}

export interface StatsPublisher {
  /** Publishes now (resolves when acknowledged). */
  publish(e: BatchStatsEvent): Promise<void>;
  /** Queues for publishing without waiting (for event listeners). */
  enqueue(e: BatchStatsEvent): void;
  /** Waits until everything queued is published. */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly counters: { published: number; messages: number; dropped: number; failed: number };
}

export function createStatsPublisher({ kafka, topic, member, maxBytes = DEFAULT_STATS_MAX_BYTES, maxPending = 100, retries = 5, log }: StatsPublisherOptions): StatsPublisher {
  const counters = { published: 0, messages: 0, dropped: 0, failed: 0 };
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  const queue: BatchStatsEvent[] = [];
  let draining: Promise<void> | undefined;

  function connect(): Promise<Producer> {
    connecting ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await withRetry(() => p.connect(), { what: 'connecting the stats producer', retries: 1 });
      producer = p;
      return p;
    })().catch((err) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  }

  async function publish(e: BatchStatsEvent): Promise<void> {
    const p = await connect();
    const values = encodeStats(e.stats, { member, round: e.time, modelVersion: e.modelVersion }, maxBytes);
    await withRetry(() => p.send({ topic, acks: -1, messages: values.map((value) => ({ key: member, value })) }), { what: `publishing stats to ${topic}`, retries });
    counters.published++;
    counters.messages += values.length;
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const e = queue.shift()!;
      try {
        await publish(e);
      } catch (err) {
        counters.failed++;
        const error = classifyKafkaError(err, `publishing stats to ${topic}`);
        log.warn({ code: error.code, round: e.time, err: error.message }, 'stats of a batch not published; the updater closes that round without them');
      }
    }
  }

  return {
    counters,
    publish,
    enqueue(e) {
      queue.push(e);
      while (queue.length > maxPending) {
        queue.shift();
        counters.dropped++;
      }
      draining ??= drain().finally(() => (draining = undefined));
    },
    async flush() {
      while (draining) await draining;
    },
    async close() {
      while (draining) await draining;
      await producer?.disconnect().catch(() => undefined);
    },
  };
}
