/**
 * Kafka source: one consumer-group member reading one topic.
 *
 * Delivery is at-least-once. kafkajs runs with autoCommit off; the engine calls `commit(positions)` only
 * after a batch's outputs are written and its checkpoint is durable, and only then are offsets committed.
 * A member that dies between reading and committing leaves its uncommitted records to the member that
 * takes its partitions over, which reads them again from the last committed offset: nothing is lost, some
 * records may be processed twice (the window is one batch plus the commit).
 *
 * Rebalances: on each new assignment (kafkajs GROUP_JOIN) the partitions this member lost are dropped from
 * its bookkeeping (records of theirs still queued are discarded, commits for them are refused: another
 * member owns them now) and `onRebalance` tells the engine, which flushes any state it keeps for them;
 * partitions gained resume from the group's committed offset, or from the engine's checkpoint when that is
 * further ahead. Errors kafkajs recovers from (restart: true) are logged; fatal ones (authentication,
 * unknown topic with auto-create off) end the iteration with a KafkaError.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { componentLogger, type Logger } from '../log.js';
import { ConfigError } from '../errors.js';
import { countSkip, newCounters, type OpenContext, type Positions, type Source, type SourceCounters, type SourceRecord } from './types.js';
import { createKafkaClient, kafkaOptionsFromEnv, type KafkaClientOptions } from '../kafka/client.js';
import { classifyKafkaError, KafkaError } from '../kafka/errors.js';
import { nextOffset, OffsetBook, toOffsetString, type AssignmentChange } from '../kafka/offsets.js';
import { HandOff } from '../kafka/queue.js';
import { DEFAULT_MAX_VALUE_BYTES, recordFromValue } from '../kafka/messages.js';
import { parseKafkaSourceSpec, partitionKey, validateTopic } from '../kafka/spec.js';
import { withRetry } from '../kafka/retry.js';
import { ensureTopics } from '../kafka/topics.js';

export interface KafkaSourceOptions {
  topic: string;
  groupId: string;
  /** Client settings (brokers...), or an existing kafkajs client in `kafka`. */
  client?: KafkaClientOptions;
  kafka?: Kafka;
  /** Where a group without committed offsets starts. */
  start?: 'earliest' | 'latest';
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  maxBytesPerPartition?: number;
  /** Records read ahead of the engine (backpressure beyond that). */
  queueSize?: number;
  maxValueBytes?: number;
  /** Retries of a commit that failed with a retriable error (not counting kafkajs's own). */
  commitRetries?: number;
  /** Called on every new assignment, before records of gained partitions are delivered. */
  onRebalance?: (change: AssignmentChange) => void | Promise<void>;
  log?: Logger;
}

export interface KafkaSource extends Source {
  readonly counters: SourceCounters & { rebalances: number; commits: number; dropped: number };
  /** Partitions owned now ("topic/partition"). */
  readonly assigned: string[];
  readonly memberId: string | undefined;
  commit(positions: Positions): Promise<void>;
}

/** Commits are not retried through a rebalance: the generation is gone, the new owners take over. */
function commitClassify(err: unknown, what: string) {
  const e = classifyKafkaError(err, what);
  return e.code === 'E_KAFKA_REBALANCE' ? new KafkaError(e.code, e.message, { retriable: false, cause: err }) : e;
}

