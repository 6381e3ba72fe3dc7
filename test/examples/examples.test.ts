/**
 * The Spark Streaming course programs in examples/: each one's stream logic, driven batch by batch
 * (manual clock) and checked against counts computed directly from its input.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flagged, readBadCustomers, simulate as simulateTx } from '../../examples/bad-customers.js';
import { wordCounts } from '../../examples/network-word-count.js';
import { countsByDigit, makeQueue } from '../../examples/queue-stream.js';
import { createContext } from '../../examples/stateful-word-count.js';
import { topHashtags } from '../../examples/top-hashtags.js';
import { simulate as simulateEvents, windowed } from '../../examples/windowed-counts.js';
import { replaySource } from '../../src/sources/replay.js';
import { socketSource } from '../../src/sources/socket.js';
import { hashtags } from '../../src/stream/window-stats.js';
import { ROOT } from '../helpers/data.js';
import { tmpDir } from '../sources/helpers.js';
import { collect, harness, memoryOut, runBatches, silentLog, sorted, until } from '../stream/helpers.js';

const DATA = path.join(ROOT, 'examples', 'data');
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('examples', () => {
  it('network word count: words of each batch of lines from a TCP server', async () => {
    const conns: net.Socket[] = [];
    const server = net.createServer((c) => conns.push(c));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const out = memoryOut();
    const h = harness({ stdout: out, start: Date.UTC(2026, 0, 1) });
    const src = socketSource({ host: '127.0.0.1', port, format: 'text', clock: h.clock });
    wordCounts(h.ctx.sourceStream(src)).print();
    await h.ctx.start();
    await until(() => conns.length === 1, 'the connection');
    conns[0].write('hello world hello\n');
    await until(() => src.counters.records === 1, 'the line');
    await new Promise((r) => setImmediate(r));
    await runBatches(h, 1);
    conns[0].write('spark  streaming\n');
    await until(() => src.counters.records === 2, 'the second line');
    await new Promise((r) => setImmediate(r));
    await runBatches(h, 1);
    await h.ctx.stop();
    const rule = '-------------------------------------------';
    expect(out.text()).toBe(
      [rule, 'Time: 2026-01-01 00:00:01', rule, "('hello', 2)", "('world', 1)", '', ''].join('\n') +
        [rule, 'Time: 2026-01-01 00:00:02', rule, "('spark', 1)", "('streaming', 1)", '', ''].join('\n'),
    );
  });

  it('queue stream: counts by last digit of each pre-made batch', async () => {
    const out = memoryOut();
    const h = harness({ stdout: out });
    countsByDigit(h.ctx.queueStream(makeQueue(2, 1000))).print();
    await h.ctx.start();
    await runBatches(h, 2);
    await h.ctx.stop();
    const blocks = out.text().split(/-{43}\nTime: [^\n]+\n-{43}\n/).filter(Boolean);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) expect(b).toBe([1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map((d) => `(${d}, 100)`).join('\n') + '\n\n');
  });

  it('windowed counts: the plain and the incremental window print the same counts as a direct count', async () => {
    const events = simulateEvents(60);
    const h = harness();
    const { plain, incremental } = windowed(h.ctx.queueStream(events.map((b) => [...b])));
    const p = collect(plain);
    const inc = collect(incremental);
    await h.ctx.start();
    await runBatches(h, 60);
    await h.ctx.stop();
    expect(p.map((b) => b.time)).toEqual([1, 2, 3, 4, 5, 6].map((i) => i * 10_000));
    for (const [i, b] of p.entries()) {
      const direct = new Map<string, number>();
      for (let j = 0; j < 60; j++) {
        const t = (j + 1) * 1000;
        if (t > b.time - 30_000 && t <= b.time) for (const e of events[j]) direct.set(e, (direct.get(e) ?? 0) + 1);
      }
      expect(sorted(b.items)).toEqual(sorted([...direct]));
      expect(sorted(inc[i].items)).toEqual(sorted(b.items));
    }
  });

  it('stateful word count: running counts survive a stop and a restart from the checkpoint', async () => {
    const file = path.join(DATA, 'words.txt');
    const dir = tmpDir('wordcount');
    const run = async (batches: number | 'all') => {
      const h = harness({ start: 0 });
      const { ctx, counts } = createContext(replaySource({ file, format: 'text', clock: h.clock }), dir, {
        clock: h.clock,
        log: silentLog,
        maxBatch: 2,
        fill: true,
        stopWhenDone: batches === 'all',
      });
      const out = collect(counts);
      const hh = { clock: h.clock, ctx };
      await ctx.start();
      if (batches === 'all') {
        while (ctx.state === 'running') await runBatches(hh, 1).catch(() => undefined);
        await ctx.done;
      } else {
        await runBatches(hh, batches);
        await ctx.stop();
      }
      return out;
    };
    const first = await run(2); // 4 lines
    const second = await run('all'); // the other 4
    const count = (text: string) => {
      const m = new Map<string, number>();
      for (const w of text.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean)) m.set(w, (m.get(w) ?? 0) + 1);
      return sorted([...m]);
    };
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(sorted(first.at(-1)!.items)).toEqual(count(lines.slice(0, 4).join('\n')));
    expect(sorted(second.at(-1)!.items)).toEqual(count(lines.join('\n')));
  });

  it('bad customers: transactions joined with the static table are flagged', async () => {
    const bad = readBadCustomers(path.join(DATA, 'bad-customers.csv'));
    expect(bad.get('C013')).toBe('stolen card reported');
    const tx = simulateTx(20);
    const h = harness();
    const out = collect(flagged(h.ctx.queueStream(tx.map((b) => [...b])), bad));
    await h.ctx.start();
    await runBatches(h, 20);
    await h.ctx.stop();
    const expected = tx.map((b) => b.filter((t) => bad.has(t.customer)).map((t) => `FLAGGED tx ${t.id}: ${t.customer} paid ${t.amount.toFixed(2)} (${bad.get(t.customer)})`));
    expect(out.map((b) => b.items)).toEqual(expected);
    expect(expected.flat().length).toBeGreaterThan(0);
  });

  it('top hashtags: the 10 most frequent over the last 20 s, every 10 s', async () => {
    const file = path.join(DATA, 'tweets.jsonl');
    const tweets = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
    const h = harness({ maxBatch: 20, fill: true });
    const out = collect(topHashtags(h.ctx.sourceStream(replaySource({ file, clock: h.clock }))));
    await h.ctx.start();
    await runBatches(h, 30);
    await h.ctx.stop();
    expect(out.map((b) => b.time)).toEqual([10_000, 20_000, 30_000]);
    for (const b of out) {
      const last = b.time / 1000; // batches (last - 20, last]: tweets of those batches
      const inWindow = tweets.slice(Math.max(0, last - 20) * 20, last * 20);
      const counts = new Map<string, number>();
      for (const t of inWindow) for (const tag of hashtags(t)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      const top = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10);
      expect(b.items).toEqual(top);
    }
    // the data's hashtags drift: #elections only appears in the second half
    expect(out[0].items.map(([t]) => t)).not.toContain('#elections');
    expect(out[2].items.map(([t]) => t)).toContain('#elections');
  });
});
