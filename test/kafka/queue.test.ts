import { describe, expect, it } from 'vitest';
import { HandOff } from '../../src/kafka/queue.js';

describe('HandOff', () => {
  it('hands items over in order and applies backpressure at capacity', async () => {
    const q = new HandOff<number>(2);
    expect(q.offer(1)).toBe(true);
    expect(q.offer(2)).toBe(true);
    expect(q.offer(3)).toBe(false);
    let roomed = false;
    const waiting = q.waitForRoom().then((r) => (roomed = r));
    await Promise.resolve();
    expect(roomed).toBe(false);
    expect(await q.pull()).toEqual({ value: 1, done: false });
    await waiting;
    expect(roomed).toBe(true);
    expect(q.offer(3)).toBe(true);
    expect((await q.pull()).value).toBe(2);
    expect((await q.pull()).value).toBe(3);
  });

  it('lets the pusher wake up to heartbeat', async () => {
    const q = new HandOff<number>(1);
    q.offer(1);
    expect(await q.waitForRoom(Promise.resolve())).toBe(false);
  });

  it('drains then ends; a failure is thrown to the puller', async () => {
    const q = new HandOff<number>(3);
    q.offer(1);
    q.end();
    expect(q.offer(2)).toBe(false);
    expect((await q.pull()).value).toBe(1);
    expect((await q.pull()).done).toBe(true);
    const f = new HandOff<number>(1);
    const pulled = f.pull();
    f.fail(new Error('fatal'));
    await expect(pulled).rejects.toThrow('fatal');
  });
});
