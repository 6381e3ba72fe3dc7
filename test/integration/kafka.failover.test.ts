/**
 * At-least-once across a crash, against a real broker: a member (its own process) reads a batch, writes
 * half of its outputs and is killed (SIGKILL) before committing. Another member of the group takes its
 * partitions over after the session timeout and reads from the last committed offset: every input ends
 * up in the output topic, and the records the dead member had half-written appear twice.
 */
import { afterAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createKafkaSource } from '../../src/sources/kafka.js';
import { createKafkaSink } from '../../src/sinks/kafka.js';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { describeKafka, useKafka, randomName, readTopic, testLog, waitFor } from '../helpers/kafka.js';
import { runMiniPipeline } from '../helpers/mini-pipeline.js';
import { corpus } from '../helpers/texts.js';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/data.js';

describeKafka('Kafka member killed mid-batch', () => {
  const fx = useKafka();
  let child: ChildProcess | undefined;


  afterAll(async () => {
    child?.kill('SIGKILL');
  });

  it('loses nothing: the survivor takes the partition over and reprocesses the uncommitted records', async () => {
    const base = randomName('fo');
    const input = await fx.janitor.create(`${base}.in`, 2);
    const output = await fx.janitor.create(`${base}.out`, 2);
    const group = randomName('g');
    const brokers = process.env.KAFKA_BROKERS!.split(',');

    // member B (this process) joins first and owns both partitions
    const ac = new AbortController();
    const changes: string[][] = [];
    const source = createKafkaSource({
      topic: input,
      groupId: group,
      client: { brokers },
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      log: testLog(),
      onRebalance: (c) => void changes.push(c.owned),
    });
    const sink = createKafkaSink({ topic: output, client: { brokers }, log: testLog() });
    const holder = new ModelHolder((await loadModelOrDefault(undefined)).model, 'default');
    let processed = 0;
    const run = runMiniPipeline({ source, sinks: [sink], holder, batchSize: 10, signal: ac.signal, onBatch: ({ records }) => void (processed += records.length) });
    await waitFor(() => source.assigned.length === 2, 'member B to own both partitions', 30_000);

    // member A (its own process) joins: one partition each
    let out = '';
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/integration/fixtures/kafka-member.ts')], {
      cwd: ROOT,
      env: { ...process.env, IN_TOPIC: input, OUT_TOPIC: output, GROUP: group, BATCH: '10', STALL_AT: '3' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
    await waitFor(() => source.assigned.length === 1, 'the group to rebalance onto two members', 60_000);
    const mine = source.assigned[0];

    // 30 records on each partition
    const rows = corpus(60, 'f');
    const p = fx.kafka.producer();
    await p.connect();
    await p.send({ topic: input, messages: rows.map((r, i) => ({ key: r.id, value: JSON.stringify(r), partition: i % 2 })) });
    await p.disconnect();

    await waitFor(() => out.includes('stalled 3'), 'member A to stall mid-batch', 60_000);
    expect(out.match(/^committed /gm)).toHaveLength(2);
    await waitFor(() => processed >= 30, 'member B to process its own partition', 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;
    const [before] = await fx.admin.fetchOffsets({ groupId: group, topics: [input] });
    const theirs = before.partitions.find((x) => `${input}/${x.partition}` !== mine)!;
    expect(theirs.offset).toBe('20');

    // after A's session times out, B owns both partitions and reads A's from offset 20
    await waitFor(() => processed >= 40, 'member B to reprocess the dead member\'s uncommitted records', 60_000);
    expect(source.assigned).toHaveLength(2);
    expect(changes.at(-1)).toHaveLength(2);
    ac.abort();
    await run;
    await sink.close();
    expect(processed).toBe(40);

    const msgs = await readTopic(fx.kafka, output, (m) => m.length >= rows.length + 5);
    const ids = msgs.map((m) => m.key);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    // the 5 outputs A wrote before dying were written again by B: at-least-once, nothing lost
    expect(ids.length).toBe(rows.length + 5);
    const [after] = await fx.admin.fetchOffsets({ groupId: group, topics: [input] });
    expect(after.partitions.map((x) => x.offset).sort()).toEqual(['30', '30']);
  });
});
