import { describe, expect, it } from 'vitest';
import { nextOffset, OffsetBook } from '../../src/kafka/offsets.js';

describe('OffsetBook', () => {
  it('commits only owned partitions of its topic, never backwards', () => {
    const book = new OffsetBook(['tweets']);
    expect(book.assign({ tweets: [0, 1], other: [0] })).toEqual({ revoked: [], assigned: ['tweets/0', 'tweets/1'], owned: ['tweets/0', 'tweets/1'] });
    const plan = book.plan({ 'tweets/0': '10', 'tweets/1': 5, 'tweets/2': '7', 'other/0': '3', 'file.jsonl': 100 });
    expect(plan.commit).toEqual([
      { topic: 'tweets', partition: 0, offset: '10' },
      { topic: 'tweets', partition: 1, offset: '5' },
    ]);
    expect(plan.skipped).toEqual([
      { partition: 'file.jsonl', reason: 'other-topic' },
      { partition: 'other/0', reason: 'other-topic' },
      { partition: 'tweets/2', reason: 'not-owned' },
    ]);
    book.markCommitted(plan.commit);
    expect(book.plan({ 'tweets/0': '9', 'tweets/1': '5' }).commit).toEqual([]);
    expect(book.plan({ 'tweets/0': '11' }).commit).toEqual([{ topic: 'tweets', partition: 0, offset: '11' }]);
  });

  it('drops revoked partitions on a rebalance, so late commits cannot move another member\'s offsets', () => {
    const book = new OffsetBook(['tweets']);
    book.assign({ tweets: [0, 1, 2] });
    book.markCommitted([{ topic: 'tweets', partition: 1, offset: '50' }]);
    const change = book.assign({ tweets: [0, 3] });
    expect(change).toEqual({ revoked: ['tweets/1', 'tweets/2'], assigned: ['tweets/3'], owned: ['tweets/0', 'tweets/3'] });
    expect(book.plan({ 'tweets/1': '60', 'tweets/3': '1' }).commit).toEqual([{ topic: 'tweets', partition: 3, offset: '1' }]);
    // regaining a partition forgets what was committed before: the group's offset is read again
    book.assign({ tweets: [1] });
    expect(book.committedOffset('tweets/1')).toBeUndefined();
    expect(book.revokeAll()).toEqual(['tweets/1']);
    expect(book.plan({ 'tweets/1': '70' }).commit).toEqual([]);
  });

  it('handles 64-bit offsets', () => {
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
    const book = new OffsetBook(['t']);
    book.assign({ t: [0] });
    book.noteCommitted('t/0', '9007199254740993');
    expect(book.plan({ 't/0': '9007199254740992' }).commit).toEqual([]);
    expect(book.plan({ 't/0': '9007199254740994' }).commit).toHaveLength(1);
    expect(() => book.plan({ 't/0': 'abc' })).toThrow(/not a Kafka offset/);
  });
});
