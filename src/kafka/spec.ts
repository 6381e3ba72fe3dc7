/**
 * Spec strings for the source/sink registries and the CLI: `kafka:TOPIC`. A sink topic may be a template
 * with `{label}` and `{cluster}` (e.g. `kafka:tweets.lang.{label}`), filled per record. Topic names follow
 * Kafka's rule: 1–249 characters of [a-zA-Z0-9._-], not "." or "..".
 */
import { ConfigError } from '../errors.js';

export const KAFKA_SCHEME = 'kafka:';
const TOPIC_RE = /^[a-zA-Z0-9._-]{1,249}$/;
const PLACEHOLDER_RE = /\{(label|cluster)\}/g;

export function validateTopic(topic: string, what = 'topic'): string {
  if (!TOPIC_RE.test(topic) || topic === '.' || topic === '..') {
    throw new ConfigError('E_KAFKA_BAD_TOPIC', `${what} ${JSON.stringify(topic)} is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)`);
  }
  return topic;
}

export function isKafkaSpec(spec: string): boolean {
  return spec.startsWith(KAFKA_SCHEME);
}

/** `kafka:TOPIC` -> TOPIC (a plain topic: sources read one topic). */
export function parseKafkaSourceSpec(spec: string): { topic: string } {
  if (!isKafkaSpec(spec)) throw new ConfigError('E_SOURCE_SPEC', `not a Kafka spec: ${JSON.stringify(spec)} (expected kafka:TOPIC)`);
  return { topic: validateTopic(spec.slice(KAFKA_SCHEME.length), 'source topic') };
}

/** `kafka:TEMPLATE` -> the template, validated with placeholders filled by sample values. */
export function parseKafkaSinkSpec(spec: string): { topic: string } {
  if (!isKafkaSpec(spec)) throw new ConfigError('E_SINK_SPEC', `not a Kafka spec: ${JSON.stringify(spec)} (expected kafka:TOPIC)`);
  const template = spec.slice(KAFKA_SCHEME.length);
  const leftover = template.replace(PLACEHOLDER_RE, '');
  if (/[{}]/.test(leftover)) throw new ConfigError('E_KAFKA_BAD_TOPIC', `sink topic ${JSON.stringify(template)}: only {label} and {cluster} can be filled in`);
  validateTopic(template.replace(PLACEHOLDER_RE, 'x'), 'sink topic');
  return { topic: template };
}

/** Fills a topic template for one record: {label} -> the label or "unknown", {cluster} -> the index or "none". */
export function topicFor(template: string, item: { label: string | null; cluster: number | null }): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER_RE, (_m, name: string) => {
    if (name === 'label') return item.label === null ? 'unknown' : item.label.replace(/[^a-zA-Z0-9._-]/g, '_');
    return item.cluster === null ? 'none' : String(item.cluster);
  });
}

/** "topic/3" <-> { topic, partition }: the Source contract's partition keys. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf('/');
  const partition = Number(key.slice(i + 1));
  if (i <= 0 || !Number.isInteger(partition) || partition < 0 || key.slice(i + 1) === '') {
    throw new ConfigError('E_BAD_POSITION', `not a Kafka partition key: ${JSON.stringify(key)} (expected topic/partition)`);
  }
  return { topic: key.slice(0, i), partition };
}
