import { describe, expect, it } from 'vitest';
import { parseKafkaSinkSpec, parseKafkaSourceSpec, parsePartitionKey, partitionKey, topicFor, validateTopic } from '../../src/kafka/spec.js';
import { parseBrokers, kafkaOptionsFromEnv } from '../../src/kafka/client.js';

describe('Kafka specs', () => {
  it('parses kafka:TOPIC for sources and sinks', () => {
    expect(parseKafkaSourceSpec('kafka:tweets')).toEqual({ topic: 'tweets' });
    expect(parseKafkaSinkSpec('kafka:tweets.lang.{label}')).toEqual({ topic: 'tweets.lang.{label}' });
    expect(() => parseKafkaSourceSpec('kafka:')).toThrow(/not a valid Kafka topic/);
    expect(() => parseKafkaSourceSpec('kafka:a b')).toThrow(/not a valid Kafka topic/);
    expect(() => parseKafkaSourceSpec('kafka:t.{label}')).toThrow(/not a valid Kafka topic/);
    expect(() => parseKafkaSinkSpec('kafka:t.{lang}')).toThrow(/only \{label\} and \{cluster\}/);
    expect(() => parseKafkaSourceSpec('file:x')).toThrow(/expected kafka:TOPIC/);
    expect(() => validateTopic('..')).toThrow();
    expect(() => validateTopic('x'.repeat(250))).toThrow();
  });

  it('fills topic templates per record', () => {
    expect(topicFor('tweets.lang.{label}', { label: 'spa', cluster: 3 })).toBe('tweets.lang.spa');
    expect(topicFor('tweets.cluster.{cluster}', { label: 'spa', cluster: 3 })).toBe('tweets.cluster.3');
    expect(topicFor('tweets.lang.{label}', { label: null, cluster: null })).toBe('tweets.lang.unknown');
    expect(topicFor('tweets.cluster.{cluster}', { label: null, cluster: null })).toBe('tweets.cluster.none');
    expect(topicFor('t.{label}', { label: 'zh Hans', cluster: 1 })).toBe('t.zh_Hans');
    expect(topicFor('fixed', { label: 'spa', cluster: 1 })).toBe('fixed');
  });

  it('round-trips partition keys, topics with slashes-free names', () => {
    expect(partitionKey('tweets', 2)).toBe('tweets/2');
    expect(parsePartitionKey('tweets/2')).toEqual({ topic: 'tweets', partition: 2 });
    expect(() => parsePartitionKey('tweets')).toThrow(/topic\/partition/);
    expect(() => parsePartitionKey('tweets/x')).toThrow();
    expect(() => parsePartitionKey('tweets/')).toThrow();
  });
});

describe('Kafka client options', () => {
  it('validates brokers', () => {
    expect(parseBrokers('a:9092, b:9093')).toEqual(['a:9092', 'b:9093']);
    expect(parseBrokers('[::1]:9092')).toEqual(['[::1]:9092']);
    expect(() => parseBrokers('')).toThrow(/required/);
    expect(() => parseBrokers('a')).toThrow(/host:port/);
    expect(() => parseBrokers('a:99999')).toThrow(/host:port/);
  });

  it('reads SASL from the environment, never from flags, and flags override brokers', () => {
    const o = kafkaOptionsFromEnv({ KAFKA_BROKERS: 'x:1', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL: 'true' }, { brokers: 'y:2' });
    expect(o.brokers).toEqual(['y:2']);
    expect(o.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password: 'p' });
    expect(o.ssl).toBe(true);
    expect(() => kafkaOptionsFromEnv({ KAFKA_BROKERS: 'x:1', KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
    expect(() => kafkaOptionsFromEnv({ KAFKA_BROKERS: 'x:1', KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'secret' })).toThrow(/must be one of/);
    try {
      kafkaOptionsFromEnv({ KAFKA_BROKERS: 'x:1', KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'secret' });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
});
