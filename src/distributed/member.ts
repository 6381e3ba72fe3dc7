/**
 * Wires a running engine into the distributed model: publishes each batch's statistics (`batch.stats`)
 * to the stats topic and keeps the ModelHolder on the newest version from the model topic.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ModelHolder } from '../clustering/model-holder.js';
import type { Logger } from '../log.js';
import { followIntoHolder, type ModelFollower } from './model-topic.js';
import { createStatsPublisher, type BatchStatsEvent, type StatsPublisher } from './stats-publisher.js';

export interface StatsEventSource {
  on(event: 'batch.stats', listener: (e: BatchStatsEvent) => void): unknown;
  off(event: 'batch.stats', listener: (e: BatchStatsEvent) => void): unknown;
}

export interface MemberOptions {
  kafka: Kafka;
  events: StatsEventSource;
  holder: ModelHolder;
  statsTopic: string;
  modelTopic: string;
  /** Unique per running member (default: host name + random suffix). */
  member?: string;
  log: Logger;
}

export interface Member {
  readonly member: string;
  readonly publisher: StatsPublisher;
  readonly follower: ModelFollower;
  stop(): Promise<void>;
}

export function defaultMemberId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function attachMember({ kafka, events, holder, statsTopic, modelTopic, member = defaultMemberId(), log }: MemberOptions): Member {
  const publisher = createStatsPublisher({ kafka, topic: statsTopic, member, log });
  const listener = (e: BatchStatsEvent) => publisher.enqueue(e);
  events.on('batch.stats', listener);
  const follower = followIntoHolder(kafka, modelTopic, holder, log);
  follower.ready.catch((err) => log.error({ err: (err as Error).message }, 'cannot follow the model topic'));
  return {
    member,
    publisher,
    follower,
    async stop() {
      events.off('batch.stats', listener);
      await publisher.close();
      await follower.stop();
    },
  };
}
