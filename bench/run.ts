/**
 * `npm run bench` runs every bench; `npm run bench -- classify train` runs those. Each bench measures
 * tweetlang and its peer in the same run and prints one line per figure with the ratio.
 *
 * Options: --reps N (medians over N runs, default 5), --quick (small inputs, a smoke run),
 * --json FILE and --markdown FILE (write the figures), --list.
 *
 * To add a bench: write bench/NAME.ts exporting `bench: BenchModule`, and add one line to BENCHES.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bench as classify } from './classify.js';
import { bench as featurize } from './featurize.js';
import { bench as scaling } from './scaling.js';
import { bench as train } from './train.js';
import { apiBench, streamBench } from './lib/external.js';
import { figureLine, machineInfo, markdownTables } from './lib/report.js';
import type { BenchModule, Figure } from './lib/types.js';

/** The registry: one entry per bench module. */
export const BENCHES: readonly BenchModule[] = [classify, featurize, train, scaling, streamBench, apiBench];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reps: { type: 'string', default: '5' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      markdown: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || values.list) {
    process.stdout.write(
      `usage: npm run bench -- [NAME ...] [--reps N] [--quick] [--json FILE] [--markdown FILE]\n\nbenches:\n${BENCHES.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join('\n')}\n`,
    );
    return 0;
  }
  const unknown = positionals.filter((p) => !BENCHES.some((b) => b.name === p));
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; benches: ${BENCHES.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) {
    process.stderr.write('--reps must be an integer >= 1\n');
    return 2;
  }
  const selected = positionals.length > 0 ? BENCHES.filter((b) => positionals.includes(b.name)) : BENCHES;
  const machine = await machineInfo();
  process.stdout.write(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; tfjs ${machine.tfjsBackend}; ${machine.sklearn}; load ${machine.load}\n`,
  );
  const figures: Figure[] = [];
  const started = Date.now();
  for (const b of selected) {
    await b.run({
      reps,
      quick: values.quick,
      report: (f) => {
        figures.push(f);
        process.stdout.write(`${figureLine(f)}\n`);
      },
      info: (msg) => process.stderr.write(`${msg}\n`),
    });
  }
  const failed = figures.filter((f) => f.pass === false).length;
  process.stdout.write(`${figures.length} figures, ${failed} below target, ${((Date.now() - started) / 1000).toFixed(0)} s; load now ${(await machineInfo()).load}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ machine, figures }, null, 2));
  if (values.markdown) writeFileSync(values.markdown, markdownTables(figures));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
