/** `tweetlang updater`: the one process folding every classifier member's statistics into the model. */
import { choice, duration, flag, int, num, parse, str, UsageError } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { DEFAULT_KAFKA } from '../../config.js';
import { componentLogger } from '../../log.js';
import { loadModelOrDefault } from '../../clustering/load-default.js';
import { resolveDecay, TIME_UNITS } from '../../clustering/streaming-kmeans.js';
import { createKafkaClient, kafkaOptionsFromEnv } from '../../kafka/client.js';
import { validateTopic } from '../../kafka/spec.js';
import { startUpdater } from '../../distributed/updater-service.js';
import { shutdownSignal } from '../signals.js';

const usage = `Usage: tweetlang updater [--brokers LIST] [--stats-topic T] [--model-topic T] [--model PATH]
                        [--decay A | --half-life H] [--time-unit batches|points] [--grace 10s]

Distributed StreamingKMeans: reads the per-batch cluster statistics every classifier member publishes,
merges each round (batch time) once every live member reported it (or after --grace), folds it into the
model with the decay rule, and publishes each new model version to the compacted model topic, from which
the members load it between batches. Run exactly one. Stops on Ctrl-C / SIGTERM.

Options:
  --brokers LIST        Kafka brokers host:port,... (env KAFKA_BROKERS)
  --stats-topic T       statistics topic (default ${DEFAULT_KAFKA.statsTopic})
  --model-topic T       compacted model topic (default ${DEFAULT_KAFKA.modelTopic})
  --group NAME          consumer group for the statistics (default ${DEFAULT_KAFKA.updaterGroup})
  --model PATH          initial model when the model topic is empty (default: the bundled model)
  --decay A             forgetfulness in [0, 1] (default 1: keep all history)
  --half-life H         alternative to --decay: weight halves after H time units
  --time-unit U         batches (default) or points
  --grace DURATION      close a round this long after its first statistics at the latest (default ${DEFAULT_KAFKA.roundGraceMs / 1000}s)
  --member-timeout D    stop waiting for a member silent this long (default ${DEFAULT_KAFKA.memberTimeoutMs / 1000}s)
  --stats-partitions N  partitions when creating the statistics topic (default 3)
  --create-topics       create missing topics (model topic compacted)

Environment: KAFKA_BROKERS, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD, KAFKA_SSL, LOG_LEVEL.
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, {
    brokers: { type: 'string' },
    'stats-topic': { type: 'string' },
    'model-topic': { type: 'string' },
    group: { type: 'string' },
    model: { type: 'string', short: 'm' },
    decay: { type: 'string' },
    'half-life': { type: 'string' },
    'time-unit': { type: 'string' },
    grace: { type: 'string' },
    'member-timeout': { type: 'string' },
    'stats-partitions': { type: 'string' },
    'create-topics': { type: 'boolean' },
  });
  const statsTopic = validateTopic(str(p, 'stats-topic') ?? DEFAULT_KAFKA.statsTopic, '--stats-topic');
  const modelTopic = validateTopic(str(p, 'model-topic') ?? DEFAULT_KAFKA.modelTopic, '--model-topic');
  if (statsTopic === modelTopic) throw new UsageError('--stats-topic and --model-topic must differ');
  const decay = resolveDecay({ decayFactor: num(p, 'decay', 0, 1), halfLife: num(p, 'half-life', Number.MIN_VALUE), timeUnit: choice(p, 'time-unit', TIME_UNITS) });
  const graceMs = duration(p, 'grace', 0) ?? DEFAULT_KAFKA.roundGraceMs;
  const memberTimeoutMs = duration(p, 'member-timeout', 1) ?? DEFAULT_KAFKA.memberTimeoutMs;
  const statsPartitions = int(p, 'stats-partitions', 1, 1000) ?? 3;
  const log = componentLogger('updater');
  const kafka = createKafkaClient(kafkaOptionsFromEnv(io.env, { brokers: str(p, 'brokers') }), log);
  const { model, path } = await loadModelOrDefault(str(p, 'model'));
  const { signal, dispose } = shutdownSignal();
  try {
    const handle = await startUpdater({
      kafka,
      statsTopic,
      modelTopic,
      groupId: str(p, 'group') ?? DEFAULT_KAFKA.updaterGroup,
      initialModel: model,
      decay,
      graceMs,
      memberTimeoutMs,
      tickMs: DEFAULT_KAFKA.updaterTickMs,
      createTopics: flag(p, 'create-topics'),
      statsPartitions,
      signal,
      log,
      onPublish: (x) => io.stderr.write(`updater: model version ${x.model.version} (rounds ${x.rounds.map((r) => `${r.round}:${r.members.length}${r.missing.length ? `-${r.missing.length} missing` : ''}`).join(', ')})\n`),
    });
    io.stderr.write(`updater: running (model version ${handle.core.current.version}${handle.core.current === model ? ` from ${path}` : ` from ${modelTopic}`}, stats from ${statsTopic}); Ctrl-C to stop\n`);
    await handle.done;
    io.stderr.write(`updater: stopped (${handle.core.counters.rounds} rounds folded, ${handle.core.counters.published} versions published)\n`);
    return 0;
  } finally {
    dispose();
  }
}

export const command: Command = { name: 'updater', summary: 'fold every classifier member\'s statistics into the model (distributed StreamingKMeans)', usage, run };
