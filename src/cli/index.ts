/**
 * `tweetlang` entry: dispatches to a command, turns errors into one line on stderr and an exit code.
 * Exit codes: 0 ok, 1 error, 2 usage error, 70 internal error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.js';
import { AppError, errorMessage } from '../errors.js';
import { processIO, type CliIO, type Command } from './io.js';
import { UsageError } from './args.js';
import { registerSecrets, secretsFromEnv } from '../secrets.js';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

/** Commands load lazily: `tweetlang predict` does not pay for Kafka or Fastify. */
export const COMMANDS: Record<string, Entry> = {
  train: { summary: 'train a k-means language model from JSONL or text lines', load: async () => (await import('../../training/cli/train.js')).command },
  predict: { summary: 'predict cluster and language label for each input line', load: async () => (await import('../../training/cli/predict.js')).command },
  inspect: { summary: 'show each cluster: weight, label, top n-grams, sample texts', load: async () => (await import('../../training/cli/inspect.js')).command },
  stream: { summary: 'classify a live stream in micro-batches, keep chosen clusters/languages', load: async () => (await import('./stream.js')).command },
  eval: { summary: 'score a model against labelled texts (NMI, ARI, purity, accuracy)', load: async () => (await import('../../training/cli/eval.js')).command },
  collect: { summary: 'collect tweets from Twitter or Kafka into JSONL files or a topic', load: async () => (await import('./commands/collect.js')).command },
  examine: { summary: 'explore collected tweets with DuckDB: schema, counts by lang/cluster, SQL', load: async () => (await import('./commands/examine.js')).command },
  rules: { summary: 'list, add or delete the Twitter filtered-stream rules', load: async () => (await import('./commands/rules.js')).command },
  updater: { summary: 'fold classifier members\' statistics into the model (distributed StreamingKMeans)', load: async () => (await import('./commands/updater.js')).command },
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: tweetlang <command> [options]',
    '',
    'Groups tweets by language without labels (HashingTF bigrams + k-means) and filters live streams by group.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`),
    '',
    'Run `tweetlang <command> --help` for a command\'s options.',
    'Environment: LOG_LEVEL (info), TWEETLANG_BACKEND (auto|tensorflow|wasm|cpu), KAFKA_BROKERS, TWITTER_BEARER_TOKEN.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  registerSecrets(secretsFromEnv(io.env)); // scrubbed from every log line (src/secrets.ts)
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainUsage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(version() + '\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`tweetlang: unknown command ${JSON.stringify(name)}; run \`tweetlang --help\` for the list [E_USAGE]\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, io, name);
  }
}

export function reportError(err: unknown, io: CliIO, command: string): number {
  if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return 0; // the reader of stdout went away
  if (err instanceof UsageError) {
    io.stderr.write(`tweetlang ${command}: ${err.message}; see \`tweetlang ${command} --help\` [${err.code}]\n`);
    return 2;
  }
  if (err instanceof AppError) {
    io.stderr.write(`tweetlang ${command}: ${err.message} [${err.code}]\n`);
    return 1;
  }
  io.stderr.write(`tweetlang ${command}: internal error: ${errorMessage(err).split('\n')[0]} [E_INTERNAL]\n`);
  if (io.env.TWEETLANG_DEBUG) io.stderr.write(String((err as Error)?.stack) + '\n');
  return 70;
}
