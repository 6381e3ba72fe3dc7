/**
 * Sink registry: a spec string -> a Sink. `console`, `console:N` (at most N records per batch),
 * `files:PREFIX`. Adding a sink is one entry in SINKS (e.g. `kafka: { ... create: (topic, o) => ... }`).
 */
import type { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseSpec } from '../sources/spec.js';
import { consoleSink } from './console.js';
import { fileSink } from './files.js';
import { kafkaSinkFromSpec } from './kafka.js';
import type { Sink } from './types.js';

export interface SinkOptions {
  /** Where console writes (the CLI's stdout). */
  stdout?: Writable;
  /** Environment, for sinks configured by variables (never logged). */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** kafka: brokers host:port,... (else KAFKA_BROKERS). */
  brokers?: string;
  /** kafka: create missing output topics. */
  createTopics?: boolean;
}

export interface SinkKind {
  usage: string;
  summary: string;
  /** 'optional': `console` and `console:N` both work. */
  argument: boolean | 'optional';
  create(argument: string, opts: SinkOptions): Sink;
}

export const SINKS: Record<string, SinkKind> = {
  console: {
    usage: 'console[:N]',
    summary: 'print matching records per batch (at most N)',
    argument: 'optional',
    create: (arg, o) => {
      if (arg !== '' && !/^\d+$/.test(arg)) throw new ConfigError('E_SINK_SPEC', `console sink takes a record limit: console:N (got console:${arg})`);
      return consoleSink({ out: o.stdout, limit: arg === '' ? Infinity : Number(arg) });
    },
  },
  files: {
    usage: 'files:PREFIX',
    summary: 'one JSONL file per batch, PREFIX-<batch time>.jsonl, written atomically',
    argument: true,
    create: (prefix) => fileSink({ prefix }),
  },
  kafka: {
    usage: 'kafka:TOPIC',
    summary: 'a Kafka topic; TOPIC may hold {label} or {cluster}, e.g. kafka:tweets.lang.{label}',
    argument: true,
    create: (topic, o) => kafkaSinkFromSpec(`kafka:${topic}`, { env: o.env ?? process.env, brokers: o.brokers, createTopics: o.createTopics, log: o.log }),
  },
};

export function createSink(spec: string, opts: SinkOptions = {}): Sink {
  const { kind, arg } = parseSpec(spec, SINKS, 'sink');
  return SINKS[kind].create(arg, opts);
}
