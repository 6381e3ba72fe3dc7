import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/linalg/random.js';
import { collect, harness, memoryOut, runBatches, sorted } from './helpers.js';

describe('stateless operators, batch by batch (queueStream)', () => {
  it('map, flatMap, filter, count, countByValue, reduce', async () => {
    const h = harness();
    const lines = h.ctx.queueStream<string>([['a b', 'b c'], [], ['c c c']]);
    const words = lines.flatMap((l) => l.split(' '));
    const upper = collect(words.map((w) => w.toUpperCase()));
    const notB = collect(words.filter((w) => w !== 'b'));
    const counts = collect(words.count());
    const byValue = collect(words.countByValue());
    const longest = collect(lines.reduce((a, b) => (b.length > a.length ? b : a)));
    await h.ctx.start();
    await runBatches(h, 4);
    await h.ctx.stop();
    expect(upper.map((b) => b.items)).toEqual([['A', 'B', 'B', 'C'], [], ['C', 'C', 'C'], []]);
    expect(notB.map((b) => b.items)).toEqual([['a', 'c'], [], ['c', 'c', 'c'], []]);
    expect(counts.map((b) => b.items)).toEqual([[4], [0], [3], [0]]);
    expect(byValue.map((b) => b.items)).toEqual([[['a', 1], ['b', 2], ['c', 1]], [], [['c', 3]], []]);
    expect(longest.map((b) => b.items)).toEqual([['a b'], [], ['c c c'], []]);
    // batch times: the first grid time after start, then every interval
    expect(upper.map((b) => b.time)).toEqual([1000, 2000, 3000, 4000]);
  });

  it('transform sees the batch time; union merges two streams', async () => {
    const h = harness();
    const a = h.ctx.queueStream<number>([[1, 2], [3]]);
    const b = h.ctx.queueStream<number>([[10], [20, 30]]);
    const stamped = collect(a.transform((items, time) => items.map((x) => `${x}@${time}`)));
    const both = collect(a.union(b));
    await h.ctx.start();
    await runBatches(h, 2);
    await h.ctx.stop();
    expect(stamped.map((x) => x.items)).toEqual([['1@1000', '2@1000'], ['3@2000']]);
    expect(both.map((x) => x.items)).toEqual([[1, 2, 10], [3, 20, 30]]);
  });

  it('reduceByKey, groupByKey, mapValues, join and leftOuterJoin with a static table', async () => {
    const h = harness();
    const tx = h.ctx.queueStream<[string, number]>([
      [
        ['ann', 5],
        ['bob', 7],
        ['ann', 1],
      ],
      [['cid', 2]],
    ]);
    const sums = collect(tx.reduceByKey((x, y) => x + y));
    const groups = collect(tx.groupByKey());
    const doubled = collect(tx.mapValues((v) => v * 2));
    const bad = new Map([['bob', 'chargeback'], ['cid', 'fraud']]);
    const joined = collect(tx.join(bad));
    const left = collect(tx.leftOuterJoin(bad));
    await h.ctx.start();
    await runBatches(h, 2);
    await h.ctx.stop();
    expect(sums[0].items).toEqual([['ann', 6], ['bob', 7]]);
    expect(groups[0].items).toEqual([['ann', [5, 1]], ['bob', [7]]]);
    expect(doubled[1].items).toEqual([['cid', 4]]);
    expect(joined.map((b) => b.items)).toEqual([[['bob', [7, 'chargeback']]], [['cid', [2, 'fraud']]]]);
    expect(left[0].items).toEqual([
      ['ann', [5, undefined]],
      ['bob', [7, 'chargeback']],
      ['ann', [1, undefined]],
    ]);
  });

  it('print writes pprint blocks: time header, first N, "..." and a blank line', async () => {
    const out = memoryOut();
    const h = harness({ start: Date.UTC(2026, 0, 1, 0, 0, 9), stdout: out });
    const s = h.ctx.queueStream<unknown>([[['hello', 2], ['world', 1], ['x', 3]], ['plain', 1.5, null, true]]);
    s.print(2);
    await h.ctx.start();
    await runBatches(h, 2);
    await h.ctx.stop();
    const rule = '-------------------------------------------';
    expect(out.text()).toBe(
      [rule, 'Time: 2026-01-01 00:00:10', rule, "('hello', 2)", "('world', 1)", '...', '', ''].join('\n') +
        [rule, 'Time: 2026-01-01 00:00:11', rule, 'plain', '1.5', '...', '', ''].join('\n'),
    );
  });
});

