/**
 * The collector (the reference app's collect step): reads tweets from a source and writes one JSON-lines
 * file per interval into a folder (`tweets-20240501T100005000Z.jsonl`, atomically: a file is either
 * complete or absent), or produces them to a Kafka topic; stops after `max` tweets. Intervals are aligned
 * to multiples of `everyMs`; empty intervals write nothing. A Kafka source's offsets are committed after
 * the interval's file (or produce) is durable, so a restart loses nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../log.js';
import { ConfigError } from '../errors.js';
import type { TextRecord } from '../io/records.js';
import type { Positions, Source, SourceRecord } from '../sources/types.js';
import { ensureDir, writeFileAtomic } from '../store/atomic.js';
import { classifyKafkaError } from '../kafka/errors.js';
import { withRetry } from '../kafka/retry.js';
import { ensureTopics } from '../kafka/topics.js';

const { Partitioners, CompressionTypes } = kafkajs;

export type CollectOutput = { kind: 'dir'; dir: string } | { kind: 'kafka'; kafka: Kafka; topic: string; createTopics?: boolean };

export interface CollectorOptions {
  source: Source;
  out: CollectOutput;
  max?: number;
  everyMs?: number;
  signal: AbortSignal;
  log: Logger;
  onFlush?: (info: { target: string; records: number; total: number }) => void;
  now?: () => number;
}

export interface CollectResult {
  records: number;
  /** Files written (folder output) or the topic (Kafka output). */
  targets: string[];
}

/** One collected tweet as a JSON line (Twitter v2 field names; readable by every tweetlang input). */
export function tweetLine(r: TextRecord): string {
  return JSON.stringify({ id: r.id ?? null, text: r.text, lang: r.lang ?? null, created_at: r.createdAt ?? null });
}

/** `tweets-20240501T100005000Z.jsonl` for the interval starting at `t`. */
export function intervalFileName(t: number): string {
  return `tweets-${new Date(t).toISOString().replace(/[-:.]/g, '')}.jsonl`;
}

const TICK = Symbol('tick');

export async function runCollector({ source, out, max, everyMs = 1000, signal, log, onFlush, now = Date.now }: CollectorOptions): Promise<CollectResult> {
  if (!(everyMs >= 10)) throw new ConfigError('E_BAD_OPTION', 'the collect interval must be at least 10 ms');
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) throw new ConfigError('E_BAD_OPTION', 'max must be an integer >= 1');
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();
  let producer: Producer | undefined;
  if (out.kind === 'dir') await ensureDir(out.dir);
  else {
    const admin = out.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [{ topic: out.topic }], { create: out.createTopics ?? false, hint: 'create it, or pass --create-topics' });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    producer = out.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await withRetry(() => producer!.connect(), { what: 'connecting the Kafka producer', retries: 1 });
  }
  const targets: string[] = [];
  let total = 0;
  let buf: SourceRecord[] = [];
  let bufStart = -1;

  const write = async (records: SourceRecord[], start: number) => {
    if (records.length === 0) return;
    let target: string;
    if (out.kind === 'dir') {
      let name = intervalFileName(start);
      for (let i = 1; ; i++) {
        try {
          await fs.access(path.join(out.dir, name));
          name = intervalFileName(start).replace(/\.jsonl$/, `-${i}.jsonl`);
        } catch {
          break;
        }
      }
      target = path.join(out.dir, name);
      await writeFileAtomic(target, records.map((r) => tweetLine(r.value)).join('\n') + '\n');
      targets.push(target);
    } else {
      target = out.topic;
      try {
        await withRetry(() => producer!.send({ topic: out.topic, acks: -1, compression: CompressionTypes.GZIP, messages: records.map((r) => ({ key: r.value.id ?? null, value: tweetLine(r.value) })) }), {
          what: `producing to ${out.topic}`,
        });
      } catch (err) {
        throw classifyKafkaError(err, `producing to ${out.topic}`);
      }
      if (!targets.includes(target)) targets.push(target);
    }
    const positions: Positions = {};
    for (const r of records) positions[r.partition] = r.next;
    await source.commit?.(positions);
    onFlush?.({ target, records: records.length, total });
  };

  const flush = async () => {
    const records = buf;
    const start = bufStart;
    buf = [];
    bufStart = -1;
    await write(records, start);
  };

  const it = source.open({ signal: stop.signal, log })[Symbol.asyncIterator]();
  try {
    let pending = it.next();
    while (!stop.signal.aborted || buf.length > 0) {
      const waitMs = bufStart < 0 ? everyMs : Math.max(0, bufStart + everyMs - now());
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([pending, new Promise<typeof TICK>((res) => (timer = setTimeout(() => res(TICK), waitMs)))]);
      clearTimeout(timer);
      if (r === TICK) {
        if (bufStart >= 0 && now() >= bufStart + everyMs) await flush();
        continue;
      }
      if (r.done) break;
      const rec = r.value;
      const start = Math.floor(rec.receivedAt / everyMs) * everyMs;
      if (bufStart >= 0 && start !== bufStart) await flush();
      if (bufStart < 0) bufStart = start;
      buf.push(rec);
      total++;
      if (max !== undefined && total >= max) {
        await flush();
        stop.abort();
        break;
      }
      pending = it.next();
    }
    await flush();
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    await it.return?.(undefined).catch(() => undefined);
    await source.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
  return { records: total, targets };
}