export function createKafkaSource({
  topic,
  groupId,
  client,
  kafka,
  start = 'earliest',
  sessionTimeout = 30_000,
  heartbeatInterval = 3_000,
  rebalanceTimeout = 60_000,
  maxBytesPerPartition = 1024 * 1024,
  queueSize = 1000,
  maxValueBytes = DEFAULT_MAX_VALUE_BYTES,
  commitRetries = 5,
  onRebalance,
  log = componentLogger('kafka-source'),
}: KafkaSourceOptions): KafkaSource {
  validateTopic(topic, 'source topic');
  if (!groupId || !/^[a-zA-Z0-9._-]{1,249}$/.test(groupId)) throw new ConfigError('E_KAFKA_CONFIG', `consumer group ${JSON.stringify(groupId)} must be 1-249 of a-z A-Z 0-9 . _ -`);
  if (!kafka && !client) throw new ConfigError('E_KAFKA_CONFIG', 'createKafkaSource needs `client` (brokers) or `kafka`');
  if (!(heartbeatInterval > 0 && heartbeatInterval < sessionTimeout)) throw new ConfigError('E_KAFKA_CONFIG', 'heartbeatInterval must be > 0 and below sessionTimeout');
  if (!Number.isInteger(queueSize) || queueSize < 1) throw new ConfigError('E_KAFKA_CONFIG', 'queueSize must be an integer >= 1');
  const kafkaClient = kafka ?? createKafkaClient(client!, log);
  const book = new OffsetBook([topic]);
  const counters = { ...newCounters(), rebalances: 0, commits: 0, dropped: 0 };
  let consumer: Consumer | undefined;
  let memberId: string | undefined;
  let opened = false;
  let stopping = false;
  let closing: Promise<void> | undefined;

  /** Checkpointed positions ahead of the group's committed offsets: records below them are already done. */
  const floors = new Map<string, bigint>();
  const deciding = new Map<string, Promise<void>>();

  async function decideFloors(c: Consumer, gained: string[], resume: Positions | undefined): Promise<void> {
    const wanted = gained.filter((k) => resume?.[k] !== undefined);
    for (const k of gained) floors.delete(k);
    if (wanted.length === 0) return;
    const admin = kafkaClient.admin();
    try {
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(committed?.partitions.map((p) => [partitionKey(topic, p.partition), p.offset]) ?? []);
      for (const key of wanted) {
        const cp = toOffsetString(resume![key]);
        const group = byPartition.get(key);
        if (group !== undefined && group !== '-1') book.noteCommitted(key, group);
        if (group === undefined || group === '-1' || BigInt(cp) > BigInt(group)) {
          log.info({ partition: key, checkpoint: cp, committed: group }, 'resuming from the checkpoint, ahead of the committed offset');
          floors.set(key, BigInt(cp));
          c.seek({ topic, partition: Number(key.slice(key.lastIndexOf('/') + 1)), offset: cp });
        }
      }
    } catch (err) {
      log.warn({ err: classifyKafkaError(err, 'reading committed offsets').message }, 'cannot compare checkpoint with committed offsets; resuming from committed');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async function* read(ctx: OpenContext): AsyncGenerator<SourceRecord> {
    if (opened) throw new ConfigError('E_SOURCE_REOPENED', `kafka:${topic} is already open`);
    opened = true;
    const queue = new HandOff<SourceRecord>(queueSize);
    const c = kafkaClient.consumer({
      groupId,
      sessionTimeout,
      heartbeatInterval,
      rebalanceTimeout,
      maxBytesPerPartition,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer after a pause; not once we are shutting down (it would linger)
      retry: { restartOnFailure: async () => !stopping },
    });
    consumer = c;
    const onAbort = () => {
      stopping = true;
      queue.end();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    c.on(c.events.GROUP_JOIN, (e) => {
      memberId = e.payload.memberId;
      const change = book.assign(e.payload.memberAssignment as Record<string, number[]>);
      counters.rebalances++;
      log.info({ memberId, owned: change.owned, revoked: change.revoked, assigned: change.assigned }, 'partitions assigned');
      void (async () => {
        try {
          await onRebalance?.(change);
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'onRebalance listener failed');
        }
      })();
      const decision = decideFloors(c, change.assigned, ctx.resume);
      for (const k of change.assigned) deciding.set(k, decision);
    });
    c.on(c.events.CRASH, (e) => {
      const error = classifyKafkaError(e.payload.error, `consuming ${topic}`);
      if (stopping) return void log.debug({ code: error.code, err: error.message }, 'consumer stopped with an error while shutting down');
      if (e.payload.restart && error.retriable) {
        counters.reconnects++;
        log.warn({ code: error.code, err: error.message }, 'consumer crashed; kafkajs restarts it');
      } else {
        log.error({ code: error.code, err: error.message }, 'consumer failed');
        queue.fail(error);
      }
    });
    try {
      try {
        await withRetry(() => c.connect(), { what: 'connecting the Kafka consumer', signal: ctx.signal, retries: 1 });
        const admin = kafkaClient.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, [{ topic }], { create: false, hint: 'create it first, or check the name' });
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
        await c.subscribe({ topics: [topic], fromBeginning: start === 'earliest' });
        await c.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const key = partitionKey(batch.topic, batch.partition);
            await deciding.get(key); // a checkpoint ahead of the commit decides where this partition starts
            const floor = floors.get(key);
            for (const m of batch.messages) {
              if (!isRunning() || isStale() || queue.closed) break;
              if (floor !== undefined && BigInt(m.offset) < floor) {
                resolveOffset(m.offset); // done before the checkpoint
                continue;
              }
              const parsed = recordFromValue(m.value, maxValueBytes);
              if ('skip' in parsed) {
                countSkip(counters, parsed.skip);
              } else {
                // wait for room, heartbeating so that a slow batch does not cost the partition
                for (;;) {
                  let timer: NodeJS.Timeout | undefined;
                  const tick = new Promise<void>((r) => (timer = setTimeout(r, heartbeatInterval)));
                  const room = await queue.waitForRoom(tick);
                  clearTimeout(timer);
                  if (room) break;
                  await heartbeat().catch(() => undefined);
                  if (!isRunning() || isStale()) return;
                }
                if (!queue.offer({ value: parsed.record, partition: key, next: nextOffset(m.offset), receivedAt: Date.now() })) return;
                counters.records++;
              }
              resolveOffset(m.offset);
            }
            await heartbeat().catch(() => undefined);
          },
        });
      } catch (err) {
        throw classifyKafkaError(err, `consuming ${topic}`);
      }
      for (;;) {
        const r = await queue.pull();
        if (r.done) break;
        if (!book.isOwned(r.value.partition)) {
          counters.dropped++; // revoked while queued: its new owner reads it again
          continue;
        }
        yield r.value;
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      queue.end();
      await shutdown();
    }
  }

  async function shutdown(): Promise<void> {
    stopping = true;
    closing ??= (async () => {
      const c = consumer;
      if (!c) return;
      try {
        await c.disconnect();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'consumer disconnect failed');
      }
      book.revokeAll();
    })();
    return closing;
  }

  return {
    name: `kafka:${topic}`,
    counters,
    get assigned() {
      return book.ownedPartitions;
    },
    get memberId() {
      return memberId;
    },
    open: (ctx) => read(ctx),
    async commit(positions: Positions): Promise<void> {
      const c = consumer;
      if (!c || closing) return;
      const plan = book.plan(positions);
      for (const s of plan.skipped) if (s.reason === 'not-owned') log.debug({ partition: s.partition }, 'not committing a partition this member no longer owns');
      if (plan.commit.length === 0) return;
      try {
        await withRetry(() => c.commitOffsets(plan.commit), { what: `committing offsets of ${topic}`, retries: commitRetries, classify: commitClassify });
      } catch (err) {
        const e = classifyKafkaError(err, `committing offsets of ${topic}`);
        if (e.code === 'E_KAFKA_REBALANCE') {
          // the group moved on: the partitions' new owners read from the last committed offset (at-least-once)
          log.warn({ code: e.code, err: e.message }, 'commit refused during a rebalance; records since the last commit will be read again');
          return;
        }
        throw e;
      }
      book.markCommitted(plan.commit);
      counters.commits++;
    },
    close: shutdown,
  };
}

/** What the registries and the CLI pass when building Kafka adapters from a spec string. */
export interface KafkaSpecContext {
  env: NodeJS.ProcessEnv;
  /** --brokers (else KAFKA_BROKERS). */
  brokers?: string;
  /** --group (else KAFKA_GROUP). */
  group?: string;
  clientId?: string;
  log?: Logger;
}

/** `kafka:TOPIC` -> a Kafka source in consumer group `group` (registry entry). */
export function kafkaSourceFromSpec(spec: string, ctx: KafkaSpecContext, extra: Partial<KafkaSourceOptions> = {}): KafkaSource {
  const { topic } = parseKafkaSourceSpec(spec);
  const groupId = ctx.group ?? ctx.env.KAFKA_GROUP;
  if (!groupId) throw new ConfigError('E_KAFKA_CONFIG', `${spec} needs a consumer group: --group NAME (or KAFKA_GROUP)`);
  return createKafkaSource({ topic, groupId, client: kafkaOptionsFromEnv(ctx.env, { brokers: ctx.brokers, clientId: ctx.clientId }), log: ctx.log, ...extra });
}
