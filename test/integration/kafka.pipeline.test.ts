/**
 * Against a real broker (KAFKA_BROKERS): tweets produced to a topic are read by the Kafka source in a
 * consumer group, classified with the bundled model, and the matching ones written by the Kafka sink to
 * a per-label topic; offsets are committed only after the outputs are acknowledged.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createKafkaSource } from '../../src/sources/kafka.js';
import { createKafkaSink } from '../../src/sinks/kafka.js';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { HEADERS } from '../../src/kafka/messages.js';
import { AppError } from '../../src/errors.js';
import type { Sink } from '../../src/sinks/types.js';
import { describeKafka, useKafka, randomName, readTopic, testLog } from '../helpers/kafka.js';
import { runMiniPipeline } from '../helpers/mini-pipeline.js';
import { corpus } from '../helpers/texts.js';

describeKafka('Kafka source -> classify -> Kafka sink', () => {
  const fx = useKafka();
  let holder: ModelHolder;
  const brokers = () => ({ brokers: process.env.KAFKA_BROKERS!.split(',') });

  beforeAll(async () => {
    holder = new ModelHolder((await loadModelOrDefault(undefined)).model, 'default');
  });


  async function produce(topic: string, rows: Array<{ id: string; text: string; lang: string }>) {
    const p = fx.kafka.producer();
    await p.connect();
    await p.send({ topic, messages: rows.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await p.disconnect();
  }

  async function committed(group: string, topic: string): Promise<Record<number, string>> {
    const [t] = await fx.admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries(t.partitions.map((p) => [p.partition, p.offset]));
  }

  async function ends(topic: string): Promise<Record<number, string>> {
    return Object.fromEntries((await fx.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  }

  it('writes exactly the Spanish-labelled tweets to tweets.lang.spa, with headers, then commits', async () => {
    const base = randomName('tl');
    const input = await fx.janitor.create(`${base}.in`, 2);
    const template = `${base}.lang.{label}`;
    const outSpa = `${base}.lang.spa`;
    fx.janitor.track(outSpa);
    const group = randomName('g');
    const rows = corpus(48);
    await produce(input, rows);
    const predictor = new Predictor(holder.current.model);
    const expected = rows.filter((r) => predictor.predict(r.text).label === 'spa');
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(rows.length);

    const ac = new AbortController();
    const source = createKafkaSource({ topic: input, groupId: group, client: brokers(), log: testLog() });
    const sink = createKafkaSink({ topic: template, client: brokers(), createTopics: true, numPartitions: 1, log: testLog() });
    let seen = 0;
    const run = runMiniPipeline({
      source,
      sinks: [sink],
      holder,
      keep: (p) => p.label === 'spa',
      batchSize: 10,
      signal: ac.signal,
      onBatch: ({ records }) => {
        seen += records.length;
        if (seen >= rows.length) ac.abort();
      },
    });
    await run;
    await sink.close();
    expect(source.counters.records).toBe(rows.length);
    expect(sink.counters.topics).toEqual([outSpa]);

    const out = await readTopic(fx.kafka, outSpa, (m) => m.length >= expected.length);
    expect(out.map((m) => m.key).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const m of out) {
      const value = JSON.parse(m.value);
      const want = predictor.predict(value.text);
      expect(m.headers[HEADERS.label]).toBe('spa');
      expect(m.headers[HEADERS.cluster]).toBe(String(want.cluster));
      expect(m.headers[HEADERS.modelVersion]).toBe(String(holder.version));
      expect(value).toMatchObject({ id: m.key, label: 'spa', cluster: want.cluster });
    }
    expect(await committed(group, input)).toEqual(await ends(input));
  });

  it('does not commit when the outputs fail; the next member reads those records again', async () => {
    const base = randomName('tl');
    const input = await fx.janitor.create(`${base}.in`, 1);
    const output = await fx.janitor.create(`${base}.out`, 1);
    const group = randomName('g');
    await produce(input, corpus(10, 'a'));

    // first member: its sink fails on the first batch with a fatal error
    const failing: Sink = {
      name: 'failing',
      write: async () => {
        throw new AppError('E_TEST_SINK', 'disk on fire');
      },
      close: async () => undefined,
    };
    const ac1 = new AbortController();
    const s1 = createKafkaSource({ topic: input, groupId: group, client: brokers(), log: testLog() });
    await expect(runMiniPipeline({ source: s1, sinks: [failing], holder, batchSize: 100, signal: ac1.signal })).rejects.toMatchObject({ code: 'E_TEST_SINK' });
    await s1.close();
    expect((await committed(group, input))[0]).toBe('-1');

    // second member of the same group: everything is read again and written
    const ac2 = new AbortController();
    const s2 = createKafkaSource({ topic: input, groupId: group, client: brokers(), log: testLog() });
    const sink = createKafkaSink({ topic: output, client: brokers(), log: testLog() });
    await runMiniPipeline({ source: s2, sinks: [sink], holder, batchSize: 100, signal: ac2.signal, onBatch: () => ac2.abort() });
    await sink.close();
    const out = await readTopic(fx.kafka, output, (m) => m.length >= 10);
    expect(out.map((m) => m.key).sort()).toEqual(corpus(10, 'a').map((r) => r.id).sort());
    expect((await committed(group, input))[0]).toBe('10');
  });

  it('resumes from the checkpoint when it is ahead of the committed offset, never behind it', async () => {
    const input = await fx.janitor.create(`${randomName('tl')}.in`, 1);
    const group = randomName('g');
    await produce(input, corpus(10, 'r'));
    await fx.admin.setOffsets({ groupId: group, topic: input, partitions: [{ partition: 0, offset: '2' }] });
    const first = async (resume: Record<string, string>) => {
      const ac = new AbortController();
      const source = createKafkaSource({ topic: input, groupId: group, client: brokers(), log: testLog() });
      try {
        for await (const r of source.open({ signal: ac.signal, log: testLog(), resume })) return r;
      } finally {
        ac.abort();
        await source.close();
      }
    };
    // checkpoint ahead (outputs up to offset 6 were durable but the commit was lost): start there
    expect((await first({ [`${input}/0`]: '6' }))?.value.id).toBe('r6');
    // a stale checkpoint (behind the group's commit) does not rewind the group
    expect((await first({ [`${input}/0`]: '1' }))?.value.id).toBe('r2');
  });

  it('fails clearly on a topic that does not exist (no auto-creation)', async () => {
    const missing = randomName('missing');
    const sink = createKafkaSink({ topic: missing, client: brokers(), log: testLog() });
    const rec = { value: { text: 'hola', id: '1' }, partition: 'x/0', next: '1', receivedAt: 0 };
    await expect(sink.write({ time: 0, items: [{ record: rec, cluster: 0, label: 'spa', distance: 0, modelVersion: 1 }] })).rejects.toMatchObject({
      code: 'E_KAFKA_UNKNOWN_TOPIC',
      retriable: false,
    });
    await sink.close();
    const source = createKafkaSource({ topic: missing, groupId: randomName('g'), client: brokers(), log: testLog() });
    const it = source.open({ signal: new AbortController().signal, log: testLog() })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'E_KAFKA_UNKNOWN_TOPIC' });
    await source.close();
  });
});
