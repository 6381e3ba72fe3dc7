/**
 * The Kafka side of the CLI against a real broker: `collect` from a topic into files (offsets committed),
 * from Twitter into a topic, and `updater` starting, creating its topics, publishing the initial model
 * and stopping cleanly on SIGTERM.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { runCli, spawnCli } from '../helpers/cli.js';
import { describeKafka, useKafka, randomName, readTopic, waitFor } from '../helpers/kafka.js';
import { startFakeTwitter, type FakeTwitter } from '../helpers/twitter-server.js';
import { corpus } from '../helpers/texts.js';
import { MODEL_HEADERS } from '../../src/distributed/model-topic.js';

describeKafka('Kafka CLI commands', () => {
  const fx = useKafka();
  let dir: string;
  let twitter: FakeTwitter;
  const brokers = process.env.KAFKA_BROKERS!;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-kcli-'));
    twitter = await startFakeTwitter('tok-kafka-cli');
  });

  afterAll(async () => {
    await twitter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collect --source kafka:TOPIC --out DIR --max N writes files and commits what it wrote', async () => {
    const topic = await fx.janitor.create(randomName('cin'), 1);
    const rows = corpus(12, 'c');
    const p = fx.kafka.producer();
    await p.connect();
    await p.send({ topic, messages: rows.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await p.disconnect();
    const group = randomName('cg');
    const out = path.join(dir, 'k1');
    const r = await runCli(['collect', '--source', `kafka:${topic}`, '--out', out, '--max', '10', '--every', '100ms', '--brokers', brokers, '--group', group]);
    expect(r.code).toBe(0);
    const lines = readdirSync(out).flatMap((f) => readFileSync(path.join(out, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(rows.slice(0, 10).map((x) => x.id));
    const [offsets] = await fx.admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(offsets.partitions[0].offset).toBe('10');
  });

  it('collect --source twitter --to kafka:TOPIC produces the tweets', async () => {
    const topic = await fx.janitor.create(randomName('cout'), 1);
    twitter.plans = [{ tweets: Array.from({ length: 3 }, (_, i) => ({ id: String(500 + i), text: `hola ${i}`, lang: 'es' })), then: 'keepalive' }];
    const r = await runCli(['collect', '--source', 'twitter', '--to', `kafka:${topic}`, '--max', '3', '--brokers', brokers], {
      env: { TWITTER_BEARER_TOKEN: 'tok-kafka-cli', TWITTER_API_BASE: twitter.base },
    });
    expect(r.code).toBe(0);
    const msgs = await readTopic(fx.kafka, topic, (m) => m.length >= 3);
    expect(msgs.map((m) => [m.key, JSON.parse(m.value).text])).toEqual([
      ['500', 'hola 0'],
      ['501', 'hola 1'],
      ['502', 'hola 2'],
    ]);
    const missing = await runCli(['collect', '--source', 'twitter', '--to', `kafka:${randomName('nope')}`, '--max', '1', '--brokers', brokers], {
      env: { TWITTER_BEARER_TOKEN: 'tok-kafka-cli', TWITTER_API_BASE: twitter.base },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist \(create it, or pass --create-topics\) \[E_KAFKA_UNKNOWN_TOPIC\]/);
  });

  it('updater creates its topics, publishes the initial model and stops on SIGTERM', async () => {
    const base = randomName('upd');
    fx.janitor.track(`${base}.stats`);
    fx.janitor.track(`${base}.model`);
    const child = spawnCli(['updater', '--brokers', brokers, '--stats-topic', `${base}.stats`, '--model-topic', `${base}.model`, '--create-topics', '--grace', '1s']);
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
    try {
      await waitFor(() => err.includes('updater: running'), 'the updater to start', 60_000);
      const topics = await fx.admin.fetchTopicMetadata({ topics: [`${base}.model`] });
      expect(topics.topics[0].partitions).toHaveLength(1);
      const msgs = await readTopic(fx.kafka, `${base}.model`, (m) => m.length >= 1);
      expect(msgs[0].key).toBe('model');
      expect(msgs[0].headers[MODEL_HEADERS.version]).toBe('1');
      expect(JSON.parse(msgs[0].value).format).toBe('tweetlang-model');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(err).toContain('updater: stopped');
    const bad = await runCli(['updater', '--brokers', brokers, '--decay', '2']);
    expect(bad.code).toBe(2);
  });
});
