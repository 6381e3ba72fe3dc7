/** `tweetlang collect`: tweets from Twitter or a Kafka topic into JSONL files (one per interval) or a topic. */
import { duration, flag, int, parse, required, str, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { DEFAULT_KAFKA } from '../../config.js';
import { componentLogger } from '../../log.js';
import { runCollector, type CollectOutput } from '../../collect/collector.js';
import { createKafkaClient, kafkaOptionsFromEnv } from '../../kafka/client.js';
import { isKafkaSpec, parseKafkaSinkSpec } from '../../kafka/spec.js';
import { kafkaSourceFromSpec } from '../../sources/kafka.js';
import { twitterSourceFromSpec } from '../../sources/twitter.js';
import type { Source } from '../../sources/types.js';
import { shutdownSignal } from '../signals.js';

const usage = `Usage: tweetlang collect --source twitter|twitter:sample|kafka:TOPIC (--out DIR | --to kafka:TOPIC)
                        [--max N] [--every 1s]

Collects tweets (the reference app's collect step): writes one JSON-lines file per interval into DIR
(tweets-<interval start>.jsonl, each line {"id","text","lang","created_at"}), or produces them to a
Kafka topic. Stops after --max tweets, or on Ctrl-C (the current interval is written first).

Options:
  --source SPEC        twitter (filtered stream; see \`tweetlang rules\`), twitter:sample, or kafka:TOPIC
  --out DIR            folder for the JSONL files (created if missing)
  --to kafka:TOPIC     produce to this topic instead
  --max N              stop after N tweets
  --every DURATION     interval per file / produce batch (default 1s)
  --brokers LIST       Kafka brokers host:port,... (env KAFKA_BROKERS)
  --group NAME         consumer group for a kafka: source (default ${DEFAULT_KAFKA.collectGroup})
  --create-topics      create the --to topic when missing
  --api-base URL       Twitter API base URL (env TWITTER_API_BASE)

Environment: TWITTER_BEARER_TOKEN (twitter sources), KAFKA_BROKERS, KAFKA_SASL_* (see docs/OPERATIONS.md).
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, {
    source: { type: 'string' },
    out: { type: 'string', short: 'o' },
    to: { type: 'string' },
    max: { type: 'string' },
    every: { type: 'string' },
    brokers: { type: 'string' },
    group: { type: 'string' },
    'create-topics': { type: 'boolean' },
    'api-base': { type: 'string' },
  });
  const spec = required(p, 'source');
  const outDir = str(p, 'out');
  const to = str(p, 'to');
  if ((outDir === undefined) === (to === undefined)) throw new UsageError('give exactly one of --out DIR or --to kafka:TOPIC');
  const max = int(p, 'max', 1);
  const everyMs = duration(p, 'every', 10) ?? 1000;
  const log = componentLogger('collect');
  const brokers = str(p, 'brokers');
  let source: Source;
  if (spec.startsWith('twitter')) source = twitterSourceFromSpec(spec, { env: io.env, apiBase: str(p, 'api-base'), log });
  else if (isKafkaSpec(spec)) source = kafkaSourceFromSpec(spec, { env: io.env, brokers, group: str(p, 'group') ?? DEFAULT_KAFKA.collectGroup, log });
  else throw new UsageError(`--source must be twitter, twitter:sample or kafka:TOPIC (got ${JSON.stringify(spec)})`);
  let out: CollectOutput;
  if (to !== undefined) {
    if (!isKafkaSpec(to)) throw new UsageError(`--to must be kafka:TOPIC (got ${JSON.stringify(to)})`);
    const { topic } = parseKafkaSinkSpec(to);
    if (topic.includes('{')) throw new UsageError('--to takes a plain topic (no {label}/{cluster}: collected tweets are not classified)');
    out = { kind: 'kafka', kafka: createKafkaClient(kafkaOptionsFromEnv(io.env, { brokers }), log), topic, createTopics: flag(p, 'create-topics') };
  } else out = { kind: 'dir', dir: outDir! };
  const { signal, dispose } = shutdownSignal();
  try {
    const res = await runCollector({
      source,
      out,
      max,
      everyMs,
      signal,
      log,
      onFlush: ({ target, records, total }) => io.stderr.write(`collect: ${total}${max ? `/${max}` : ''} tweets (+${records} -> ${target})\n`),
    });
    io.stderr.write(`collect: done, ${res.records} tweets in ${out.kind === 'dir' ? `${res.targets.length} files under ${outDir}` : `topic ${res.targets[0] ?? to}`}\n`);
    return 0;
  } finally {
    dispose();
  }
}

export const command: Command = { name: 'collect', summary: 'collect tweets from Twitter or Kafka into JSONL files or a topic', usage, run };
