/**
 * Kafka sink: writes each batch's matching records to a topic, or to a topic per label/cluster with a
 * template (`tweets.lang.{label}`, `tweets.cluster.{cluster}`). `write` resolves only when every message is
 * acknowledged by all in-sync replicas (acks = -1) through an idempotent producer, so the engine commits
 * source offsets only after outputs are durable. Retriable failures are retried with backoff; fatal ones
 * (authentication, a topic that does not exist when creation is off, a message too large) reject `write`
 * with a KafkaError. Missing topics are created only with `createTopics` (broker auto-creation is never
 * relied on).
 */
import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { componentLogger, type Logger } from '../log.js';
import { ConfigError } from '../errors.js';
import type { OutputBatch, Sink } from './types.js';
import { createKafkaClient, kafkaOptionsFromEnv, type KafkaClientOptions } from '../kafka/client.js';
import { messagesByTopic } from '../kafka/messages.js';
import { parseKafkaSinkSpec } from '../kafka/spec.js';
import { withRetry } from '../kafka/retry.js';
import { ensureTopics } from '../kafka/topics.js';

const { CompressionTypes, Partitioners } = kafkajs;

export type Compression = 'none' | 'gzip';

export interface KafkaSinkOptions {
  /** A topic or a template with {label} / {cluster}. */
  topic: string;
  client?: KafkaClientOptions;
  kafka?: Kafka;
  createTopics?: boolean;
  numPartitions?: number;
  replicationFactor?: number;
  compression?: Compression;
  /** Retries of a failed send beyond kafkajs's own. */
  retries?: number;
  log?: Logger;
}

export interface KafkaSink extends Sink {
  readonly counters: { messages: number; batches: number; retries: number; topics: string[] };
}

export function createKafkaSink({
  topic,
  client,
  kafka,
  createTopics = false,
  numPartitions = 3,
  replicationFactor = -1,
  compression = 'gzip',
  retries = 5,
  log = componentLogger('kafka-sink'),
}: KafkaSinkOptions): KafkaSink {
  parseKafkaSinkSpec(`kafka:${topic}`);
  if (!kafka && !client) throw new ConfigError('E_KAFKA_CONFIG', 'createKafkaSink needs `client` (brokers) or `kafka`');
  if (compression !== 'none' && compression !== 'gzip') throw new ConfigError('E_KAFKA_CONFIG', `compression must be none or gzip (got ${JSON.stringify(compression)})`);
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new ConfigError('E_KAFKA_CONFIG', 'numPartitions must be an integer >= 1');
  const kafkaClient = kafka ?? createKafkaClient(client!, log);
  const counters = { messages: 0, batches: 0, retries: 0, topics: [] as string[] };
  const known = new Set<string>();
  let producer: Producer | undefined;
  let admin: Admin | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  function connect(): Promise<void> {
    connecting ??= (async () => {
      const p = kafkaClient.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      const a = kafkaClient.admin();
      try {
        await withRetry(async () => {
          await p.connect();
          await a.connect();
        }, { what: 'connecting the Kafka producer', retries: 1 });
      } catch (err) {
        connecting = undefined;
        await p.disconnect().catch(() => undefined);
        await a.disconnect().catch(() => undefined);
        throw err;
      }
      producer = p;
      admin = a;
    })();
    return connecting;
  }

  return {
    name: `kafka:${topic}`,
    counters,
    async write(batch: OutputBatch): Promise<void> {
      if (closed) throw new ConfigError('E_SINK_CLOSED', `kafka:${topic} is closed`);
      if (batch.items.length === 0) return;
      await connect();
      const grouped = messagesByTopic(batch, topic);
      const fresh = [...grouped.keys()].filter((t) => !known.has(t));
      if (fresh.length > 0) {
        await ensureTopics(admin!, fresh.map((t) => ({ topic: t, numPartitions, replicationFactor })), {
          create: createTopics,
          hint: 'create it, or let tweetlang create output topics (--create-topics)',
        });
        for (const t of fresh) {
          known.add(t);
          counters.topics.push(t);
        }
      }
      const topicMessages = [...grouped].map(([t, messages]) => ({ topic: t, messages }));
      await withRetry(
        () => producer!.sendBatch({ topicMessages, acks: -1, compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None }),
        {
          what: `producing to ${[...grouped.keys()].join(', ')}`,
          retries,
          onRetry: ({ attempt, delayMs, error }) => {
            counters.retries++;
            log.warn({ attempt, delayMs, code: error.code, err: error.message }, 'send failed; retrying');
          },
        },
      );
      counters.batches++;
      counters.messages += batch.items.length;
    },
    async close(): Promise<void> {
      closed = true;
      await connecting?.catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}

/** `kafka:TOPIC` (or a template with {label}/{cluster}) -> a Kafka sink (registry entry). */
export function kafkaSinkFromSpec(
  spec: string,
  ctx: { env: NodeJS.ProcessEnv; brokers?: string; clientId?: string; createTopics?: boolean; log?: Logger },
  extra: Partial<KafkaSinkOptions> = {},
): KafkaSink {
  const { topic } = parseKafkaSinkSpec(spec);
  return createKafkaSink({ topic, client: kafkaOptionsFromEnv(ctx.env, { brokers: ctx.brokers, clientId: ctx.clientId }), createTopics: ctx.createTopics, log: ctx.log, ...extra });
}
