/** How a classified record is written out (files, Kafka, SSE): one flat JSON object per record. */
import type { Classified } from './types.js';

export interface ClassifiedJSON {
  id?: string;
  text: string;
  lang?: string;
  createdAt?: string;
  cluster: number | null;
  label: string | null;
  distance: number | null;
  modelVersion: number;
  /** Where it came from and where to resume after it. */
  partition: string;
  next: number | string;
  receivedAt: number;
}

export function classifiedToJSON(c: Classified): ClassifiedJSON {
  const v = c.record.value;
  const out: ClassifiedJSON = { text: v.text, cluster: c.cluster, label: c.label, distance: c.distance, modelVersion: c.modelVersion, partition: c.record.partition, next: c.record.next, receivedAt: c.record.receivedAt };
  if (v.id !== undefined) out.id = v.id;
  if (v.lang !== undefined) out.lang = v.lang;
  if (v.createdAt !== undefined) out.createdAt = v.createdAt;
  return out;
}

/** JSON lines, one per record (each line ends with a newline). */
export function toJSONLines(items: readonly Classified[]): string {
  let s = '';
  for (const c of items) s += JSON.stringify(classifiedToJSON(c)) + '\n';
  return s;
}

/** One human line: "[spa #3] text" (line breaks in the text become spaces). */
export function classifiedLine(c: Classified): string {
  const tag = c.cluster === null ? 'none' : `${c.label ?? '?'} #${c.cluster}`;
  return `[${tag}] ${c.record.value.text.replace(/\s*[\r\n]+\s*/g, ' ')}`;
}
