/**
 * Kafka errors -> AppError with a stable code and `retriable`, decided as kafkajs decides it: by the
 * error's own `retriable` flag, walking `cause` to the protocol error underneath (kafkajs wraps the last
 * failure in KafkaJSNumberOfRetriesExceeded). A few errors are fatal whatever the flag says: failed
 * authentication or authorization, a topic that does not exist (auto-creation off), a message the broker
 * refuses as too large, an invalid topic name. Pure: works on any error-like object.
 */
import { AppError, errorMessage } from '../errors.js';

export class KafkaError extends AppError {
  constructor(code: string, message: string, opts: { retriable: boolean; cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, { status: opts.retriable ? 503 : 500, ...opts });
  }
}

interface ErrorLike {
  name?: string;
  type?: string;
  code?: string | number;
  retriable?: boolean;
  message?: string;
  cause?: unknown;
}

/** The error and every `cause` under it, outermost first (bounded, cycle-safe). */
export function causeChain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && out.length < 10 && !out.includes(cur as ErrorLike)) {
    out.push(cur as ErrorLike);
    cur = (cur as ErrorLike).cause;
  }
  return out;
}

const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
]);
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
const CONNECTION_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound', 'KafkaJSRequestTimeoutError', 'KafkaJSNoBrokerAvailableError']);

/** Turns anything kafkajs throws into a KafkaError; `what` says what was being done ("producing to tweets.out"). */
export function classifyKafkaError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const chain = causeChain(err);
  const typed = chain.find((e) => typeof e.type === 'string');
  const type = typed?.type;
  const detail = errorMessage(typed ?? err);
  const details = type ? { type } : undefined;
  if ((type && AUTH_TYPES.has(type)) || chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError')) {
    return new KafkaError('E_KAFKA_AUTH', `${what}: not authenticated or not authorized (${detail}); check KAFKA_SASL_* and the ACLs`, { retriable: false, cause: err, details });
  }
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION') {
    return new KafkaError('E_KAFKA_UNKNOWN_TOPIC', `${what}: topic does not exist and the broker does not create it (${detail})`, { retriable: false, cause: err, details });
  }
  if (type && TOO_LARGE_TYPES.has(type)) {
    return new KafkaError('E_KAFKA_MESSAGE_TOO_LARGE', `${what}: the broker refused a message as too large (${detail}); raise the topic's max.message.bytes`, { retriable: false, cause: err, details });
  }
  if (type === 'INVALID_TOPIC_EXCEPTION') {
    return new KafkaError('E_KAFKA_BAD_TOPIC', `${what}: invalid topic name (${detail})`, { retriable: false, cause: err, details });
  }
  if (type && REBALANCE_TYPES.has(type)) {
    return new KafkaError('E_KAFKA_REBALANCE', `${what}: the consumer group is rebalancing (${detail})`, { retriable: true, cause: err, details });
  }
  if (chain.some((e) => e.name !== undefined && CONNECTION_NAMES.has(e.name))) {
    return new KafkaError('E_KAFKA_UNAVAILABLE', `${what}: cannot reach the Kafka brokers (${detail})`, { retriable: true, cause: err, details });
  }
  // kafkajs's own verdict: the innermost error that states one (retries exhausted is non-retriable at the top,
  // but says nothing about whether trying again later can help, so look underneath it)
  const verdict = [...chain].reverse().find((e) => typeof e.retriable === 'boolean');
  const retriable = verdict?.retriable ?? false;
  return new KafkaError(retriable ? 'E_KAFKA_RETRIABLE' : 'E_KAFKA', `${what}: ${detail}`, { retriable, cause: err, details });
}
