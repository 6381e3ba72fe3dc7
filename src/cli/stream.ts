/**
 * `tweetlang stream`: classify a live stream batch by batch, write the tweets of the chosen clusters or
 * languages, optionally print windowed counts, keep the model current (StreamingKMeans) and survive
 * restarts (checkpoints). Parses flags and composes library pieces; the work is in src/stream/.
 */
import { promises as fs } from 'node:fs';
import { ModelHolder } from '../clustering/model-holder.js';
import { loadModelOrDefault } from '../clustering/load-default.js';
import { TIME_UNITS } from '../clustering/streaming-kmeans.js';
import { DEFAULT_STREAM } from '../config.js';
import { fromSystemError, InputError } from '../errors.js';
import { INPUT_FORMATS } from '../io/records.js';
import { componentLogger } from '../log.js';
import { createSink, SINKS } from '../sinks/index.js';
import type { Sink } from '../sinks/types.js';
import { createSource, SOURCES } from '../sources/index.js';
import { formatPrintBlock } from '../stream/print.js';
import { createPipeline } from '../stream/pipeline.js';
import { randomCentersModel, type UpdateOptions } from '../stream/updater.js';
import { formatWindowCounts } from '../stream/window-stats.js';
import { ModelStore } from '../store/model-store.js';
import { choice, duration, flag, int, list, num, parse, required, str, UsageError } from './args.js';
import { writeOut, type CliIO, type Command } from './io.js';
import { createProgress } from './progress.js';
import { attachMember, type Member } from '../distributed/member.js';
import { createKafkaClient, kafkaOptionsFromEnv } from '../kafka/client.js';
import { validateTopic } from '../kafka/spec.js';

const D = DEFAULT_STREAM;
const REPLAY_RATE = 1000;

const usage = `Usage: tweetlang stream --source SPEC [--model PATH] [--cluster N ...|--lang L ...] [options]

Reads a stream in micro-batches, classifies every record with the newest model and writes the records
of the chosen clusters or language labels (all records when neither is given) to the sinks, batch by
batch. Runs until the source ends (a replay without --loop, stdin) or until SIGINT/SIGTERM, then
finishes the batch in flight, writes a last checkpoint and exits.

Sources (--source):
${Object.values(SOURCES).map((s) => `  ${s.usage.padEnd(20)} ${s.summary}`).join('\n')}
Sinks (--sink, repeatable; default console, or none with --window):
${Object.values(SINKS).map((s) => `  ${s.usage.padEnd(20)} ${s.summary}`).join('\n')}

Options:
  --model PATH          model file or store folder (default: the bundled model); a store folder or
                        file is polled between batches and a newer valid model is swapped in
  --cluster N           keep records of cluster N (repeatable, or a comma list)
  --lang L              keep records labelled L, e.g. spa (repeatable, or a comma list)
  --batch-ms N          batch interval in ms (default ${D.batchMs})
  --max-batch N         most records per batch; a slower pipeline pauses the source (default ${D.maxBatch})
  --window DUR          print counts per cluster and label over this window, e.g. 30s
  --slide DUR           ... every DUR (default: the batch interval); both multiples of the batch interval
  --format F            ${INPUT_FORMATS.join(' | ')}: JSON lines with "text", or text lines (default auto)
  --rate N              replay: records per second (default ${REPLAY_RATE}; 0 = as fast as possible)
  --loop                replay: start over at the end of the file
  --poll DUR            how often the model (and a dir: source) is checked (default ${D.modelPollMs}ms)
  --threads N           classify on N worker threads (default 0: on the main thread, in slices that
                        keep the process responsive); pays off with cores to spare (docs/BENCHMARKS.md)

Keeping the model current (StreamingKMeans, MLlib's rule):
  --update              fold every batch into the centers
  --decay X             forgetfulness in [0, 1]: 1 keeps all history (default 1)
  --half-life X         instead of --decay: old data weighs half after X time units
  --time-unit U         ${TIME_UNITS.join(' | ')} (default batches)
  --publish-every N     write a new model version every N batches (default ${D.publishEvery})
  --store DIR           model store the versions go to (default: --model when it is a folder;
                        otherwise versions stay in memory)
  --random-centers K    start from K random centers (Spark's setRandomCenters) instead of the model's
  --seed N              seed of the random centers (default 1)

Kafka and Twitter (docs/OPERATIONS.md):
  --brokers LIST        Kafka brokers host:port,... (env KAFKA_BROKERS)
  --group NAME          consumer group of a kafka: source (env KAFKA_GROUP): run more members with the same group to scale
  --create-topics       create missing kafka: output topics
  --stats-topic T       distributed StreamingKMeans: publish each batch's cluster statistics to T ...
  --model-topic T       ... and load the versions \`tweetlang updater\` publishes on T between batches
  --api-base URL        Twitter API base URL (env TWITTER_API_BASE); token from TWITTER_BEARER_TOKEN

Surviving restarts:
  --checkpoint DIR      checkpoint positions, windows, totals and the streaming model to DIR; a restart
                        with the same DIR resumes where the last checkpoint was (at-least-once outputs)
  --checkpoint-every N  checkpoint every N batches (default ${D.checkpointEvery}) and on stop
  --quiet               no progress lines on stderr

Examples:
  tweetlang stream --source replay:../shared/data/train.jsonl --lang spa
  nc -lk 9999 &  tweetlang stream --source socket:localhost:9999 --lang spa,por
  tweetlang stream --source replay:tweets.jsonl --loop --window 30s --slide 10s
  tweetlang stream --source dir:/var/spool/tweets --model models/ --update --half-life 10 \\
    --checkpoint /var/lib/tweetlang/ckpt --sink files:/var/lib/tweetlang/out/spa --lang spa
  tweetlang stream --source kafka:tweets --brokers kafka:9092 --group classifiers --lang spa \\
    --sink 'kafka:tweets.lang.{label}' --stats-topic tweetlang.stats --model-topic tweetlang.model
`;

