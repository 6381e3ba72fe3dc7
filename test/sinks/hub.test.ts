import { describe, expect, it } from 'vitest';
import { StreamHub, type HubOptions } from '../../src/sinks/hub.js';
import { Ring } from '../../src/sinks/ring.js';
import { numbered, outputBatch } from '../helpers/batches.js';

/** A hub whose consumer callbacks run only when the test says so, and whose clock the test moves. */
function testHub(opts: HubOptions = {}) {
  const tasks: Array<() => void> = [];
  let now = 1_000_000;
  const hub = new StreamHub({ now: () => now, schedule: (fn) => tasks.push(fn), ...opts });
  return {
    hub,
    tasks,
    advance: (ms: number) => (now += ms),
    runTasks: () => {
      let n = 0;
      while (tasks.length) {
        tasks.shift()!();
        n++;
      }
      return n;
    },
  };
}

const texts = (entries: Array<{ event: { text: string } }>) => entries.map((e) => e.event.text);

describe('Ring', () => {
  it('keeps insertion order and evicts the oldest when full', () => {
    const r = new Ring<number>(3);
    expect(r.push(1)).toBeUndefined();
    r.push(2);
    r.push(3);
    expect(r.full).toBe(true);
    expect(r.push(4)).toBe(1);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect(r.drain(2)).toEqual([2, 3]);
    r.push(5);
    r.push(6);
    expect(r.toArray()).toEqual([4, 5, 6]);
    expect(r.shift()).toBe(4);
    expect(r.length).toBe(2);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});

describe('StreamHub writes in chunks', () => {
  it('with a WriteContext: pauses between chunks of 1000, and delivers and counts what one pass would', async () => {
    const items = numbered(2500, [0, 1, 2]);
    const chunked = testHub();
    const whole = testHub();
    const subsOf = (h: ReturnType<typeof testHub>) => [h.hub.subscribe(), h.hub.subscribe({ clusters: [1] }), h.hub.subscribe({ labels: ['L2'] })];
    const a = subsOf(chunked);
    const b = subsOf(whole);
    let pauses = 0;
    await chunked.hub.write(outputBatch(5000, items), { pause: async () => void pauses++ });
    await whole.hub.write(outputBatch(5000, items));
    expect(pauses).toBe(2);
    expect(chunked.hub.stats()).toEqual(whole.hub.stats());
    a.forEach((sub, i) => expect(texts(sub.take())).toEqual(texts(b[i].take())));
    expect(chunked.hub.recent(1)).toEqual(whole.hub.recent(1));
  });

  it('stops offering when the hub closes during a pause', async () => {
    const { hub } = testHub();
    const sub = hub.subscribe();
    let taken = 0;
    await hub.write(outputBatch(1, numbered(2500, [0])), {
      pause: async () => {
        taken += sub.take().length;
        await hub.close();
      },
    });
    expect(taken).toBe(1000);
    expect(hub.stats().records).toBe(1000);
  });
});

describe('StreamHub filters', () => {
  it('delivers to each subscriber only the records its filter selects, in order', async () => {
    const { hub } = testHub();
    const all = hub.subscribe();
    const c35 = hub.subscribe({ clusters: [3, 5] });
    const spa = hub.subscribe({ labels: ['spa'] });
    const either = hub.subscribe({ clusters: [1], labels: ['spa'] });
    await hub.write(
      outputBatch(10_000, [
        { text: 'a', cluster: 3, label: 'eng' },
        { text: 'b', cluster: 5, label: 'spa' },
        { text: 'c', cluster: 1, label: 'fra' },
        { text: 'd', cluster: 7, label: 'spa' },
        { text: 'e', cluster: null, label: null },
      ]),
    );
    expect(texts(all.take())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(texts(c35.take())).toEqual(['a', 'b']);
    expect(texts(spa.take())).toEqual(['b', 'd']);
    expect(texts(either.take())).toEqual(['b', 'c', 'd']);
  });

  it('carries the record fields, batch time and model version in each event', async () => {
    const { hub } = testHub();
    const sub = hub.subscribe();
    await hub.write(outputBatch(20_000, [{ text: 'hola', cluster: 2, label: 'spa', lang: 'es', id: '42', distance: 0.25, receivedAt: 19_500 }], 7));
    const [entry] = sub.take();
    expect(entry.event).toEqual({
      cluster: 2,
      label: 'spa',
      distance: 0.25,
      text: 'hola',
      lang: 'es',
      id: '42',
      time: 20_000,
      receivedAt: 19_500,
      modelVersion: 7,
    });
    expect(JSON.parse(entry.json())).toEqual(entry.event);
  });

  it('shares one entry (and its JSON) between the subscribers a record matches', async () => {
    const { hub } = testHub();
    const a = hub.subscribe();
    const b = hub.subscribe({ clusters: [1] });
    await hub.write(outputBatch(0, [{ text: 'x', cluster: 1 }]));
    const [ea] = a.take();
    const [eb] = b.take();
    expect(ea).toBe(eb);
    expect(ea.json()).toBe(eb.json());
  });

  it('numbers events with increasing sequence numbers across batches', async () => {
    const { hub } = testHub();
    const sub = hub.subscribe();
    await hub.write(outputBatch(0, numbered(3, [0])));
    await hub.write(outputBatch(1, numbered(2, [0], 3)));
    const seqs = sub.take().map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('StreamHub backpressure', () => {
  it('drops the oldest events of a full queue and counts them per subscriber and in total', async () => {
    const { hub } = testHub({ queueSize: 4, maxBehindMs: 60_000 });
    const slow = hub.subscribe();
    const fast = hub.subscribe();
    await hub.write(outputBatch(0, numbered(10, [0])));
    expect(fast.take().length).toBe(4);
    expect(texts(slow.take())).toEqual(['t6', 't7', 't8', 't9']);
    expect(slow.dropped).toBe(6);
    expect(fast.dropped).toBe(6);
    expect(hub.stats().dropped).toBe(12);
    expect(slow.takeDropped()).toBe(6);
    expect(slow.takeDropped()).toBe(0);
  });

  it('never holds more than queueSize events per subscriber however much is written', async () => {
    const { hub } = testHub({ queueSize: 50, maxBehindMs: 1e9 });
    const sub = hub.subscribe();
    for (let b = 0; b < 200; b++) {
      await hub.write(outputBatch(b, numbered(100, [0, 1, 2], b * 100)));
      expect(sub.pending).toBeLessThanOrEqual(50);
    }
    expect(sub.pending).toBe(50);
    expect(sub.dropped).toBe(200 * 100 - 50);
  });

  it('write resolves at once even when no consumer ever reads', async () => {
    const { hub, tasks } = testHub({ queueSize: 2 });
    const sub = hub.subscribe();
    let readable = 0;
    sub.onReadable(() => readable++);
    const p = hub.write(outputBatch(0, numbered(5, [0])));
    await expect(p).resolves.toBeUndefined();
    // the consumer callback was not run inside write: it waits for the scheduler
    expect(readable).toBe(0);
    expect(tasks.length).toBe(1);
  });

  it('disconnects a subscriber that keeps dropping for maxBehindMs, and keeps serving the others', async () => {
    const h = testHub({ queueSize: 3, maxBehindMs: 5000 });
    const { hub } = h;
    const slow = hub.subscribe();
    const fast = hub.subscribe();
    const reasons: string[] = [];
    slow.onClose((r) => reasons.push(r));
    await hub.write(outputBatch(0, numbered(5, [0]))); // slow starts dropping now
    fast.take();
    h.advance(4999);
    await hub.write(outputBatch(1, numbered(2, [0], 5)));
    expect(slow.closed).toBe(false);
    fast.take();
    h.advance(1);
    await hub.write(outputBatch(2, numbered(2, [0], 7)));
    expect(slow.closed).toBe(true);
    expect(slow.reason).toBe('slow');
    expect(slow.pending).toBe(0);
    h.runTasks();
    expect(reasons).toEqual(['slow']);
    expect(hub.subscriberCount).toBe(1);
    expect(hub.stats().slowDisconnects).toBe(1);
    expect(texts(fast.take())).toEqual(['t7', 't8']);
  });

  it('forgives a subscriber that caught up (emptied its queue) before maxBehindMs', async () => {
    const h = testHub({ queueSize: 3, maxBehindMs: 5000 });
    const sub = h.hub.subscribe();
    await h.hub.write(outputBatch(0, numbered(5, [0])));
    h.advance(4000);
    sub.take(); // caught up
    h.advance(4000);
    await h.hub.write(outputBatch(1, numbered(5, [0], 5))); // drops again, but the clock restarts here
    expect(sub.closed).toBe(false);
    h.advance(4999);
    await h.hub.write(outputBatch(2, numbered(1, [0], 10)));
    expect(sub.closed).toBe(false);
    h.advance(1);
    await h.hub.write(outputBatch(3, numbered(1, [0], 11)));
    expect(sub.closed).toBe(true);
  });

  it('a partial take does not count as catching up', async () => {
    const h = testHub({ queueSize: 4, maxBehindMs: 1000 });
    const sub = h.hub.subscribe();
    await h.hub.write(outputBatch(0, numbered(6, [0])));
    h.advance(600);
    sub.take(2);
    await h.hub.write(outputBatch(1, numbered(4, [0], 6)));
    expect(sub.closed).toBe(false);
    h.advance(400);
    sub.take(1);
    await h.hub.write(outputBatch(2, numbered(4, [0], 10)));
    expect(sub.closed).toBe(true);
  });

  it('with maxBehindMs 0 a subscriber goes at its first drop', async () => {
    const h = testHub({ queueSize: 2, maxBehindMs: 0 });
    const sub = h.hub.subscribe();
    await h.hub.write(outputBatch(0, numbered(2, [0])));
    expect(sub.closed).toBe(false);
    await h.hub.write(outputBatch(1, numbered(1, [0], 2)));
    expect(sub.reason).toBe('slow');
  });
});

describe('StreamHub notifications and lifecycle', () => {
  it('notifies a subscriber once per write, on a later tick, and only when it has events', async () => {
    const h = testHub();
    const a = h.hub.subscribe({ clusters: [1] });
    const b = h.hub.subscribe({ clusters: [2] });
    let na = 0;
    let nb = 0;
    a.onReadable(() => na++);
    b.onReadable(() => nb++);
    await h.hub.write(outputBatch(0, numbered(10, [1])));
    await h.hub.write(outputBatch(1, numbered(10, [1])));
    expect(na).toBe(0);
    h.runTasks();
    expect(na).toBe(1); // two writes before the consumer ran: one notification
    expect(nb).toBe(0);
    a.take();
    await h.hub.write(outputBatch(2, numbered(1, [1])));
    h.runTasks();
    expect(na).toBe(2);
  });

  it('does not notify when the queue was drained before the callback ran', async () => {
    const h = testHub();
    const a = h.hub.subscribe();
    let n = 0;
    a.onReadable(() => n++);
    await h.hub.write(outputBatch(0, numbered(3, [1])));
    a.take();
    h.runTasks();
    expect(n).toBe(0);
  });

  it('refuses subscribers beyond maxSubscribers with a 503 E_TOO_MANY_STREAMS, and frees the slot on close', () => {
    const { hub } = testHub({ maxSubscribers: 2 });
    const a = hub.subscribe();
    hub.subscribe();
    expect(() => hub.subscribe()).toThrow(expect.objectContaining({ code: 'E_TOO_MANY_STREAMS', status: 503 }));
    a.close();
    expect(a.reason).toBe('unsubscribed');
    expect(() => hub.subscribe()).not.toThrow();
  });

  it('close() ends every subscription with hub-closed and ignores later writes', async () => {
    const h = testHub();
    const a = h.hub.subscribe();
    const reasons: string[] = [];
    a.onClose((r) => reasons.push(r));
    await h.hub.close();
    h.runTasks();
    expect(reasons).toEqual(['hub-closed']);
    await h.hub.write(outputBatch(0, numbered(3, [1])));
    expect(h.hub.stats().records).toBe(0);
    expect(() => h.hub.subscribe()).toThrow(expect.objectContaining({ code: 'E_HUB_CLOSED' }));
  });

  it('an onClose registered after the close still runs', async () => {
    const h = testHub();
    const a = h.hub.subscribe();
    a.close();
    const reasons: string[] = [];
    a.onClose((r) => reasons.push(r));
    h.runTasks();
    expect(reasons).toEqual(['unsubscribed']);
  });

  it('rejects bad options', () => {
    expect(() => new StreamHub({ queueSize: 0 })).toThrow(/queueSize/);
    expect(() => new StreamHub({ maxSubscribers: 1.5 })).toThrow(/maxSubscribers/);
    expect(() => new StreamHub({ maxBehindMs: -1 })).toThrow(/maxBehindMs/);
  });
});

describe('StreamHub recent texts', () => {
  it('keeps the last recentPerCluster texts of each cluster, from every record, newest last', async () => {
    const { hub } = testHub({ recentPerCluster: 2 });
    hub.subscribe({ clusters: [9] }); // filters do not affect what is remembered
    await hub.write(
      outputBatch(5, [
        { text: 'a1', cluster: 0, label: 'eng', lang: 'en' },
        { text: 'b1', cluster: 1, label: 'spa' },
        { text: 'a2', cluster: 0, label: 'eng' },
        { text: 'a3', cluster: 0, label: 'eng' },
        { text: 'none', cluster: null },
      ]),
    );
    expect(hub.recent(0).map((r) => r.text)).toEqual(['a2', 'a3']);
    expect(hub.recent(1)).toEqual([{ text: 'b1', label: 'spa', time: 5 }]);
    expect(hub.recent(2)).toEqual([]);
    hub.clearRecent();
    expect(hub.recent(0)).toEqual([]);
  });

  it('keeps nothing with recentPerCluster 0', async () => {
    const { hub } = testHub({ recentPerCluster: 0 });
    await hub.write(outputBatch(5, [{ text: 'a', cluster: 0 }]));
    expect(hub.recent(0)).toEqual([]);
  });
});
