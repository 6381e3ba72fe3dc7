/**
 * Lines -> SourceRecords for the line-based sources (replay, socket, folder, stdin): JSON lines or plain
 * text (auto: decided by the first non-empty line), each record carrying the byte offset to resume after
 * it. Unreadable lines (invalid UTF-8, over-long, bad JSON, no text) are counted by reason and skipped.
 */
import type { Line } from '../io/lines.js';
import { detectFormat, parseLine, type InputFormat } from '../io/records.js';
import type { Clock } from '../stream/clock.js';
import { countSkip, type SourceCounters, type SourceRecord } from './types.js';

export interface LineRecordOptions {
  partition: string;
  format: InputFormat;
  counters: SourceCounters;
  clock: Clock;
}

export async function* linesToRecords(lines: AsyncIterable<Line>, o: LineRecordOptions): AsyncGenerator<SourceRecord> {
  let format = o.format === 'auto' ? undefined : o.format;
  for await (const line of lines) {
    if (!format && line.text !== null && line.text.trim() !== '') format = detectFormat(line.text);
    const parsed = parseLine(line, format ?? 'text');
    if ('skip' in parsed) {
      countSkip(o.counters, parsed.skip);
      continue;
    }
    o.counters.records++;
    yield { value: parsed.record, partition: o.partition, next: line.nextOffset, receivedAt: o.clock.now() };
  }
}
