import { describe, expect, it } from 'vitest';
import { RoundTable } from '../../src/distributed/rounds.js';
import { decodeStats, encodeStats } from '../../src/distributed/stats-codec.js';
import { emptyStats } from '../../src/clustering/streaming-kmeans.js';

function part(member: string, round: number, count: number, k = 2, d = 4) {
  const s = emptyStats(k, d);
  if (count > 0) {
    s.counts[0] = count;
    s.sums[0] = count * 2;
  }
  return decodeStats(encodeStats(s, { member, round, modelVersion: 1 })[0]);
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RoundTable', () => {
  it('closes a round once every live member reported it, merged, oldest first', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 4, graceMs: 1000, memberTimeoutMs: 5000, now: c.now });
    table.add(part('a', 5000, 0));
    table.add(part('b', 5000, 0));
    expect(table.closeReady()).toEqual([]); // start-up warm-up: other members may not have been heard from
    c.advance(1000);
    expect(table.closeReady().map((r) => r.round)).toEqual([5000]);
    table.add(part('a', 10_000, 3));
    expect(table.closeReady()).toEqual([]); // b has not reported 10000
    table.add(part('b', 10_000, 4));
    const closed = table.closeReady();
    expect(closed.map((r) => [r.round, r.members, r.stats.counts[0], r.stats.sums[0]])).toEqual([[10_000, ['a', 'b'], 7, 14]]);
    expect(table.lastFolded).toBe(10_000);
  });

  it('waits for a slow member, then closes on the grace timer and names it missing', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 4, graceMs: 1000, memberTimeoutMs: 10_000, now: c.now });
    table.add(part('a', 0, 1));
    table.add(part('b', 0, 1));
    c.advance(1000);
    expect(table.closeReady().map((r) => r.round)).toEqual([0]);
    table.add(part('a', 5000, 2));
    expect(table.closeReady()).toEqual([]);
    c.advance(999);
    expect(table.closeReady()).toEqual([]);
    c.advance(1);
    const [r] = table.closeReady();
    expect([r.round, r.members, r.missing]).toEqual([5000, ['a'], ['b']]);
  });

  it('a member that reported a later round is done with the earlier one', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 4, graceMs: 1000, now: c.now });
    c.advance(1000);
    table.add(part('a', 0, 1));
    table.add(part('b', 0, 1));
    expect(table.closeReady().map((r) => r.round)).toEqual([0]);
    table.add(part('a', 5000, 1));
    table.add(part('b', 10_000, 1)); // b had nothing for 5000 and moved on
    table.add(part('a', 10_000, 1));
    expect(table.closeReady().map((r) => [r.round, r.members])).toEqual([
      [5000, ['a']],
      [10_000, ['a', 'b']],
    ]);
  });

  it('forgets members that stopped publishing', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 4, graceMs: 100, memberTimeoutMs: 1000, now: c.now });
    table.add(part('gone', 0, 1));
    c.advance(2000);
    expect(table.liveMembers()).toEqual([]);
    table.add(part('a', 5000, 1));
    expect(table.closeReady().map((r) => r.round)).toEqual([0, 5000]);
  });

  it('carries late parts into the next round and ignores redelivered ones', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 4, graceMs: 100, now: c.now });
    c.advance(100);
    table.add(part('a', 0, 1));
    expect(table.closeReady()).toHaveLength(1);
    expect(table.add(part('b', 0, 5))).toBe('late');
    expect(table.add(part('b', 0, 5))).toBe('duplicate');
    expect(table.add(part('a', 5000, 2))).toBe('accepted');
    expect(table.add(part('a', 5000, 2))).toBe('duplicate');
    c.advance(100);
    const [r] = table.closeReady();
    expect([r.round, r.stats.counts[0], r.lateParts]).toEqual([5000, 7, 1]);
  });

  it('waits for every part of a split message', () => {
    const c = clock();
    const table = new RoundTable({ k: 2, d: 2000, graceMs: 1000, now: c.now });
    c.advance(1000);
    const s = emptyStats(2, 2000);
    s.counts[0] = 1;
    for (let i = 0; i < 2000; i++) s.sums[i] = i + 1;
    const msgs = encodeStats(s, { member: 'a', round: 0, modelVersion: 1 }, 4096).map((m) => decodeStats(m));
    expect(msgs.length).toBeGreaterThan(2);
    for (const m of msgs.slice(0, -1)) table.add(m);
    expect(table.closeReady()).toEqual([]);
    table.add(msgs[msgs.length - 1]);
    const [r] = table.closeReady();
    expect(Array.from(r.stats.sums.subarray(0, 2000))).toEqual(Array.from(s.sums.subarray(0, 2000)));
  });
});
