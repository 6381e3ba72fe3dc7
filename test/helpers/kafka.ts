/**
 * Kafka integration test helpers: the broker comes from KAFKA_BROKERS (tests skip, saying so, without it),
 * topic and group names are random, and every topic a test made is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import { createKafkaClient } from '../../src/kafka/client.js';
import { createLogger } from '../../src/log.js';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS;

export function describeKafka(name: string, fn: () => void): void {
  if (!KAFKA_BROKERS) {
    describe.skip(`${name} (skipped: set KAFKA_BROKERS=host:port to run against a real broker)`, fn);
    console.warn(`[skip] ${name}: KAFKA_BROKERS is not set`);
  } else describe(name, fn);
}

export function testLog() {
  return createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
}

export function newKafka(clientId = 'tweetlang-test'): Kafka {
  return createKafkaClient({ brokers: KAFKA_BROKERS!.split(','), clientId, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } }, testLog());
}

export function randomName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export class TopicJanitor {
  private topics = new Set<string>();
  constructor(private readonly admin: Admin) {}
  async create(topic: string, numPartitions = 3, config: Record<string, string> = {}): Promise<string> {
    await this.admin.createTopics({ topics: [{ topic, numPartitions, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }], waitForLeaders: true });
    this.topics.add(topic);
    return topic;
  }
  track(topic: string): void {
    this.topics.add(topic);
  }
  async cleanup(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const mine = [...this.topics].filter((t) => existing.has(t));
    if (mine.length) await this.admin.deleteTopics({ topics: mine }).catch(() => undefined);
  }
}

export interface KafkaFixture {
  kafka: Kafka;
  admin: Admin;
  janitor: TopicJanitor;
}

/**
 * Inside a describeKafka body: a client and a connected admin before the tests, every topic the janitor
 * made deleted after them. Call it before registering other hooks: vitest runs afterAll hooks in reverse
 * order, so a test's own teardown (stopping children and consumers) runs before the topics go.
 */
export function useKafka(): KafkaFixture {
  const fx = {} as KafkaFixture;
  beforeAll(async () => {
    fx.kafka = newKafka();
    fx.admin = fx.kafka.admin();
    await fx.admin.connect();
    fx.janitor = new TopicJanitor(fx.admin);
  });
  afterAll(async () => {
    await fx.janitor?.cleanup();
    await fx.admin?.disconnect();
  });
  return fx;
}

/** Reads a topic from the beginning until `until` says it has enough (bounded by a deadline). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (msgs: Array<{ key: string | null; value: string; headers: Record<string, string>; partition: number; offset: string }>) => boolean,
  deadlineMs = 30_000,
) {
  const consumer = kafka.consumer({ groupId: randomName('reader') });
  const msgs: Array<{ key: string | null; value: string; headers: Record<string, string>; partition: number; offset: string }> = [];
  let done!: () => void;
  const enough = new Promise<void>((r) => (done = r));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(Array.isArray(v) ? v[0] : v);
      msgs.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers, partition, offset: message.offset });
      if (until(msgs)) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([enough, new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))]);
  clearTimeout(timer);
  await consumer.disconnect();
  return msgs;
}

/** Waits for a condition, polling, bounded by a deadline. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, deadlineMs = 30_000, everyMs = 100): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
