/**
 * The SSE hub loses nothing silently: whatever subscribers come and go, filter, read slowly or stop
 * reading, every record offered to a subscriber is filtered, or enqueued and then taken, dropped
 * (skip-ahead), discarded (queued when it left) or still pending. Random programs, fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamHub, type Subscription } from '../../src/sinks/hub.js';
import { outputBatch } from '../helpers/batches.js';
import { FUZZ_SEED } from '../helpers/hostile.js';

const LABELS = ['spa', 'eng', 'deu', null];

const op = fc.oneof(
  fc.record({ kind: fc.constant('subscribe' as const), labels: fc.subarray(['spa', 'eng', 'deu']), clusters: fc.subarray([0, 1, 2]) }),
  fc.record({ kind: fc.constant('write' as const), n: fc.integer({ min: 0, max: 30 }), seed: fc.nat() }),
  fc.record({ kind: fc.constant('take' as const), which: fc.nat(), max: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('close' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 500 }) }),
);

describe('StreamHub accounting', () => {
  it('offered = filtered + taken + dropped + discarded + pending, through 500 random programs', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.boolean(), (ops, closeAtEnd) => {
        let now = 0;
        const hub = new StreamHub({ queueSize: 8, maxBehindMs: 300, maxSubscribers: 20, now: () => now, schedule: () => undefined });
        const subs: Subscription[] = [];
        let written = 0;
        for (const o of ops) {
          if (o.kind === 'subscribe') {
            if (hub.subscriberCount < 20) subs.push(hub.subscribe({ labels: o.labels, clusters: o.clusters }));
          } else if (o.kind === 'write') {
            const items = Array.from({ length: o.n }, (_, i) => {
              const k = (o.seed + i) % 4;
              return { text: `t${written + i}`, cluster: k === 3 ? null : k, label: LABELS[k] };
            });
            void hub.write(outputBatch(now, items));
            written += o.n;
          } else if (o.kind === 'take' && subs.length) subs[o.which % subs.length].take(o.max);
          else if (o.kind === 'close' && subs.length) subs[o.which % subs.length].close();
          else if (o.kind === 'tick') now += o.ms;
        }
        if (closeAtEnd) void hub.close();
        const s = hub.stats();
        const pending = hub.subscribers().reduce((n, x) => n + x.pending, 0);
        expect(s.records).toBe(written);
        expect(s.offered).toBe(s.filtered + s.enqueued);
        expect(s.enqueued).toBe(s.taken + s.dropped + s.discarded + pending);
        if (closeAtEnd) expect(pending).toBe(0);
      }),
      { seed: FUZZ_SEED + 7, numRuns: 500 },
    );
  });
});
