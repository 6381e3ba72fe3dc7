/** `tweetlang train`: argument parsing and printing only; the work is train() in training/train.ts. */
import { choice, flag, int, parse, required } from '../../src/cli/args.js';
import type { CliIO, Command } from '../../src/cli/io.js';
import { createProgress } from '../../src/cli/progress.js';
import { describeFeatures } from '../../src/features/settings.js';
import { readRecords } from '../../src/io/read-records.js';
import { INPUT_FORMATS } from '../../src/io/records.js';
import { InputError } from '../../src/errors.js';
import { saveModel } from '../../src/store/model-store.js';
import { train } from '../train.js';
import { resolveTrainFlags, TRAIN_FLAGS, TRAIN_FLAGS_HELP } from './train-options.js';

const usage = `Usage: tweetlang train --input FILE --out PATH [options]

Trains k-means on character n-gram features of the texts in FILE and writes the model.
FILE holds JSON lines with a "text" field (and optional "lang", used to label clusters by majority
language) or plain text lines; "-" reads stdin. Bad lines are skipped and counted.
PATH ending in .json is written as one file; any other PATH is a model store folder that gets the
next version (model-000001.json, ...) and a CURRENT pointer. Writes are atomic.

Input options:
  --input FILE             input file, or - for stdin (required)
  --out PATH               model file (.json) or model store folder (required)
  --format F               auto | jsonl | text (default auto: JSON when the first line starts with "{")
  --limit N                use at most N texts
  --quiet                  no progress on stderr
  --json                   print a JSON summary on stdout

${TRAIN_FLAGS_HELP}
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, {
    ...TRAIN_FLAGS,
    input: { type: 'string', short: 'i' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    limit: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  });
  const input = required(p, 'input');
  const out = required(p, 'out');
  const format = choice(p, 'format', INPUT_FORMATS) ?? 'auto';
  const limit = int(p, 'limit', 1);
  const opts = resolveTrainFlags(p);
  const quiet = flag(p, 'quiet');
  const progress = createProgress(io.stderr, io.isTTY, 'train', quiet);

  const { records, skipped, format: used } = await readRecords(input, { format, limit });
  if (skipped.total > 0) progress.line(`skipped ${skipped.total} input lines: ${skipped.summary()}`);
  if (records.length === 0) throw new InputError('E_EMPTY_INPUT', `${input}: no usable text (${skipped.total} lines skipped)`);
  if (opts.seeding && !records.some((r) => r.lang)) {
    if (opts.seedingExplicit) throw new InputError('E_NO_LABELS', `${input}: --seeding labels needs texts with a "lang" field`);
    progress.line('no input text has a "lang": unsupervised k-means (--seeding none)');
    opts.seeding = undefined;
  }
  const k = opts.kmeans.k;
  // an explicit --k is checked even when seeding derives k (languages x per-language + background)
  if ((!opts.seeding || p.values.k !== undefined) && k > records.length) {
    throw new InputError('E_K_TOO_LARGE', `k = ${k} is larger than the number of texts (${records.length})`);
  }
  if (opts.seeding && p.values.k !== undefined) {
    // not an error: the README's example passes --k 20 for 20 languages; say what decides k instead
    progress.line(`note: --k ${k} does not set k when seeding from labels: k = languages x ${opts.seeding.perLanguage} + ${opts.seeding.background} background (--seeding none for plain k-means with k clusters)`);
  }
  const how = opts.seeding
    ? `seeded from labels (${opts.seeding.perLanguage}/language, ${opts.seeding.background} background, ${opts.seeding.refine} refine iterations)`
    : `k=${opts.kmeans.k}`;
  progress.line(`read ${records.length} texts (${used}) from ${input}; ${describeFeatures(opts.features)}; ${how}, ${opts.kmeans.distance}`);

  const result = await train(records, {
    ...opts,
    skipped: skipped.toJSON(),
    input,
    onProgress: (e) => {
      if (e.phase === 'featurize') progress.update(e.done, e.total, 'featurizing');
      else if (e.phase === 'iteration') {
        const runNote = e.runs > 1 ? ` run ${e.run + 1}/${e.runs}` : '';
        progress.update(e.iteration, e.maxIterations, `cost ${e.cost.toPrecision(6)} shift ${e.shift.toExponential(2)}${runNote}`);
      } else if (e.phase === 'run-done') {
        progress.line(`run ${e.run + 1}/${e.runs}: ${e.iterations} iterations, ${e.converged ? 'converged' : 'not converged'}, cost ${e.cost.toPrecision(6)}`);
      }
    },
  });
  const version = await saveModel(out, result.model);
  const m = result.model;
  const labelled = m.labels.filter((l) => l !== null).length;
  progress.done(
    `wrote ${out} (version ${version}): k=${m.k}, ${m.training!.texts} texts, ${m.training!.iterations} iterations, cost ${m.training!.cost.toPrecision(6)}, ${labelled}/${m.k} clusters labelled, ${m.training!.durationMs} ms on ${m.training!.backend}`,
  );
  if (flag(p, 'json')) {
    io.stdout.write(
      JSON.stringify({ out, version, k: m.k, texts: m.training!.texts, skipped: m.training!.skipped, iterations: m.training!.iterations, converged: m.training!.converged, cost: m.training!.cost, labels: m.labels, backend: m.training!.backend }) + '\n',
    );
  }
  return 0;
}

export const command: Command = { name: 'train', summary: 'train a model', usage, run };
