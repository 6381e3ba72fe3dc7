/**
 * What goes on the wire: record values read from a topic, and the messages the sink writes. Pure.
 *
 * Input values are a tweet as JSON (`{"text": ..., "lang": ..., "id": ...}` or the Twitter v2
 * `{"data": {...}}` envelope) or a plain UTF-8 text. Output messages carry the tweet and its
 * classification as JSON (readable again by the Kafka source, so pipelines chain), keyed by tweet id,
 * with the cluster, label, model version and batch time also in headers so that consumers can route
 * without parsing the value.
 */
import type { Classified, OutputBatch } from '../sinks/types.js';
import { recordFromObject, type ParsedLine } from '../io/records.js';
import { topicFor } from './spec.js';

export const HEADERS = {
  cluster: 'tweetlang-cluster',
  label: 'tweetlang-label',
  modelVersion: 'tweetlang-model-version',
  batchTime: 'tweetlang-batch-time',
  source: 'tweetlang-source',
} as const;

export const DEFAULT_MAX_VALUE_BYTES = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one message value into a record, or says why it is skipped. */
export function recordFromValue(value: Uint8Array | null, maxBytes = DEFAULT_MAX_VALUE_BYTES): ParsedLine {
  if (value === null || value.length === 0) return { skip: 'empty' };
  if (value.length > maxBytes) return { skip: 'too-long' };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { skip: 'invalid-utf8' };
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) return { skip: 'empty' };
  if (trimmed.startsWith('{')) {
    let o: unknown;
    try {
      o = JSON.parse(trimmed);
    } catch {
      return { skip: 'not-json' };
    }
    return recordFromObject(o);
  }
  return { record: { text } };
}

/** Headers for one classified record (Kafka header values are strings here). */
export function buildHeaders(item: Classified, batchTime: number): Record<string, string> {
  const h: Record<string, string> = {
    [HEADERS.cluster]: item.cluster === null ? 'none' : String(item.cluster),
    [HEADERS.label]: item.label ?? 'unknown',
    [HEADERS.modelVersion]: String(item.modelVersion),
    [HEADERS.batchTime]: String(batchTime),
  };
  if (typeof item.record.next === 'string' || typeof item.record.next === 'number') {
    h[HEADERS.source] = `${item.record.partition}@${item.record.next}`;
  }
  return h;
}

/** The JSON value written for one classified record. */
export function outputValue(item: Classified, batchTime: number): string {
  const r = item.record.value;
  return JSON.stringify({
    id: r.id ?? null,
    text: r.text,
    lang: r.lang ?? null,
    created_at: r.createdAt ?? null,
    cluster: item.cluster,
    label: item.label,
    distance: item.distance,
    modelVersion: item.modelVersion,
    batchTime,
  });
}

export interface OutMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** A batch's messages grouped by destination topic (topic order and record order kept). */
export function messagesByTopic(batch: OutputBatch, template: string): Map<string, OutMessage[]> {
  const out = new Map<string, OutMessage[]>();
  for (const item of batch.items) {
    const topic = topicFor(template, item);
    let list = out.get(topic);
    if (!list) out.set(topic, (list = []));
    list.push({ key: item.record.value.id ?? null, value: outputValue(item, batch.time), headers: buildHeaders(item, batch.time) });
  }
  return out;
}
