import { describe, expect, it } from 'vitest';
import { augmentRecords, pieces, stripLatinAccents } from '../../training/augment.js';
import type { AugmentSettings } from '../../src/clustering/model.js';

const A: AugmentSettings = { fragmentWords: 3, maxFragments: 4, stripAccents: false, background: false, kinds: ['web'] };

describe('pieces', () => {
  it('cuts consecutive windows of n words; a short tail joins the last piece', () => {
    expect(pieces('a b c d e f g', 3, 10)).toEqual(['a b c', 'd e f g']);
    expect(pieces('a b c d e f g h', 3, 10)).toEqual(['a b c', 'd e f', 'g h']);
    expect(pieces('a b c d e f g h', 3, 2)).toEqual(['a b c', 'd e f']);
  });

  it('leaves texts of n words or fewer alone, and cuts unspaced scripts every 3n code points', () => {
    expect(pieces('a b c', 3, 10)).toEqual([]);
    expect(pieces('人人生而自由在尊严和权利上一律平等', 2, 10)).toEqual(['人人生而自由', '在尊严和权利', '上一律平等']);
    expect(pieces('𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇', 1, 10)).toEqual(['𠀀𠀁𠀂', '𠀃𠀄𠀅', '𠀆𠀇']);
  });
});

describe('stripLatinAccents', () => {
  it('drops the accents of Latin letters only', () => {
    expect(stripLatinAccents('Ação é possível, Straße, naïve')).toBe('Acao e possivel, Straße, naive');
    // marks of Devanagari, Thai and Arabic are parts of their letters
    for (const t of ['हिन्दी', 'ภาษาไทย', 'مَرْحَبًا', 'Ελληνικά']) expect(stripLatinAccents(t)).toBe(t);
  });
});

describe('augmentRecords', () => {
  const records = [
    { text: 'uno dos tres cuatro cinco seis siete', lang: 'spa', kind: 'web' },
    { text: 'não vou hoje não vou amanhã também', lang: 'por', kind: 'tweet' },
    { text: 'ein zwei drei vier fünf sechs sieben', lang: 'deu', kind: 'web' },
    { text: 'yksi kaksi kolme neljä viisi kuusi seitsemän', lang: 'fin', kind: 'web' },
  ];

  it('appends pieces of the chosen kinds of labelled languages after the input, same lang', () => {
    const out = augmentRecords(records, A, new Set(['spa', 'por', 'deu']));
    expect(out.slice(0, 4)).toEqual(records);
    expect(out.slice(4)).toEqual([
      { text: 'uno dos tres', lang: 'spa', kind: 'web-piece' },
      { text: 'cuatro cinco seis siete', lang: 'spa', kind: 'web-piece' },
      { text: 'ein zwei drei', lang: 'deu', kind: 'web-piece' },
      { text: 'vier fünf sechs sieben', lang: 'deu', kind: 'web-piece' },
    ]);
  });

  it('augments background languages and adds unaccented copies only when asked', () => {
    const out = augmentRecords(records, { ...A, fragmentWords: 0, stripAccents: true, background: true, kinds: ['web', 'tweet'] }, new Set(['spa', 'por', 'deu']));
    expect(out.slice(4)).toEqual([
      { text: 'nao vou hoje nao vou amanha tambem', lang: 'por', kind: 'tweet-plain' },
      { text: 'ein zwei drei vier funf sechs sieben', lang: 'deu', kind: 'web-plain' },
      { text: 'yksi kaksi kolme nelja viisi kuusi seitseman', lang: 'fin', kind: 'web-plain' },
    ]);
  });

  it('rejects bad settings', () => {
    expect(() => augmentRecords(records, { ...A, fragmentWords: -1 }, new Set())).toThrow(/fragmentWords/);
    expect(() => augmentRecords(records, { ...A, maxFragments: 1.5 }, new Set())).toThrow(/maxFragments/);
  });
});
