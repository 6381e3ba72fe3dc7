import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError } from '../../src/kafka/errors.js';
import { ConfigError } from '../../src/errors.js';

// kafkajs's own protocol error table, so the tests use the errors kafkajs really raises
const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean } };
const { KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError, KafkaJSSASLAuthenticationError, KafkaJSNonRetriableError } = kafkajs;

const UNKNOWN_TOPIC = 3;
const REQUEST_TIMED_OUT = 7;
const MESSAGE_TOO_LARGE = 10;
const REBALANCE_IN_PROGRESS = 27;
const TOPIC_AUTHORIZATION_FAILED = 29;
const SASL_AUTHENTICATION_FAILED = 58;
const INVALID_REQUIRED_ACKS = 21;

function exhausted(inner: Error) {
  return new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 1000 });
}

describe('classifyKafkaError', () => {
  it('follows kafkajs: a retriable protocol error stays retriable', () => {
    const e = classifyKafkaError(createErrorFromCode(REQUEST_TIMED_OUT), 'producing');
    expect(e.retriable).toBe(true);
    expect(e.code).toBe('E_KAFKA_RETRIABLE');
    expect(e.message).toMatch(/^producing: /);
  });

  it('a non-retriable protocol error is fatal', () => {
    const e = classifyKafkaError(createErrorFromCode(INVALID_REQUIRED_ACKS), 'producing');
    expect(e.retriable).toBe(false);
    expect(e.code).toBe('E_KAFKA');
  });

  it('looks under "retries exceeded" for the verdict of the error underneath', () => {
    const e = classifyKafkaError(exhausted(createErrorFromCode(REQUEST_TIMED_OUT)), 'producing');
    expect(e.retriable).toBe(true);
  });

  it('an unknown topic is fatal even though kafkajs retries it', () => {
    const inner = createErrorFromCode(UNKNOWN_TOPIC);
    expect(inner.retriable).toBe(true);
    const e = classifyKafkaError(exhausted(inner), 'producing to t');
    expect(e.code).toBe('E_KAFKA_UNKNOWN_TOPIC');
    expect(e.retriable).toBe(false);
  });

  it('authentication and authorization failures are fatal', () => {
    expect(classifyKafkaError(createErrorFromCode(SASL_AUTHENTICATION_FAILED), 'x').code).toBe('E_KAFKA_AUTH');
    expect(classifyKafkaError(createErrorFromCode(TOPIC_AUTHORIZATION_FAILED), 'x').retriable).toBe(false);
    const sasl = classifyKafkaError(new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)('SASL PLAIN authentication failed'), 'connecting');
    expect(sasl.code).toBe('E_KAFKA_AUTH');
    expect(sasl.retriable).toBe(false);
  });

  it('too-large messages are fatal, rebalances and lost connections retriable', () => {
    expect(classifyKafkaError(createErrorFromCode(MESSAGE_TOO_LARGE), 'x').code).toBe('E_KAFKA_MESSAGE_TOO_LARGE');
    const rb = classifyKafkaError(createErrorFromCode(REBALANCE_IN_PROGRESS), 'committing');
    expect([rb.code, rb.retriable]).toEqual(['E_KAFKA_REBALANCE', true]);
    const conn = classifyKafkaError(exhausted(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1')), 'connecting');
    expect([conn.code, conn.retriable]).toEqual(['E_KAFKA_UNAVAILABLE', true]);
  });

  it('keeps AppErrors and treats unknown throwables as fatal', () => {
    const cfg = new ConfigError('E_X', 'bad');
    expect(classifyKafkaError(cfg, 'x')).toBe(cfg);
    expect(classifyKafkaError(new KafkaJSNonRetriableError('nope'), 'x').retriable).toBe(false);
    expect(classifyKafkaError('boom', 'x').retriable).toBe(false);
  });
});