describe('windows', () => {
  it('window(3s, 2s) unions the batches in (t - 3s, t] at every 2 s', async () => {
    const h = harness();
    const s = h.ctx.queueStream<string>([['b1'], ['b2'], ['b3'], ['b4'], ['b5'], ['b6']]);
    const w = collect(s.window(3000, 2000));
    const counts = collect(s.countByWindow(2000, 2000));
    await h.ctx.start();
    await runBatches(h, 6);
    await h.ctx.stop();
    expect(w).toEqual([
      { time: 2000, items: ['b1', 'b2'] },
      { time: 4000, items: ['b2', 'b3', 'b4'] },
      { time: 6000, items: ['b4', 'b5', 'b6'] },
    ]);
    expect(counts.map((c) => c.items[0])).toEqual([2, 2, 2]);
  });

  it('rejects window lengths and slides that are not multiples of the batch interval', () => {
    const h = harness();
    const s = h.ctx.queueStream<number>([]);
    expect(() => s.window(2500, 1000)).toThrow(/window length \(2500 ms\) must be a multiple of the batch interval \(1000 ms\)/);
    expect(() => s.window(3000, 1500)).toThrow(/window slide \(1500 ms\) must be a multiple of the batch interval/);
    const w = s.window(4000, 2000);
    expect(() => w.window(6000, 3000)).toThrow(/window slide \(3000 ms\) must be a multiple of the parent stream's slide \(2000 ms\)/);
    expect(() => s.map((x): [number, number] => [x, 1]).reduceByKeyAndWindow((a, b) => a + b, 2000, 4000, { inverse: (a, b) => a - b })).toThrow(
      /length >= slide/,
    );
    try {
      s.window(0);
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_WINDOW');
    }
  });

  it('reduceByKeyAndWindow: hand-checked counts, with and without the inverse function', async () => {
    const h = harness();
    const s = h.ctx.queueStream<string>([['a', 'b'], ['a'], ['c'], [], ['a']]);
    const pairs = s.map((w): [string, number] => [w, 1]);
    const plain = collect(pairs.reduceByKeyAndWindow((x, y) => x + y, 2000, 1000));
    const inv = collect(pairs.reduceByKeyAndWindow((x, y) => x + y, 2000, 1000, { inverse: (x, y) => x - y }));
    await h.ctx.start();
    await runBatches(h, 5);
    await h.ctx.stop();
    expect(plain.map((b) => sorted(b.items))).toEqual([
      [['a', 1], ['b', 1]],
      [['a', 2], ['b', 1]],
      [['a', 1], ['c', 1]],
      [['c', 1]],
      [['a', 1]],
    ]);
    // Spark keeps keys whose count fell to zero unless a filter drops them
    expect(inv.map((b) => sorted(b.items))).toEqual([
      [['a', 1], ['b', 1]],
      [['a', 2], ['b', 1]],
      [['a', 1], ['b', 0], ['c', 1]],
      [['a', 0], ['b', 0], ['c', 1]],
      [['a', 1], ['b', 0], ['c', 0]],
    ]);
  });

  it('the inverse window equals the plain one on a random stream (several lengths and slides)', async () => {
    const rng = createRng(11);
    const vocab = ['es', 'en', 'de', 'fr', 'it', 'pt', 'ja'];
    const batches = Array.from({ length: 40 }, () => Array.from({ length: rng.int(12) }, () => vocab[rng.int(vocab.length)]));
    const h = harness();
    const pairs = h.ctx.queueStream<string>(batches.map((b) => [...b])).map((w): [string, number] => [w, 1]);
    const add = (x: number, y: number) => x + y;
    const sub = (x: number, y: number) => x - y;
    const cases = [
      [5000, 1000],
      [6000, 2000],
      [4000, 4000],
      [9000, 3000],
    ] as const;
    const results = cases.map(([len, slide]) => ({
      plain: collect(pairs.reduceByKeyAndWindow(add, len, slide)),
      inv: collect(pairs.reduceByKeyAndWindow(add, len, slide, { inverse: sub, filter: ([, v]) => v !== 0 })),
      invNoFilter: collect(pairs.reduceByKeyAndWindow(add, len, slide, { inverse: sub })),
    }));
    await h.ctx.start();
    await runBatches(h, 40);
    await h.ctx.stop();
    for (const [i, r] of results.entries()) {
      const [len, slide] = cases[i];
      expect(r.plain.length).toBe(Math.floor(40_000 / slide));
      expect(r.inv.map((b) => b.time)).toEqual(r.plain.map((b) => b.time));
      expect(r.inv.map((b) => sorted(b.items))).toEqual(r.plain.map((b) => sorted(b.items)));
      expect(r.invNoFilter.map((b) => sorted(b.items.filter(([, v]) => v !== 0)))).toEqual(r.plain.map((b) => sorted(b.items)));
      // and the plain window is the per-key count of the raw batches in (t - len, t]
      for (const b of r.plain) {
        const expected = new Map<string, number>();
        for (let j = 0; j < 40; j++) {
          const t = (j + 1) * 1000;
          if (t > b.time - len && t <= b.time) for (const w of batches[j]) expected.set(w, (expected.get(w) ?? 0) + 1);
        }
        expect(sorted(b.items)).toEqual(sorted([...expected]));
      }
    }
  });
});

describe('updateStateByKey', () => {
  it('keeps running counts, calls update for keys without new values, and drops keys mapped to undefined', async () => {
    const h = harness();
    const s = h.ctx.queueStream<[string, number]>([[['a', 1], ['b', 1], ['a', 1]], [['b', 1]], [], [['stop', 1]]]);
    const calls: string[] = [];
    const running = collect(
      s.updateStateByKey<string, number, number>((values, state, key) => {
        calls.push(`${key}:${values.length}:${state ?? '-'}`);
        if (key === 'stop') return undefined;
        return (state ?? 0) + values.reduce((x, y) => x + y, 0);
      }),
    );
    await h.ctx.start();
    await runBatches(h, 4);
    await h.ctx.stop();
    expect(running.map((b) => sorted(b.items))).toEqual([
      [['a', 2], ['b', 1]],
      [['a', 2], ['b', 2]],
      [['a', 2], ['b', 2]],
      [['a', 2], ['b', 2]],
    ]);
    expect(calls).toEqual(['a:2:-', 'b:1:-', 'a:0:2', 'b:1:1', 'a:0:2', 'b:0:2', 'a:0:2', 'b:0:2', 'stop:1:-']);
  });
});
