import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { parseModel, type ClusterModel } from '../../src/clustering/model.js';
import { WasmClassifier } from '../../src/clustering/wasm-classify.js';
import { P_LETTER, P_LN, P_LOWER, P_SPACE, P_SYM, P_TAG, P_WORD, bmpTables, scannerFitsRules } from '../../src/features/char-tables.js';
import { TWEET_RULES, TWEET_NOHASHTAG_RULES, applyCleanup, type CleanupMode } from '../../src/features/cleanup.js';
import { loadTexts } from '../../bench/lib/texts.js';
import { FUZZ_SEED, hostileText, hostileUnit } from '../helpers/hostile.js';

const bundledModel = parseModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
// the bundled model's centers and settings; each test names the clean-up mode it checks
const withFeatures = (f: Partial<ClusterModel['features']>): ClusterModel => ({ ...bundledModel, features: { ...bundledModel.features, ...f } });

/** What a declined text may contain: an entity ampersand, or a character whose lower case is not one unit to one unit. */
function mayDecline(text: string): boolean {
  if (text.includes('&')) return true;
  for (const ch of text) if (ch.toLowerCase().length !== ch.length || ch === 'Σ' || ch === 'İ' || (ch.length === 2 && ch.toLowerCase() !== ch)) return true;
  return false;
}

function checkScan(kernel: WasmClassifier, text: string, mode: CleanupMode, lowercase = true): void {
  const got = kernel.prepare(text);
  if (got === null) {
    expect(mayDecline(text), `declined ${JSON.stringify(text)}`).toBe(true);
    return;
  }
  expect(got, JSON.stringify(text)).toBe(applyCleanup(text, mode, lowercase));
}

// pieces the rules look at, and the characters around them that change a match
const PIECES = [
  'a', 'h', 'H', 't', 'T', 'p', 'P', 's', 'S', 'ſ', 'w', 'W', 'R', 'x', '1', '_', '.', ':', '/', '…', '@', '#', ';',
  ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\u200b', '\u200d', '\ufe0f', '\u20e3', '^', '`', '©',
  '😀', '👍🏽', '🇪🇸', '\ud83d', '\ude00', '𝕳', '𠜎', '𐐀', 'é', 'ж', 'Ж', '中', 'İ', 'Σ', 'ς', 'ß', 'Ǆ',
  'http', 'https', 'HTTP', 'hTtPs', 'www.', 'WWW.', 'RT', 'RT:', 'RT :', 'http://', 'https://t.co/x', 'httpſ://', 'http:/', '@user', '#tag',
  // what a hashtag may hold or stop at: marks (Mn, Mc, Me, the keycap U+20E3 that SYMBOLS also takes), digits
  // of other kinds (Nd, Nl, No), astral letters, digits and marks, connector punctuation other than '_', '＃'
  '\u0301', '\u0903', '\u20dd', '\u20e3', '٣', 'Ⅻ', '²', '𝟘', '\u{1d167}', '‿', '＃', '#️⃣', '#\u0301x', '#_', '#1',
].map((s) => fc.constant(s));
const richText = fc.array(fc.oneof(...PIECES), { maxLength: 30 }).map((p) => p.join(''));

// Hashtags followed by what may or may not belong to them, among hostile pieces.
const TAG_PIECES = [
  '#', '##', '#x', '\u0301', '\u0903', '\u20dd', '\ufe0f', '\u20e3', '1', '٣', 'Ⅻ', '²', '_', '‿', '-', '.', 'é', 'ж', 'ي', '中',
  '𝕳', '𠜎', '𝟘', '\u{1d167}', '𐐀', '\ud835', '\udd73', '😀', '@', '@a#b', 'http://x.y/#a', 'www.x#y', 'RT#x', ' ', '\t', '\u00a0', 'İ',
].map((s) => fc.constant(s));
const hashtagText = fc
  .array(fc.oneof({ arbitrary: fc.oneof(...TAG_PIECES), weight: 4 }, { arbitrary: hostileUnit, weight: 1 }), { maxLength: 30 })
  .map((p) => p.join(''));

const MODES = ['tweet', 'tweet-nohashtags'] as const;

describe.each(MODES)('the WebAssembly clean-up scanner equals applyCleanup(text, "%s", lowercase)', (mode) => {
  const kernel = new WasmClassifier(withFeatures({ cleanup: mode }));
  const check = (k: WasmClassifier, t: string, lowercase = true) => checkScan(k, t, mode, lowercase);

  it('is built for the rules cleanup.ts has', () => {
    expect(scannerFitsRules(mode === 'tweet-nohashtags')).toBe(true);
    expect(TWEET_RULES.length).toBe(6);
  });

  it('on random texts dense in what the rules look at (URLs, mentions, RT, #, symbols, spaces, case)', () => {
    fc.assert(fc.property(richText, (t) => check(kernel, t)), { numRuns: 20_000, seed: FUZZ_SEED });
  });

  it('on hostile texts (lone surrogates, controls, bidi marks, combining marks, any code point)', () => {
    fc.assert(fc.property(hostileText(), (t) => check(kernel, t)), { numRuns: 5_000, seed: FUZZ_SEED });
  });

  it('on hashtags followed by marks, digits, _, astral letters, lone surrogates, #, URLs and mentions', () => {
    fc.assert(fc.property(hashtagText, (t) => check(kernel, t)), { numRuns: 10_000, seed: FUZZ_SEED });
  });

  it('on every real text, declining only texts with entities or special lower-casing', () => {
    const { texts } = loadTexts();
    let declined = 0;
    for (const t of texts) {
      const got = kernel.prepare(t);
      if (got === null) declined++;
      check(kernel, t);
    }
    expect(declined / texts.length).toBeLessThan(0.05);
  });

  it('cases the rules single out', () => {
    for (const t of [
      'RT @user: hola https://t.co/abc ¿qué tal? #España 😀😀 ',
      'xhttp://a yhttps  zhttp: www.x.y ahttpb http…', 'Ahttp http1 httpſ httpſ: http://', '@', '@@a', '#', '##a', 'a#', 'RTRT', 'xRT RTx RT', 'RT\t: x',
      '😀', ' 😀 ', '\ud83d', 'a\ud83d\ude00b', '𐐀𐐁 Ǆ', '\u0085x\u0085', '', ' ', '\u00a0',
      // hashtags: whole, marks first, digits only, at the end, doubled, next to each other, astral, cut by a lone surrogate
      'Vamos #FelizDomingo #2024 ya', '#biodiversité Les îles #M5S_x, ok #ريال_مدريد', '# alone #', 'a #\u0301b c', '#\u0903', '##x y',
      'x#', '#a#b#c', '#𝕳𝖊𝖑𝖑𝖔 #𝟘𝟙 #\u{1d167}', '#a\ud835b', '#\ud835', '#\udd73x', 'https://x.y/#top #fin', '@a#b #c@d', '#️⃣ #1️⃣ 1#️⃣',
    ]) {
      check(kernel, t);
    }
  });

  it('with lowercase off, for the same texts', () => {
    const keepCase = new WasmClassifier(withFeatures({ cleanup: mode, lowercase: false }));
    fc.assert(fc.property(fc.oneof(richText, hashtagText), (t) => check(keepCase, t, false)), { numRuns: 3_000, seed: FUZZ_SEED });
  });

  it('stands aside when told the rules are not its own: every text declined', () => {
    const off = new WasmClassifier(withFeatures({ cleanup: mode }), undefined, { scan: false });
    expect(off.prepare('hello world')).toBeNull();
  });
});

describe('the scanner and the rule lists of the two tweet modes', () => {
  it('differ only in the hash rule, at the same index', () => {
    expect(TWEET_NOHASHTAG_RULES.length).toBe(TWEET_RULES.length);
    const same = (a: readonly [RegExp, string], b: readonly [RegExp, string]) => a[0].source === b[0].source && a[0].flags === b[0].flags && a[1] === b[1];
    const differ = TWEET_RULES.map((r, i) => (same(r, TWEET_NOHASHTAG_RULES[i]) ? -1 : i)).filter((i) => i >= 0);
    expect(differ).toEqual([3]);
    expect(TWEET_NOHASHTAG_RULES[3][0].source).toBe(String.raw`#[\p{L}\p{M}\p{N}_]+`);
  });

  it('each mode checks its own list: a changed hashtag rule makes only tweet-nohashtags stand aside', () => {
    const rules = TWEET_NOHASHTAG_RULES as Array<readonly [RegExp, string]>;
    const kept = rules[3];
    try {
      rules[3] = [/#[\p{L}\p{N}_]+/gu, ' ']; // marks no longer part of a hashtag
      expect(scannerFitsRules(true)).toBe(false);
      expect(scannerFitsRules(false)).toBe(true);
      expect(new WasmClassifier(withFeatures({ cleanup: 'tweet-nohashtags' })).prepare('hello world')).toBeNull();
      expect(new WasmClassifier(withFeatures({ cleanup: 'tweet' })).prepare('hello world')).toBe('hello world');
    } finally {
      rules[3] = kept;
    }
    expect(scannerFitsRules(true)).toBe(true);
  });
});

