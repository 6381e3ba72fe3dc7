/**
 * `tweetlang stream` with Kafka on both ends, as an operator runs it (the real CLI in child processes):
 *   tweetlang stream --source kafka:IN --brokers B --group G --lang spa --sink kafka:OUT.lang.{label}
 * and two such members joined to the distributed model with `tweetlang updater`.
 */
import { afterAll, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { spawnCli } from '../helpers/cli.js';
import { describeKafka, useKafka, randomName, readTopic, waitFor } from '../helpers/kafka.js';
import { corpus } from '../helpers/texts.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { MODEL_HEADERS } from '../../src/distributed/model-topic.js';

describeKafka('tweetlang stream with Kafka', () => {
  const fx = useKafka();
  const children: ChildProcess[] = [];
  const brokers = process.env.KAFKA_BROKERS!;


  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function start(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawnCli(args, { env });
    children.push(child);
    const out = { stderr: '', stdout: '' };
    child.stderr!.setEncoding('utf8').on('data', (d) => (out.stderr += d));
    child.stdout!.setEncoding('utf8').on('data', (d) => (out.stdout += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    return { child, out, exited };
  }

  async function produce(topic: string, rows: Array<{ id: string; text: string; lang: string }>) {
    const p = fx.kafka.producer();
    await p.connect();
    await p.send({ topic, messages: rows.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await p.disconnect();
  }

  it('classifies a topic into per-label topics and commits, then stops cleanly on SIGTERM', async () => {
    const base = randomName('st');
    const input = await fx.janitor.create(`${base}.in`, 2);
    fx.janitor.track(`${base}.lang.spa`);
    const group = randomName('g');
    const rows = corpus(30, 's');
    const predictor = new Predictor((await loadModelOrDefault(undefined)).model);
    const expected = rows.filter((r) => predictor.predict(r.text).label === 'spa').map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThan(3);
    await produce(input, rows);

    const m = start(['stream', '--source', `kafka:${input}`, '--brokers', brokers, '--group', group, '--lang', 'spa', '--sink', `kafka:${base}.lang.{label}`, '--create-topics', '--batch-ms', '200']);
    await waitFor(async () => (await fx.admin.listTopics()).includes(`${base}.lang.spa`), 'the sink to create the output topic', 60_000, 200);
    const out = await readTopic(fx.kafka, `${base}.lang.spa`, (msgs) => msgs.length >= expected.length, 60_000);
    expect(out.map((x) => x.key).sort()).toEqual(expected);
    await waitFor(async () => {
      const [t] = await fx.admin.fetchOffsets({ groupId: group, topics: [input] });
      return t.partitions.reduce((a, x) => a + Math.max(0, Number(x.offset)), 0) === rows.length;
    }, 'the offsets of every record to be committed', 30_000);
    m.child.kill('SIGTERM');
    expect(await m.exited).toBe(0);
    expect(m.out.stderr).toMatch(/tweetlang stream: \d+ batches, 30 records, \d+ matched/);
  });

  it('two members and the updater: statistics flow to the updater and new versions back to the members', async () => {
    const base = randomName('dm');
    const input = await fx.janitor.create(`${base}.in`, 2);
    const statsTopic = `${base}.stats`;
    const modelTopic = `${base}.model`;
    fx.janitor.track(statsTopic);
    fx.janitor.track(modelTopic);
    const group = randomName('g');
    const u = start(['updater', '--brokers', brokers, '--stats-topic', statsTopic, '--model-topic', modelTopic, '--create-topics', '--grace', '2s', '--decay', '0.9']);
    await waitFor(() => u.out.stderr.includes('updater: running'), 'the updater to start', 60_000);
    const members = [0, 1].map(() =>
      start(['stream', '--source', `kafka:${input}`, '--brokers', brokers, '--group', group, '--sink', 'console:1', '--batch-ms', '500', '--stats-topic', statsTopic, '--model-topic', modelTopic], { LOG_LEVEL: 'info' }),
    );
    await produce(input, corpus(40, 'd'));
    // the updater folds rounds with both members' statistics and publishes versions; members load them
    await waitFor(() => /updater: model version [2-9]/.test(u.out.stderr), 'a folded model version', 60_000);
    await waitFor(() => members.every((x) => /"msg":"loaded a new model version"/.test(x.out.stderr)), 'both members to load a new version', 60_000);
    const models = await readTopic(fx.kafka, modelTopic, (msgs) => msgs.some((x) => Number(x.headers[MODEL_HEADERS.version]) >= 2), 30_000);
    const newest = models.at(-1)!;
    expect(Number(newest.headers[MODEL_HEADERS.version])).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(newest.headers[MODEL_HEADERS.resume])).toBeTypeOf('object');
    expect(JSON.parse(newest.value).updates).toBeGreaterThanOrEqual(1);
    for (const x of [...members, u]) x.child.kill('SIGTERM');
    for (const x of [...members, u]) expect(await x.exited).toBe(0);
  }, 180_000);

  it('says what is missing: a kafka: source without --group', async () => {
    const r = start(['stream', '--source', 'kafka:whatever', '--brokers', brokers]);
    expect(await r.exited).toBe(1);
    expect(r.out.stderr.trim()).toBe('tweetlang stream: kafka:whatever needs a consumer group: --group NAME (or KAFKA_GROUP) [E_KAFKA_CONFIG]');
  });
});
