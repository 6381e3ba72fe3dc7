/** Reads a whole input file (JSONL or text lines) into records, skipping bad lines with counts. */
import { promises as fs } from 'node:fs';
import { fromSystemError, InputError } from '../errors.js';
import { readFileLines, splitLines, type Line } from './lines.js';
import { detectFormat, parseLine, SkipCounter, type InputFormat, type TextRecord } from './records.js';

export interface ReadRecordsOptions {
  format?: InputFormat;
  maxLineBytes?: number;
  /** Stop after this many records. */
  limit?: number;
}

export interface ReadRecordsResult {
  records: TextRecord[];
  skipped: SkipCounter;
  format: Exclude<InputFormat, 'auto'>;
  lines: number;
}

/** Records of a file, or of stdin when `file` is '-'. */
export async function readRecords(file: string, opts: ReadRecordsOptions = {}): Promise<ReadRecordsResult> {
  let lines: AsyncIterable<Line>;
  if (file === '-') {
    lines = splitLines(process.stdin, { maxLineBytes: opts.maxLineBytes });
  } else {
    try {
      const st = await fs.stat(file);
      if (st.isDirectory()) throw new InputError('E_IS_DIRECTORY', `${file}: is a directory, expected a file`);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw fromSystemError(err, file);
    }
    lines = readFileLines(file, { maxLineBytes: opts.maxLineBytes });
  }
  return collectRecords(lines, opts);
}

export async function collectRecords(lines: AsyncIterable<Line>, opts: ReadRecordsOptions = {}): Promise<ReadRecordsResult> {
  const records: TextRecord[] = [];
  const skipped = new SkipCounter();
  let format: Exclude<InputFormat, 'auto'> | undefined = opts.format === 'auto' ? undefined : opts.format;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!format) {
      if (line.text === null || line.text.trim() === '') {
        skipped.add(line.error ?? 'empty');
        continue;
      }
      format = detectFormat(line.text);
    }
    const p = parseLine(line, format);
    if ('skip' in p) skipped.add(p.skip);
    else {
      records.push(p.record);
      if (opts.limit !== undefined && records.length >= opts.limit) break;
    }
  }
  return { records, skipped, format: format ?? 'text', lines: n };
}
