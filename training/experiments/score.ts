/**
 * Scores the output of `tweetlang predict` against the labelled input it read (line by line):
 *
 *   npx tweetlang predict --input unseen.jsonl > pred.jsonl
 *   node --import tsx training/experiments/score.ts unseen.jsonl pred.jsonl [--known eng,spa,...]
 *
 * Known languages (default: the 20) are scored for NMI of the clusters, label accuracy and per-language
 * precision/recall; texts of other languages for the share labelled unknown (null).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { labelReport, nmi } from '../metrics.js';
import { KNOWN_LANGUAGES } from '../udhr.js';

const { values, positionals } = parseArgs({ options: { known: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 2) {
  process.stderr.write('usage: score.ts LABELLED.jsonl PREDICTIONS.jsonl [--known LIST]\n');
  process.exit(2);
}
const lines = (f: string) => readFileSync(f, 'utf8').trimEnd().split('\n');
const truth = lines(positionals[0]).map((l) => JSON.parse(l) as { lang?: string; kind?: string });
const preds = lines(positionals[1]).map((l) => JSON.parse(l) as { cluster: number | null; label: string | null });
if (truth.length !== preds.length) throw new Error(`${truth.length} labelled lines but ${preds.length} predictions`);
const known = new Set(values.known ? values.known.split(',') : KNOWN_LANGUAGES);

const t: string[] = [];
const p: Array<string | null> = [];
const c: number[] = [];
let unseen = 0;
let unseenNull = 0;
truth.forEach((r, i) => {
  if (!r.lang) return;
  if (known.has(r.lang)) {
    t.push(r.lang);
    p.push(preds[i].label);
    c.push(preds[i].cluster ?? -1);
  } else {
    unseen++;
    if (preds[i].label === null) unseenNull++;
  }
});
const lr = labelReport(p, t);
const out = [
  `known-language texts ${t.length}: NMI ${nmi(c, t).toFixed(4)}, label accuracy ${lr.accuracy.toFixed(4)}, labelled unknown ${(100 * lr.unknownRate).toFixed(1)}%`,
  `other-language texts ${unseen}: labelled unknown ${unseen ? ((100 * unseenNull) / unseen).toFixed(1) : '-'}%`,
  'lang  precision  recall  support',
  ...Object.entries(lr.perLabel)
    .filter(([, s]) => s.support > 0)
    .map(([l, s]) => `${l.padEnd(5)} ${s.precision.toFixed(4).padStart(9)} ${s.recall.toFixed(4).padStart(7)} ${String(s.support).padStart(8)}`),
];
process.stdout.write(out.join('\n') + '\n');
