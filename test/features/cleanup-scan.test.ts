import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../src/config.js';
import { parseModel, type ClusterModel } from '../../src/clustering/model.js';
import { WasmClassifier } from '../../src/clustering/wasm-classify.js';
import { bmpTables, scannerFitsRules } from '../../src/features/char-tables.js';
import { TWEET_RULES, applyCleanup } from '../../src/features/cleanup.js';
import { loadTexts } from '../../bench/lib/texts.js';
import { FUZZ_SEED, hostileText } from '../helpers/hostile.js';

const bundledModel = parseModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
// the scanner emulates clean-up `tweet` (the bundled model's `tweet-nohashtags` takes the JS path)
const defaultModel: ClusterModel = { ...bundledModel, features: { ...bundledModel.features, cleanup: 'tweet' } };
const withFeatures = (f: Partial<ClusterModel['features']>): ClusterModel => ({ ...defaultModel, features: { ...defaultModel.features, ...f } });

/** What a declined text may contain: an entity ampersand, or a character whose lower case is not one unit to one unit. */
function mayDecline(text: string): boolean {
  if (text.includes('&')) return true;
  for (const ch of text) if (ch.toLowerCase().length !== ch.length || ch === 'Σ' || ch === 'İ' || (ch.length === 2 && ch.toLowerCase() !== ch)) return true;
  return false;
}

function checkScan(kernel: WasmClassifier, text: string, lowercase = true): void {
  const got = kernel.prepare(text);
  if (got === null) {
    expect(mayDecline(text), `declined ${JSON.stringify(text)}`).toBe(true);
    return;
  }
  expect(got, JSON.stringify(text)).toBe(applyCleanup(text, 'tweet', lowercase));
}

// pieces the rules look at, and the characters around them that change a match
const PIECES = [
  'a', 'h', 'H', 't', 'T', 'p', 'P', 's', 'S', 'ſ', 'w', 'W', 'R', 'x', '1', '_', '.', ':', '/', '…', '@', '#', ';',
  ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\u200b', '\u200d', '\ufe0f', '\u20e3', '^', '`', '©',
  '😀', '👍🏽', '🇪🇸', '\ud83d', '\ude00', '𝕳', '𠜎', '𐐀', 'é', 'ж', 'Ж', '中', 'İ', 'Σ', 'ς', 'ß', 'Ǆ',
  'http', 'https', 'HTTP', 'hTtPs', 'www.', 'WWW.', 'RT', 'RT:', 'RT :', 'http://', 'https://t.co/x', 'httpſ://', 'http:/', '@user', '#tag',
].map((s) => fc.constant(s));
const richText = fc.array(fc.oneof(...PIECES), { maxLength: 30 }).map((p) => p.join(''));

describe('the WebAssembly clean-up scanner equals applyCleanup(text, "tweet", lowercase)', () => {
  const kernel = new WasmClassifier(defaultModel);

  it('is built for the rules cleanup.ts has', () => {
    expect(scannerFitsRules()).toBe(true);
    expect(TWEET_RULES.length).toBe(6);
  });

  it('on random texts dense in what the rules look at (URLs, mentions, RT, #, symbols, spaces, case)', () => {
    fc.assert(fc.property(richText, (t) => checkScan(kernel, t)), { numRuns: 20_000, seed: FUZZ_SEED });
  });

  it('on hostile texts (lone surrogates, controls, bidi marks, combining marks, any code point)', () => {
    fc.assert(fc.property(hostileText(), (t) => checkScan(kernel, t)), { numRuns: 5_000, seed: FUZZ_SEED });
  });

  it('on every real text, declining only texts with entities or special lower-casing', () => {
    const { texts } = loadTexts();
    let declined = 0;
    for (const t of texts) {
      const got = kernel.prepare(t);
      if (got === null) declined++;
      checkScan(kernel, t);
    }
    expect(declined / texts.length).toBeLessThan(0.05);
  });

  it('cases the rules single out', () => {
    for (const t of [
      'RT @user: hola https://t.co/abc ¿qué tal? #España 😀😀 ',
      'xhttp://a yhttps  zhttp: www.x.y ahttpb http…', 'Ahttp http1 httpſ httpſ: http://', '@', '@@a', '#', '##a', 'a#', 'RTRT', 'xRT RTx RT', 'RT\t: x',
      '😀', ' 😀 ', '\ud83d', 'a\ud83d\ude00b', '𐐀𐐁 Ǆ', '\u0085x\u0085', '', ' ', '\u00a0',
    ]) {
      checkScan(kernel, t);
    }
  });

  it('with lowercase off, and with clean-up "none" (lower-casing only), for the same texts', () => {
    const keepCase = new WasmClassifier(withFeatures({ lowercase: false }));
    fc.assert(fc.property(richText, (t) => checkScan(keepCase, t, false)), { numRuns: 3_000, seed: FUZZ_SEED });
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

  it('stands aside when told the rules are not its own: every text declined', () => {
    const off = new WasmClassifier(defaultModel, undefined, { scan: false });
    expect(off.prepare('hello world')).toBeNull();
  });
});

describe('character tables', () => {
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
