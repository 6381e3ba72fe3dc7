/**
 * Input records: JSON lines with a `text` field (optional `lang`, `id`, `kind`, `created_at`; a Twitter v2
 * `{"data": {...}}` envelope is unwrapped) or plain text lines. Bad lines are skipped with a reason.
 */
import type { Line } from './lines.js';

export type InputFormat = 'auto' | 'jsonl' | 'text';
export const INPUT_FORMATS: readonly InputFormat[] = ['auto', 'jsonl', 'text'];

export interface TextRecord {
  text: string;
  lang?: string;
  id?: string;
  kind?: string;
  createdAt?: string;
}

export type SkipReason = 'invalid-utf8' | 'too-long' | 'not-json' | 'not-object' | 'no-text' | 'empty';

export type ParsedLine = { record: TextRecord } | { skip: SkipReason };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Parses a JSON object into a record, or says why it cannot be one. */
export function recordFromObject(o: unknown): ParsedLine {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { skip: 'not-object' };
  let obj = o as Record<string, unknown>;
  if (typeof obj.text !== 'string' && typeof obj.data === 'object' && obj.data !== null && !Array.isArray(obj.data)) {
    obj = obj.data as Record<string, unknown>; // Twitter API v2 envelope
  }
  const text = obj.text;
  if (typeof text !== 'string' || text.trim().length === 0) return { skip: 'no-text' };
  const rec: TextRecord = { text };
  const lang = str(obj.lang);
  if (lang) rec.lang = lang;
  const id = typeof obj.id === 'number' ? String(obj.id) : str(obj.id);
  if (id) rec.id = id;
  const kind = str(obj.kind);
  if (kind) rec.kind = kind;
  const createdAt = str(obj.created_at) ?? str(obj.createdAt);
  if (createdAt) rec.createdAt = createdAt;
  return { record: rec };
}

export function parseLine(line: Line, format: Exclude<InputFormat, 'auto'>): ParsedLine {
  if (line.text === null) return { skip: line.error ?? 'invalid-utf8' };
  const t = line.text;
  if (t.trim().length === 0) return { skip: 'empty' };
  if (format === 'text') return { record: { text: t } };
  let o: unknown;
  try {
    o = JSON.parse(t);
  } catch {
    return { skip: 'not-json' };
  }
  return recordFromObject(o);
}

/** Guesses the format from the first non-empty line. */
export function detectFormat(firstLine: string): Exclude<InputFormat, 'auto'> {
  return firstLine.trimStart().startsWith('{') ? 'jsonl' : 'text';
}

/** Counts skipped lines by reason. */
export class SkipCounter {
  readonly counts: Partial<Record<SkipReason, number>> = {};
  add(reason: SkipReason): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
  }
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + (b ?? 0), 0);
  }
  toJSON(): Record<string, number> {
    return { ...this.counts } as Record<string, number>;
  }
  summary(): string {
    return Object.entries(this.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
  }
}
