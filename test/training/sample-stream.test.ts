import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/linalg/random.js';
import { hashtagFrom } from '../../training/sample-stream.js';

describe('hashtagFrom (the bundled sample stream)', () => {
  it('takes a whole word of a spaced text, capitalised', () => {
    const text = 'Everyone has the right to freedom of movement';
    for (let seed = 1; seed <= 20; seed++) {
      const tag = hashtagFrom(text, createRng(seed))!;
      const word = tag.slice(1);
      expect(text.toLowerCase().split(' ')).toContain(word.toLowerCase());
      expect(word.length).toBeGreaterThanOrEqual(4);
      expect(word[0]).toBe(word[0].toUpperCase());
    }
  });

  it('takes 3 to 6 characters of an unspaced text, not a clause between commas', () => {
    const text = '任何人的国籍不得任意剥夺,亦不得否认其改变国籍的权利。';
    for (let seed = 1; seed <= 20; seed++) {
      const tag = hashtagFrom(text, createRng(seed))!;
      const body = [...tag.slice(1)];
      expect(body.length).toBeGreaterThanOrEqual(3);
      expect(body.length).toBeLessThanOrEqual(6);
      expect(text).toContain(body.join(''));
    }
  });

  it('gives none when a spaced text has no word of 4 letters or more', () => {
    expect(hashtagFrom('a b c 12 3 !!', createRng(1))).toBeNull();
  });
});
