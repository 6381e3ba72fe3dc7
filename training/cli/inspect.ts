/** `tweetlang inspect`: per cluster its weight, label, top n-grams and sample texts. */
import { flag, int, parse, str } from '../../src/cli/args.js';
import type { CliIO, Command } from '../../src/cli/io.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { describeModel, clusterSummaries } from '../../src/clustering/describe.js';

const usage = `Usage: tweetlang inspect [--model PATH] [--top N] [--samples N] [--json]

Prints each cluster's weight, label, majority-language share, top n-grams and sample training texts:
the reference app's way of choosing the cluster to keep.

Options:
  --model PATH     model file or store folder (default: the bundled model)
  --top N          n-grams per cluster (default 10)
  --samples N      sample texts per cluster (default 3)
  --json           machine-readable output
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, { model: { type: 'string', short: 'm' }, top: { type: 'string' }, samples: { type: 'string' }, json: { type: 'boolean' } });
  const { model, path } = await loadModelOrDefault(str(p, 'model'));
  const top = int(p, 'top', 0, 1000) ?? 10;
  const nSamples = int(p, 'samples', 0, 100) ?? 3;
  const clusters = clusterSummaries(model, { top, samples: nSamples });
  if (flag(p, 'json')) {
    io.stdout.write(JSON.stringify({ model: path, ...describeModel(model), clusters }) + '\n');
    return 0;
  }
  const d = describeModel(model);
  io.stdout.write(`model ${path}: version ${d.version}, k=${d.k}, ${d.distance}, ${d.featuresText}; ${d.updates} streaming updates\n`);
  if (model.training) io.stdout.write(`trained on ${model.training.texts} texts, ${model.training.iterations} iterations, cost ${model.training.cost.toPrecision(6)}\n`);
  io.stdout.write('\n');
  for (const c of clusters) {
    const share = c.labelShare === null ? '' : ` (${(100 * c.labelShare).toFixed(0)}% of its texts)`;
    io.stdout.write(`cluster ${c.cluster}  weight ${c.weight.toFixed(1)}  label ${c.label ?? '-'}${share}\n`);
    io.stdout.write(`  top n-grams: ${c.topTerms.map((t) => JSON.stringify(t.term)).join(' ')}\n`);
    for (const s of c.samples) io.stdout.write(`  | ${s.replace(/\s+/g, ' ').slice(0, 140)}\n`);
    io.stdout.write('\n');
  }
  return 0;
}

export const command: Command = { name: 'inspect', summary: 'inspect', usage, run };
