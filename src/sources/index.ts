/**
 * Source registry: a spec string -> a Source. `kind:argument`, e.g. `replay:data/tweets.jsonl`,
 * `socket:localhost:9999`, `dir:/var/spool/tweets`, `stdin`. Adding a source is one entry in SOURCES
 * (e.g. `kafka: { ... create: (topic, opts) => kafkaSource(...) }`); options every source may use are
 * in SourceOptions (extend it for new ones).
 */
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { InputFormat } from '../io/records.js';
import type { Clock } from '../stream/clock.js';
import { dirSource } from './dir.js';
import { replaySource } from './replay.js';
import { socketSource } from './socket.js';
import { stdinSource } from './stdin.js';
import { kafkaSourceFromSpec, type KafkaSourceOptions } from './kafka.js';
import { twitterSourceFromSpec } from './twitter.js';
import { parseSpec } from './spec.js';
import type { Source } from './types.js';

export interface SourceOptions {
  clock?: Clock;
  format?: InputFormat;
  /** replay: records per second. */
  rate?: number;
  /** replay: start again at the end. */
  loop?: boolean;
  /** dir: folder poll interval. */
  pollMs?: number;
  /** stdin: the stream to read (the CLI's stdin). */
  stdin?: Readable;
  /** Environment, for sources configured by variables (brokers, tokens: never logged). */
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  maxLineBytes?: number;
  /** kafka: brokers host:port,... (else KAFKA_BROKERS). */
  brokers?: string;
  /** kafka: consumer group (else KAFKA_GROUP). */
  group?: string;
  /** kafka: told of each new partition assignment (flush state kept for revoked partitions). */
  onRebalance?: KafkaSourceOptions['onRebalance'];
  /** twitter: API base URL (else TWITTER_API_BASE). */
  apiBase?: string;
}

export interface SourceKind {
  /** How the spec looks, for --help and errors. */
  usage: string;
  summary: string;
  /** Whether the kind takes an argument after the colon ('optional': both `kind` and `kind:arg`). */
  argument: boolean | 'optional';
  create(argument: string, opts: SourceOptions): Source;
}

function hostPort(arg: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(arg);
  if (!m) throw new ConfigError('E_SOURCE_SPEC', `socket source must look like socket:HOST:PORT (got socket:${arg})`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export const SOURCES: Record<string, SourceKind> = {
  replay: {
    usage: 'replay:FILE',
    summary: 'replay a JSONL or text file (--rate N records/s, --loop)',
    argument: true,
    create: (file, o) => replaySource({ file, rate: o.rate, loop: o.loop, format: o.format, clock: o.clock, maxLineBytes: o.maxLineBytes }),
  },
  socket: {
    usage: 'socket:HOST:PORT',
    summary: 'lines from a TCP server, e.g. `nc -lk 9999` (reconnects with backoff)',
    argument: true,
    create: (arg, o) => socketSource({ ...hostPort(arg), format: o.format, clock: o.clock, maxLineBytes: o.maxLineBytes }),
  },
  dir: {
    usage: 'dir:PATH',
    summary: 'lines of each new file moved into a folder',
    argument: true,
    create: (dir, o) => dirSource({ dir, pollMs: o.pollMs, format: o.format, clock: o.clock, maxLineBytes: o.maxLineBytes }),
  },
  stdin: {
    usage: 'stdin',
    summary: 'lines piped into the process',
    argument: false,
    create: (_arg, o) => stdinSource({ stream: o.stdin, format: o.format, clock: o.clock, maxLineBytes: o.maxLineBytes }),
  },
  kafka: {
    usage: 'kafka:TOPIC',
    summary: 'a Kafka topic, as a member of consumer group --group (offsets committed after outputs)',
    argument: true,
    create: (topic, o) =>
      kafkaSourceFromSpec(`kafka:${topic}`, { env: o.env ?? process.env, brokers: o.brokers, group: o.group, log: o.log }, o.onRebalance ? { onRebalance: o.onRebalance } : {}),
  },
  twitter: {
    usage: 'twitter[:sample]',
    summary: 'Twitter API v2 filtered stream (rules: tweetlang rules), or the sample stream',
    argument: 'optional',
    create: (arg, o) => twitterSourceFromSpec(arg ? `twitter:${arg}` : 'twitter', { env: o.env ?? process.env, apiBase: o.apiBase, log: o.log }),
  },
};

export function createSource(spec: string, opts: SourceOptions = {}): Source {
  const { kind, arg } = parseSpec(spec, SOURCES, 'source');
  return SOURCES[kind].create(arg, opts);
}
