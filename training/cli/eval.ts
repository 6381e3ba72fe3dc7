/** `tweetlang eval`: score a model against labelled texts. */
import { choice, flag, parse, str, required } from '../../src/cli/args.js';
import type { CliIO, Command } from '../../src/cli/io.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { InputError } from '../../src/errors.js';
import { readRecords } from '../../src/io/read-records.js';
import { evaluateBy, evaluate, formatReport } from '../evaluate.js';

const usage = `Usage: tweetlang eval --input FILE [--model PATH] [--by kind|lang] [--json]

Scores the model on JSON lines with "text" and "lang": NMI, ARI and purity of clusters against
languages, label accuracy, per-language precision and recall, and a confusion table. Texts in
languages the model has no label for are reported apart, as the share labelled unknown.
Score only texts the model was not trained on.

Options:
  --input FILE     labelled JSON lines (required)
  --model PATH     model file or store folder (default: the bundled model)
  --by FIELD       also report per kind (tweet/web) or per lang
  --json           machine-readable report on stdout
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, { input: { type: 'string', short: 'i' }, model: { type: 'string', short: 'm' }, by: { type: 'string' }, json: { type: 'boolean' } });
  const input = required(p, 'input');
  const by = choice(p, 'by', ['kind', 'lang'] as const);
  const { model, path } = await loadModelOrDefault(str(p, 'model'));
  const { records, skipped } = await readRecords(input, { format: 'jsonl' });
  if (skipped.total > 0) io.stderr.write(`tweetlang eval: skipped ${skipped.total} lines (${skipped.summary()})\n`);
  if (!records.some((r) => r.lang)) throw new InputError('E_NO_LABELS', `${input}: no record has a "lang" field to score against`);
  const reports = by ? evaluateBy(model, records, by) : { all: evaluate(model, records) };
  if (flag(p, 'json')) {
    io.stdout.write(JSON.stringify({ model: path, version: model.version, reports }) + '\n');
  } else {
    io.stdout.write(`model ${path} (version ${model.version}, k=${model.k})\n`);
    for (const [name, r] of Object.entries(reports)) io.stdout.write(formatReport(r, name) + '\n\n');
  }
  return 0;
}

export const command: Command = { name: 'eval', summary: 'evaluate', usage, run };
