/**
 * Kafka client settings from flags and the environment, and the kafkajs client built from them.
 * Secrets (the SASL password) come only from the environment and never reach a log line or an error.
 *
 * Environment: KAFKA_BROKERS (host:port,...), KAFKA_CLIENT_ID, KAFKA_SSL (1/true),
 * KAFKA_SASL_MECHANISM (plain | scram-sha-256 | scram-sha-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD.
 */
import kafkajs, { type Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';

const { Kafka: KafkaClass, logLevel } = kafkajs;

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaClientOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  connectionTimeout?: number;
  requestTimeout?: number;
  /** kafkajs's own retry budget for each request. */
  retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number };
}

export const DEFAULT_CLIENT_ID = 'tweetlang';

/** Validates "host:port,host:port". */
export function parseBrokers(v: string | string[] | undefined, what = 'KAFKA_BROKERS / --brokers'): string[] {
  const list = (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError('E_KAFKA_CONFIG', `${what} is required (host:port,...)`);
  for (const b of list) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^:\s/]+):(\d{1,5})$/.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError('E_KAFKA_CONFIG', `${what}: ${JSON.stringify(b)} is not host:port`);
  }
  return list;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/** Client options from the environment, with flags (when given) taking precedence. */
export function kafkaOptionsFromEnv(env: NodeJS.ProcessEnv, flags: { brokers?: string; clientId?: string } = {}): KafkaClientOptions {
  const brokers = parseBrokers(flags.brokers ?? env.KAFKA_BROKERS);
  const opts: KafkaClientOptions = { brokers, clientId: flags.clientId ?? env.KAFKA_CLIENT_ID ?? DEFAULT_CLIENT_ID, ssl: truthy(env.KAFKA_SSL) };
  const mech = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  if (mech) {
    if (!SASL_MECHANISMS.includes(mech as SaslMechanism)) {
      throw new ConfigError('E_KAFKA_CONFIG', `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')} (got ${JSON.stringify(mech)})`);
    }
    const username = env.KAFKA_SASL_USERNAME;
    const password = env.KAFKA_SASL_PASSWORD;
    if (!username || !password) throw new ConfigError('E_KAFKA_CONFIG', 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
    opts.sasl = { mechanism: mech as SaslMechanism, username, password };
  }
  return opts;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The kafkajs client, logging through pino (kafkajs's INFO chatter goes to debug). */
export function createKafkaClient(opts: KafkaClientOptions, log: Logger): Kafka {
  const config: KafkaConfig = {
    brokers: opts.brokers,
    clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
    ssl: opts.ssl || undefined,
    sasl: opts.sasl ? ({ ...opts.sasl } as SASLOptions) : undefined,
    connectionTimeout: opts.connectionTimeout ?? 3000,
    requestTimeout: opts.requestTimeout ?? 30_000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000, ...opts.retry },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const level = LEVELS[entry.level] ?? 'info';
      const { message, ...rest } = entry.log;
      // kafkajs logs at WARN/ERROR for things it recovers from (retries, rebalances): keep them, one level down
      let target: 'warn' | 'info' | 'debug' = level === 'error' ? 'warn' : level === 'warn' ? 'info' : 'debug';
      // a rebalance shows up as failed heartbeats/commits: routine, not worth a warning
      if (/rebalanc|rejoin/i.test(String(rest.error ?? ''))) target = 'debug';
      log[target]({ kafkajs: entry.namespace, ...rest }, message);
    },
  };
  return new KafkaClass(config);
}
