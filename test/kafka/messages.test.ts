import { describe, expect, it } from 'vitest';
import { buildHeaders, HEADERS, messagesByTopic, recordFromValue } from '../../src/kafka/messages.js';
import type { Classified } from '../../src/sinks/types.js';

const enc = (s: string) => new TextEncoder().encode(s);

function item(id: string | undefined, cluster: number | null, label: string | null): Classified {
  return {
    record: { value: { text: `hola ${id}`, id, lang: 'es', createdAt: '2024-01-01T00:00:00.000Z' }, partition: 'tweets/1', next: '43', receivedAt: 0 },
    cluster,
    label,
    distance: cluster === null ? null : 0.25,
    modelVersion: 7,
  };
}

describe('record values', () => {
  it('reads tweets as JSON, the v2 envelope and plain text', () => {
    expect(recordFromValue(enc('{"text":"hola","lang":"es","id":"1"}'))).toEqual({ record: { text: 'hola', lang: 'es', id: '1' } });
    expect(recordFromValue(enc('{"data":{"text":"hi","id":"2","lang":"en","created_at":"2024-01-01T00:00:00Z"}}'))).toEqual({
      record: { text: 'hi', id: '2', lang: 'en', createdAt: '2024-01-01T00:00:00Z' },
    });
    expect(recordFromValue(enc('just text'))).toEqual({ record: { text: 'just text' } });
  });

  it('skips bad values with a reason', () => {
    expect(recordFromValue(null)).toEqual({ skip: 'empty' });
    expect(recordFromValue(enc('   '))).toEqual({ skip: 'empty' });
    expect(recordFromValue(enc('{"text":'))).toEqual({ skip: 'not-json' });
    expect(recordFromValue(enc('{"lang":"es"}'))).toEqual({ skip: 'no-text' });
    expect(recordFromValue(new Uint8Array([0x68, 0xff, 0x69]))).toEqual({ skip: 'invalid-utf8' });
    expect(recordFromValue(enc('x'.repeat(11)), 10)).toEqual({ skip: 'too-long' });
  });
});

describe('sink messages', () => {
  it('puts cluster, label, model version and batch time in headers', () => {
    expect(buildHeaders(item('1', 3, 'spa'), 1000)).toEqual({
      [HEADERS.cluster]: '3',
      [HEADERS.label]: 'spa',
      [HEADERS.modelVersion]: '7',
      [HEADERS.batchTime]: '1000',
      [HEADERS.source]: 'tweets/1@43',
    });
    const h = buildHeaders(item('1', null, null), 5);
    expect([h[HEADERS.cluster], h[HEADERS.label]]).toEqual(['none', 'unknown']);
  });

  it('groups a batch by templated topic, keyed by tweet id, values readable by the source', () => {
    const batch = { time: 5000, items: [item('1', 3, 'spa'), item('2', 1, 'eng'), item(undefined, 3, 'spa')] };
    const byTopic = messagesByTopic(batch, 'tweets.lang.{label}');
    expect([...byTopic.keys()]).toEqual(['tweets.lang.spa', 'tweets.lang.eng']);
    const spa = byTopic.get('tweets.lang.spa')!;
    expect(spa.map((m) => m.key)).toEqual(['1', null]);
    const value = JSON.parse(spa[0].value);
    expect(value).toMatchObject({ id: '1', text: 'hola 1', lang: 'es', cluster: 3, label: 'spa', modelVersion: 7, batchTime: 5000, distance: 0.25 });
    expect(recordFromValue(enc(spa[0].value))).toEqual({ record: { text: 'hola 1', id: '1', lang: 'es', createdAt: '2024-01-01T00:00:00.000Z' } });
    expect([...messagesByTopic(batch, 'tweets.cluster.{cluster}').keys()]).toEqual(['tweets.cluster.3', 'tweets.cluster.1']);
  });
});
