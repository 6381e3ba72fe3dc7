/** `tweetlang predict`: one JSON line out per input line, in order, streaming. */
import { choice, parse, str } from '../../src/cli/args.js';
import { writeOut, type CliIO, type Command } from '../../src/cli/io.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { readFileLines, splitLines, type Line } from '../../src/io/lines.js';
import { detectFormat, INPUT_FORMATS, parseLine, SkipCounter, type InputFormat } from '../../src/io/records.js';
import { fromSystemError } from '../../src/errors.js';
import { promises as fs } from 'node:fs';

const usage = `Usage: tweetlang predict [--model PATH] [--input FILE|-] [--format auto|jsonl|text]

Writes one JSON line per input line, in input order:
  {"cluster": 3, "label": "spa", "distance": 0.41}
label is null when the text is too short, has no letters, is too far from every cluster, or its cluster
has no label. A line that cannot be read gets {"cluster": null, "label": null, "distance": null,
"error": "<reason>"} so that output lines stay aligned with input lines.

Options:
  --model PATH     model file or store folder (default: the bundled models/default.json)
  --input FILE     JSON lines with "text", or text lines; - or absent reads stdin
  --format F       auto | jsonl | text (default auto)
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, { model: { type: 'string', short: 'm' }, input: { type: 'string', short: 'i' }, format: { type: 'string' } });
  const input = str(p, 'input') ?? '-';
  let format: InputFormat = choice(p, 'format', INPUT_FORMATS) ?? 'auto';
  const { model } = await loadModelOrDefault(str(p, 'model'));
  const predictor = new Predictor(model);
  let lines: AsyncIterable<Line>;
  if (input === '-') lines = splitLines(io.stdin);
  else {
    try {
      if ((await fs.stat(input)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (err) {
      throw fromSystemError(err, input);
    }
    lines = readFileLines(input);
  }
  const skipped = new SkipCounter();
  let n = 0;
  let buf = '';
  for await (const line of lines) {
    n++;
    if (format === 'auto' && line.text !== null && line.text.trim() !== '') format = detectFormat(line.text);
    const parsed = parseLine(line, format === 'auto' ? 'text' : format);
    if ('skip' in parsed) {
      skipped.add(parsed.skip);
      buf += JSON.stringify({ cluster: null, label: null, distance: null, error: parsed.skip }) + '\n';
    } else {
      buf += JSON.stringify(predictor.predict(parsed.record.text)) + '\n';
    }
    if (buf.length > 64 * 1024) {
      await writeOut(io.stdout, buf);
      buf = '';
    }
  }
  if (buf) await writeOut(io.stdout, buf);
  if (skipped.total > 0) io.stderr.write(`tweetlang predict: ${n} lines, ${skipped.total} unreadable (${skipped.summary()})\n`);
  return 0;
}

export const command: Command = { name: 'predict', summary: 'predict', usage, run };
