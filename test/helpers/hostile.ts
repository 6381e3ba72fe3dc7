/**
 * Hostile text for fuzz tests (fast-check arbitraries): lone surrogates, control characters, bidi marks,
 * stacked combining marks, zero-width characters, emoji sequences, many scripts, tweet furniture (URLs,
 * mentions, hashtags, entities, RT) and odd whitespace, mixed at random. Every fuzz test uses a fixed
 * seed (FUZZ_SEED) and a bounded number of runs, so failures reproduce.
 */
import fc from 'fast-check';

export const FUZZ_SEED = 0x7eed;

const range = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((c) => String.fromCharCode(c));

/** Any single UTF-16 code unit: lone surrogates included. */
export const codeUnit = range(0, 0xffff);

export const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), weight: 6 },
  { arbitrary: codeUnit, weight: 4 },
  { arbitrary: range(0xd800, 0xdfff), weight: 2 }, // lone high or low surrogates
  { arbitrary: fc.oneof(range(0, 0x1f), range(0x7f, 0x9f)), weight: 2 }, // C0 and C1 controls, NUL, DEL
  { arbitrary: fc.constantFrom('\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u061c'), weight: 2 }, // bidi
  { arbitrary: fc.array(fc.oneof(range(0x300, 0x36f), range(0x483, 0x489), range(0x20d0, 0x20ff)), { minLength: 1, maxLength: 30 }).map((a) => a.join('')), weight: 2 }, // stacked combining marks
  { arbitrary: fc.constantFrom('\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u00ad', '\ufffd', '\ufffe', '\uffff'), weight: 1 },
  { arbitrary: fc.constantFrom('👨‍👩‍👧‍👦', '🇪🇸', '👍🏽', '❤️', '1️⃣', '𝕳𝖊𝖑𝖑𝖔', '𠜎𠜱', '🏳️‍🌈'), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), weight: 2 }, // any code points, astral too
  { arbitrary: fc.constantFrom('¿Dónde está?', 'Ünïcödé', 'مرحبا بالعالم', 'שלום עולם', '你好世界', '안녕하세요', 'नमस्ते', 'สวัสดี', 'Привет', 'İı', 'ß', 'ǅ'), weight: 2 },
  { arbitrary: fc.constantFrom('http://t.co/x?a=1&b=2', 'https://', 'www.', '@USER', '@user_1', '#hashtag', '#', 'RT:', 'RT', '&amp;', '&#39;', '&nbsp;', '&lt;&gt;', '&bogus;'), weight: 2 },
  { arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\u2029', '\u3000', '\u180e', '\u0085'), weight: 2 },
);

/** Texts built from hostile pieces. */
export function hostileText(maxPieces = 60): fc.Arbitrary<string> {
  return fc.array(hostileUnit, { maxLength: maxPieces }).map((parts) => parts.join(''));
}

/** A long text (at least `length` UTF-16 code units) made of seeded hostile samples. */
export function longHostileText(length: number, seed: number): string {
  const parts: string[] = [];
  let n = 0;
  for (const s of fc.sample(hostileText(200), { seed, numRuns: 100_000 })) {
    parts.push(s);
    n += s.length;
    if (n >= length) break;
  }
  return parts.join('');
}
