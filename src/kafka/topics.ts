/**
 * Topic checks and creation through the admin client. Producers never rely on broker auto-creation: a
 * missing topic is created when the caller allows it, and is otherwise a fatal, clearly worded error.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { classifyKafkaError, KafkaError } from './errors.js';

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  /** e.g. { 'cleanup.policy': 'compact', 'max.message.bytes': '16777216' } */
  config?: Record<string, string>;
}

export interface EnsureOptions {
  /** Create missing topics (else: E_KAFKA_UNKNOWN_TOPIC). */
  create: boolean;
  /** Words for the error, e.g. "pass --create-topics". */
  hint?: string;
}

/** Makes sure every topic exists; returns the ones it created. */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[], { create, hint }: EnsureOptions): Promise<string[]> {
  let existing: Set<string>;
  try {
    existing = new Set(await admin.listTopics());
  } catch (err) {
    throw classifyKafkaError(err, 'listing topics');
  }
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return [];
  if (!create) {
    const names = missing.map((m) => m.topic).join(', ');
    throw new KafkaError('E_KAFKA_UNKNOWN_TOPIC', `topic ${names} does not exist${hint ? ` (${hint})` : ''}`, { retriable: false, details: { topics: missing.map((m) => m.topic) } });
  }
  const topics: ITopicConfig[] = missing.map((s) => ({
    topic: s.topic,
    numPartitions: s.numPartitions ?? 3,
    replicationFactor: s.replicationFactor ?? -1,
    configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
  }));
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (err) {
    // another member may have created it first: that is fine
    const again = new Set(await admin.listTopics().catch(() => [] as string[]));
    if (!missing.every((m) => again.has(m.topic))) throw classifyKafkaError(err, `creating topic ${missing.map((m) => m.topic).join(', ')}`);
  }
  return missing.map((m) => m.topic);
}