describe('the scanner with clean-up "none"', () => {
  it('lower-cases only', () => {
    const lowerOnly = new WasmClassifier(withFeatures({ cleanup: 'none' }));
    fc.assert(
      fc.property(fc.oneof(richText, hostileText()), (t) => {
        const got = lowerOnly.prepare(t);
        if (got === null) expect(mayDecline(t)).toBe(true);
        else expect(got).toBe(applyCleanup(t, 'none', true));
      }),
      { numRuns: 3_000, seed: FUZZ_SEED },
    );
  });
});

describe('character tables', () => {
  it('give each class its own bit of a byte (the prop table is a Uint8Array)', () => {
    const bits = [P_LETTER, P_LN, P_WORD, P_SYM, P_SPACE, P_LOWER, P_TAG];
    expect(new Set(bits).size).toBe(bits.length);
    for (const b of bits) expect(b > 0 && b < 256 && (b & (b - 1)) === 0, String(b)).toBe(true);
    expect(bits.reduce((a, b) => a | b, 0)).toBeLessThan(256);
  });

  it('lower-case every code unit as toLowerCase does, alone and between letters, except the units marked special', () => {
    const { lower, kind } = bmpTables(true);
    const LSPEC = 64;
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (kind[c] & LSPEC) continue;
      const ch = String.fromCharCode(c);
      const l = String.fromCharCode(lower[c]);
      if (ch.toLowerCase() !== l || `A${ch}b`.toLowerCase() !== `a${l}b`) expect.fail(`U+${c.toString(16)}`);
    }
  });
});

describe('scanner on long texts', () => {
  it('cleans a 300,000-unit text (its result is read back in pieces)', () => {
    const text = 'Hola @ana mira https://t.co/x #FelizDomingo 😀 '.repeat(7000);
    expect(text.length).toBeGreaterThan(300_000);
    for (const mode of MODES) checkScan(new WasmClassifier(withFeatures({ cleanup: mode })), text, mode);
  });
});
