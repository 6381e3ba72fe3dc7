/**
 * Distributed StreamingKMeans over a real broker: two members publish their per-round statistics to the
 * stats topic, `startUpdater` folds each round once and publishes versions on the compacted model topic,
 * and the members load them into their ModelHolders. The result equals one process doing the same batches
 * (exactly, with raw-count features). A restarted updater resumes from the model topic without folding
 * anything twice.
 */
import { afterAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ModelHolder } from '../../src/clustering/model-holder.js';
import { resolveDecay } from '../../src/clustering/streaming-kmeans.js';
import { batchStats } from '../../src/distributed/batch-stats.js';
import { followIntoHolder, modelTopicSpec, statsTopicSpec } from '../../src/distributed/model-topic.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import { createStatsPublisher } from '../../src/distributed/stats-publisher.js';
import { startUpdater, type UpdaterHandle } from '../../src/distributed/updater-service.js';
import type { Published } from '../../src/distributed/updater-core.js';
import { describeKafka, useKafka, randomName, testLog, waitFor } from '../helpers/kafka.js';
import { fakeTexts, tinyModel } from '../helpers/models.js';
import { singleProcessModels } from '../helpers/reference.js';

describeKafka('distributed StreamingKMeans over Kafka', () => {
  const fx = useKafka();
  const stops: Array<() => Promise<unknown>> = [];


  afterAll(async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  });

  it('two members plus the updater converge to the single-process model', async () => {
    const base = randomName('dk');
    const statsTopic = `${base}.stats`;
    const modelTopic = `${base}.model`;
    fx.janitor.track(statsTopic);
    fx.janitor.track(modelTopic);
    const initial = tinyModel({ k: 3 });
    const decay = resolveDecay({ decayFactor: 0.8 });
    const rounds = [0, 1, 2, 3, 4].map((r) => fakeTexts(40, 200 + r).map((t) => t.text));
    const reference = singleProcessModels(initial, rounds, decay);
    const log = testLog();

    const published: Published[] = [];
    let ac = new AbortController();
    const start = () =>
      startUpdater({ kafka: fx.kafka, statsTopic, modelTopic, initialModel: initial, decay, graceMs: 3000, memberTimeoutMs: 60_000, tickMs: 100, createTopics: true, signal: ac.signal, log, onPublish: (p) => published.push(p) });
    // topics first, so that the members can publish round 0 before the updater starts (then it hears
    // from both members in its first read; see rounds.ts for how a live updater waits for members)
    await ensureTopics(fx.admin, [statsTopicSpec(statsTopic), modelTopicSpec(modelTopic)], { create: true });

    const members = [0, 1].map((m) => {
      const holder = new ModelHolder(initial, 'initial');
      const follower = followIntoHolder(fx.kafka, modelTopic, holder, log);
      const publisher = createStatsPublisher({ kafka: fx.kafka, topic: statsTopic, member: `m${m}`, log });
      stops.push(() => follower.stop(), () => publisher.close());
      return { m, holder, follower, publisher };
    });
    await Promise.all(members.map((x) => x.follower.ready));

    const publishRound = async (r: number) => {
      const round = 1_700_000_000_000 + r * 5000;
      await Promise.all(
        members.map(({ m, holder, publisher }) => {
          const mine = rounds[r].filter((_, i) => i % 2 === m); // each member owns half of the partitions
          const snap = holder.current;
          return publisher.publish({ time: round, stats: batchStats(snap.predictor, mine), modelVersion: snap.model.version });
        }),
      );
    };
    const awaitVersion = async (r: number) => {
      // members load the new version between batches
      await waitFor(() => members.every((x) => x.holder.version === initial.version + r + 1), `model version ${initial.version + r + 1}`, 30_000, 20);
    };

    await publishRound(0);
    let updater: UpdaterHandle = await start();
    stops.push(async () => {
      ac.abort();
      await updater.done;
    });
    await awaitVersion(0);
    for (let r = 1; r < 3; r++) {
      await publishRound(r);
      await awaitVersion(r);
    }
    expect(published.map((p) => p.rounds.map((x) => x.members))).toEqual([[['m0', 'm1']], [['m0', 'm1']], [['m0', 'm1']]]);
    for (const x of members) {
      expect(Array.from(x.holder.current.model.centers)).toEqual(Array.from(reference[2].centers));
      expect(x.holder.current.model.weights).toEqual(reference[2].weights);
      expect(x.holder.current.source).toBe(`kafka:${modelTopic}`);
    }

    // restart the updater: it resumes from the model topic and folds nothing twice
    ac.abort();
    await updater.done;
    ac = new AbortController();
    updater = await start();
    expect(updater.core.current.version).toBe(initial.version + 3);
    expect(updater.core.table.lastFolded).toBe(1_700_000_000_000 + 2 * 5000);
    for (let r = 3; r < 5; r++) {
      await publishRound(r);
      await awaitVersion(r);
    }
    expect(published).toHaveLength(5);
    expect(updater.core.counters.late).toBe(0);
    const final = members[0].holder.current.model;
    expect(final.version).toBe(initial.version + 5);
    expect(final.updates).toBe(5);
    // after a restart the state is re-read from float32 model centers: equal up to float32 rounding
    for (let i = 0; i < final.centers.length; i++) expect(final.centers[i]).toBeCloseTo(reference[4].centers[i], 4);
    for (let j = 0; j < final.k; j++) expect(final.weights[j]).toBeCloseTo(reference[4].weights[j], 6);
  });
});