const FLAGS = {
  source: { type: 'string', short: 's' },
  model: { type: 'string', short: 'm' },
  cluster: { type: 'string', multiple: true },
  lang: { type: 'string', multiple: true },
  'batch-ms': { type: 'string' },
  'max-batch': { type: 'string' },
  window: { type: 'string' },
  slide: { type: 'string' },
  format: { type: 'string' },
  rate: { type: 'string' },
  loop: { type: 'boolean' },
  poll: { type: 'string' },
  threads: { type: 'string' },
  sink: { type: 'string', multiple: true },
  update: { type: 'boolean' },
  decay: { type: 'string' },
  'half-life': { type: 'string' },
  'time-unit': { type: 'string' },
  'publish-every': { type: 'string' },
  store: { type: 'string' },
  'random-centers': { type: 'string' },
  seed: { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  brokers: { type: 'string' },
  group: { type: 'string' },
  'create-topics': { type: 'boolean' },
  'stats-topic': { type: 'string' },
  'model-topic': { type: 'string' },
  'api-base': { type: 'string' },
} as const;

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function isBrokenPipe(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return true;
  }
  return false;
}

/** A missing replay file or watched folder fails before anything starts (one line, exit 1). */
async function preflight(spec: string): Promise<void> {
  const m = /^(replay|dir):(.+)$/.exec(spec);
  if (!m) return;
  const [, kind, p] = m;
  let st;
  try {
    st = await fs.stat(p);
  } catch (err) {
    throw fromSystemError(err, `${kind} ${p}`);
  }
  if (kind === 'replay' && st.isDirectory()) throw new InputError('E_IS_DIRECTORY', `${p}: is a directory; use dir:${p} to watch a folder`);
  if (kind === 'dir' && !st.isDirectory()) throw new InputError('E_NOT_DIRECTORY', `${p}: is not a directory; use replay:${p} to replay a file`);
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, FLAGS);
  const spec = required(p, 'source');
  const batchMs = int(p, 'batch-ms', 1, 3_600_000) ?? D.batchMs;
  const maxBatch = int(p, 'max-batch', 1, 10_000_000) ?? D.maxBatch;
  const windowMs = duration(p, 'window');
  const slideMs = duration(p, 'slide');
  if (slideMs !== undefined && windowMs === undefined) throw new UsageError('--slide needs --window');
  for (const [name, ms] of [['window', windowMs], ['slide', slideMs]] as const) {
    if (ms !== undefined && ms % batchMs !== 0) throw new UsageError(`--${name} (${ms} ms) must be a multiple of the batch interval (${batchMs} ms)`);
  }
  const clusters = list(p, 'cluster').map((c) => {
    if (!/^\d+$/.test(c)) throw new UsageError(`--cluster takes cluster numbers (got ${JSON.stringify(c)})`);
    return Number(c);
  });
  const labels = list(p, 'lang');
  const isReplay = spec.startsWith('replay:');
  const rateFlag = num(p, 'rate', 0);
  if (!isReplay && (rateFlag !== undefined || flag(p, 'loop'))) throw new UsageError('--rate and --loop apply to replay: sources only');
  const rate = rateFlag ?? REPLAY_RATE;
  const pollMs = duration(p, 'poll') ?? D.modelPollMs;
  const classifyThreads = int(p, 'threads', 0, 256) ?? 0;

  // update options
  const updating = flag(p, 'update');
  const decayFactor = num(p, 'decay', 0, 1);
  const halfLife = num(p, 'half-life', Number.MIN_VALUE);
  const timeUnit = choice(p, 'time-unit', TIME_UNITS);
  const publishEvery = int(p, 'publish-every', 1, 1_000_000);
  const randomK = int(p, 'random-centers', 1, 100_000);
  const seed = int(p, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const storeFlag = str(p, 'store');
  if (!updating && (decayFactor ?? halfLife ?? timeUnit ?? publishEvery ?? randomK ?? storeFlag) !== undefined) {
    throw new UsageError('--decay, --half-life, --time-unit, --publish-every, --store and --random-centers need --update');
  }
  if (decayFactor !== undefined && halfLife !== undefined) throw new UsageError('give either --decay or --half-life, not both');
  const checkpointDir = str(p, 'checkpoint');
  const checkpointEvery = int(p, 'checkpoint-every', 1, 1_000_000);
  if (checkpointEvery !== undefined && !checkpointDir) throw new UsageError('--checkpoint-every needs --checkpoint');
  const brokers = str(p, 'brokers');
  const group = str(p, 'group');
  const statsTopic = str(p, 'stats-topic');
  const modelTopic = str(p, 'model-topic');
  if ((statsTopic === undefined) !== (modelTopic === undefined)) throw new UsageError('--stats-topic and --model-topic go together (a member of the distributed model)');
  if (statsTopic !== undefined && updating) throw new UsageError('use either --update (this process folds its batches) or --stats-topic/--model-topic (`tweetlang updater` folds every member\'s)');
  if (group !== undefined && !spec.startsWith('kafka:')) throw new UsageError('--group applies to kafka: sources only');

  const log = componentLogger('stream');
  const modelFlag = str(p, 'model');
  const { model: loaded, path: modelPath } = await loadModelOrDefault(modelFlag);
  const initial = randomK !== undefined ? randomCentersModel(loaded, randomK, seed, 0) : loaded;
  const models = new ModelHolder(initial, randomK !== undefined ? 'random-centers' : modelPath);

  let update: UpdateOptions | undefined;
  if (updating) {
    const storeDir = storeFlag ?? (modelFlag && (await isDir(modelFlag)) ? modelFlag : undefined);
    if (!storeDir) log.info('no --store and --model is not a folder: updated models stay in memory');
    update = { decayFactor, halfLife, timeUnit, publishEvery: publishEvery ?? D.publishEvery, store: storeDir ? new ModelStore(storeDir) : undefined };
  }

  await preflight(spec);
  const source = createSource(spec, {
    format: choice(p, 'format', INPUT_FORMATS),
    rate: isReplay && rate > 0 ? rate : undefined,
    loop: flag(p, 'loop'),
    pollMs,
    stdin: io.stdin,
    env: io.env,
    log,
    brokers,
    group,
    apiBase: str(p, 'api-base'),
  });
  const sinkSpecs = p.values.sink === undefined ? (windowMs === undefined ? ['console'] : []) : list(p, 'sink');
  const sinks: Sink[] = sinkSpecs.map((s) => createSink(s, { stdout: io.stdout, env: io.env, log, brokers, createTopics: flag(p, 'create-topics') }));

  const window = windowMs === undefined ? undefined : { lengthMs: windowMs, slideMs: slideMs ?? batchMs };
  const pipeline = createPipeline({
    source,
    models,
    filter: { clusters, labels },
    sinks,
    batchMs,
    maxBatch,
    window,
    update,
    classifyThreads,
    checkpoint: checkpointDir ? { dir: checkpointDir, every: checkpointEvery ?? D.checkpointEvery } : undefined,
    // a member of the distributed model follows the model topic instead of polling a path
    modelPath: modelTopic === undefined ? modelFlag : undefined,
    modelPollMs: pollMs,
    stopWhenDone: true,
    log,
    onWindow: window ? (s) => writeOut(io.stdout, formatPrintBlock(formatWindowCounts(s), s.asOf, Infinity)) : undefined,
  });

  const quiet = flag(p, 'quiet');
  const progress = createProgress(io.stderr, io.isTTY, 'stream', quiet);
  let records = 0;
  let matched = 0;
  let batches = 0;
  let lastReport = Date.now();
  let lastRecords = 0;
  pipeline.events.on('batch.end', (b) => {
    batches++;
    records += b.records;
    matched += b.matched;
    const now = Date.now();
    if (now - lastReport >= 10_000) {
      const rate = Math.round(((records - lastRecords) * 1000) / (now - lastReport));
      progress.line(`tweetlang stream: ${batches} batches, ${records} records (${rate}/s), ${matched} matched, model v${b.modelVersion}`);
      lastReport = now;
      lastRecords = records;
    }
  });
  pipeline.events.on('model.updated', (u) => log.info({ version: u.version, source: u.source }, 'model in use'));

  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // a second signal: the user does not want to wait for the drain
      io.stderr.write(`tweetlang stream: ${sig} again: exiting without a last checkpoint\n`);
      process.exit(130);
    }
    signalled = sig;
    progress.line(`tweetlang stream: ${sig}: finishing the batch in flight${checkpointDir ? ' and checkpointing' : ''}`);
    void pipeline.stop().catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let restored: number | undefined;
  pipeline.context.events.on('restored', (r) => (restored = r.time));
  let member: Member | undefined;
  try {
    if (statsTopic !== undefined && modelTopic !== undefined) {
      const kafka = createKafkaClient(kafkaOptionsFromEnv(io.env, { brokers }), log);
      member = attachMember({ kafka, events: pipeline.events, holder: models, statsTopic: validateTopic(statsTopic, '--stats-topic'), modelTopic: validateTopic(modelTopic, '--model-topic'), log });
      await member.follower.ready; // start with the newest published version
    }
    await pipeline.start();
    if (!quiet) {
      progress.line(
        `tweetlang stream: ${source.name} -> ${[...sinkSpecs, ...(window ? ['window counts'] : [])].join(', ') || 'nothing'}; model v${models.version}` +
          (clusters.length || labels.length ? `; keeping ${[...clusters.map((c) => `cluster ${c}`), ...labels].join(', ')}` : '') +
          (restored !== undefined ? '; resumed from checkpoint' : ''),
      );
    }
    await pipeline.done;
  } catch (err) {
    // stdout closed by the reader (`| head`): stop quietly, as Unix tools do
    if (!isBrokenPipe(err)) throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await member?.stop();
  }
  const skipped = Object.entries(source.counters.skipped);
  progress.done(
    quiet
      ? undefined
      : `tweetlang stream: ${batches} batches, ${records} records, ${matched} matched` +
          (skipped.length ? `, ${skipped.reduce((n, [, v]) => n + v, 0)} unreadable (${skipped.map(([k, v]) => `${v} ${k}`).join(', ')})` : ''),
  );
  return 0;
}

export const command: Command = { name: 'stream', summary: 'stream', usage, run };
