/**
 * The featurizer's counting and weighting as WebAssembly (text format, assembled by src/wasm/wat.ts):
 * Spark 3 HashingTF of the 1-, 2- and 3-code-unit windows of a prepared text in memory, then tf, IDF and
 * L2 norm, giving exactly the weights of `Featurizer.weighPrepared` in the same order.
 *
 * - Each code unit is encoded once as Java's UTF-8 (1 to 3 bytes; a surrogate standing alone is '?').
 *   A window's bytes are packed into at most two 4-byte blocks and a tail (i64 arithmetic) and mixed as
 *   MurmurHash3 x86_32 (seed 42) mixes them: no byte loop, no buffer. Windows holding a surrogate
 *   (a pair is one 4-byte code point, a lone one '?') take `$hashWin`, the byte-by-byte port of
 *   ngram-index.ts's `windowHash`.
 * - Indices are counted in the reference order (all unigrams, then bigrams, then trigrams, each first
 *   seen appended to the touched list), so the weights, and every sum over them, come out in the same
 *   order as in JS: the scores built on them are the same doubles.
 * - Weights: 1 + ln(count) from a table below LOG_TF_TABLE (Math.log, imported, above), times the IDF weight,
 *   rounded to float32; the L2 norm uses the unrounded doubles, as Featurizer.weigh does.
 */
import type { FeatureSettings } from './settings.js';
import { bucketMask } from './ngram-index.js';

export interface NgramLayout {
  ACC: number;
  IDF: number;
  LOGTF: number;
  /** i32 slots holding the touched-index list, the weights (f32) and the bigram/trigram index buffers. */
  C_TOUCH: number;
  C_VAL: number;
  C_I2: number;
  C_I3: number;
  /** An f64 slot written before loops so that V8 computes loop invariants once (see $weigh). */
  C_PIN: number;
  /**
   * Index tables (ngram-index.ts): of every code unit as a unigram (UNI) and of every bigram of two
   * Latin-1 units at (a << 8) | b (BI); u16 entries when numFeatures <= 65536, else i32.
   */
  UNI: number;
  BI: number;
}

/**
 * Entries of the 1 + ln(count) table (LOGTF, f64). `weightWat(..., tableOnly)` reads it without a bounds
 * test: only for texts too short for any count to reach it (a count is at most the number of windows).
 */
export const LOG_TF_TABLE = 4096;

/** Bytes per entry of the UNI and BI tables. */
export function indexTableBytes(numFeatures: number): number {
  return numFeatures <= 0x10000 ? 2 : 4;
}

const SEED = 42;
const mixK1 = 'i32.const 0xcc9e2d51 i32.mul i32.const 15 i32.rotl i32.const 0x1b873593 i32.mul';
/** k on the stack -> mixH1(h, k) on the stack. */
const mixH1 = (h: string) => `local.get ${h} i32.xor i32.const 13 i32.rotl i32.const 5 i32.mul i32.const 0xe6546b64 i32.add`;
/** h on the stack -> fmix(h, len) on the stack (uses local h). */
const fmix = (h: string, len: string) =>
  `${len} i32.xor local.tee ${h} local.get ${h} i32.const 16 i32.shr_u i32.xor i32.const 0x85ebca6b i32.mul local.tee ${h} ` +
  `local.get ${h} i32.const 13 i32.shr_u i32.xor i32.const 0xc2b2ae35 i32.mul local.tee ${h} local.get ${h} i32.const 16 i32.shr_u i32.xor`;
const inc = (l: string, by = 1) => `local.get ${l} i32.const ${by} i32.add local.set ${l}`;

/** Hash on the stack -> bucket index on the stack (nonNegativeMod), using local $r. */
function indexOf(numFeatures: number): string {
  const mask = bucketMask(numFeatures);
  if (mask >= 0) return `i32.const ${mask} i32.and`;
  return `i32.const ${numFeatures} i32.rem_s local.tee $r local.get $r i32.const 31 i32.shr_s i32.const ${numFeatures} i32.and i32.add`;
}

/** Bucket index on the stack: counted; appended to the touched list when first seen. */
function count(L: NgramLayout): string {
  return `local.tee $idx i32.const 2 i32.shl local.tee $ap i32.load offset=${L.ACC} local.set $old
    local.get $ap local.get $old i32.const 1 i32.add i32.store offset=${L.ACC}
    local.get $touch local.get $t i32.const 2 i32.shl i32.add local.get $idx i32.store
    local.get $t local.get $old i32.eqz i32.add local.set $t`;
}

/** True when the kernel can featurize with these settings (else the JS featurizer does). */
export function ngramWasmSupports(s: Readonly<FeatureSettings>): boolean {
  return s.hash === 'spark3' && s.ngrams.length > 0 && s.ngrams.every((n) => n >= 1 && n <= 3);
}

/** `$count(p, m) -> touched`, `$hashWin(p, start, n) -> hash`, `$weigh(t)` for these settings. */
export function ngramWat(L: NgramLayout, s: Readonly<FeatureSettings>): string {
  const has = (n: number) => s.ngrams.includes(n);
  const idx = indexOf(s.numFeatures);
  const encode = `
      local.get $c i32.const 0x80 i32.lt_u if
        local.get $c local.set $e i32.const 1 local.set $l i32.const 0 local.set $s
      else
        local.get $c i32.const 0x800 i32.lt_u if
          local.get $c i32.const 6 i32.shr_u i32.const 0xc0 i32.or
          local.get $c i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 8 i32.shl i32.or local.set $e
          i32.const 2 local.set $l i32.const 0 local.set $s
        else
          local.get $c i32.const 0xf800 i32.and i32.const 0xd800 i32.eq if
            i32.const 0x3f local.set $e i32.const 1 local.set $l i32.const 1 local.set $s
          else
            local.get $c i32.const 12 i32.shr_u i32.const 0xe0 i32.or
            local.get $c i32.const 6 i32.shr_u i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 8 i32.shl i32.or
            local.get $c i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 16 i32.shl i32.or local.set $e
            i32.const 3 local.set $l i32.const 0 local.set $s
          end
        end
      end`;
  const wide = indexTableBytes(s.numFeatures) === 4;
  const load = (table: number, unit: string) =>
    wide ? `${unit} i32.const 2 i32.shl i32.load offset=${table}` : `${unit} i32.const 1 i32.shl i32.load16_u offset=${table}`;
  const uni = `${load(L.UNI, 'local.get $c')} ${count(L)}`;
  // bigram of (ea, la) (e, l), no surrogate: at most 6 bytes, one block and a tail
  const bi = `
        local.get $la local.get $l i32.add local.set $len
        local.get $ea local.get $e local.get $la i32.const 3 i32.shl i32.shl i32.or ${mixK1} local.set $k
        local.get $len i32.const 4 i32.lt_u if (result i32)
          local.get $k i32.const ${SEED} i32.xor
        else
          i32.const ${SEED} local.set $h local.get $k ${mixH1('$h')}
          local.get $e i32.const 32 local.get $la i32.const 3 i32.shl i32.sub i32.shr_u ${mixK1} i32.xor
        end
        ${fmix('$h', 'local.get $len')}`;
  // trigram of (eb, lb) (ea, la) (e, l), no surrogate: at most 9 bytes, two blocks and a tail
  const tri = `
        local.get $lb local.get $la i32.add local.get $l i32.add local.set $len
        local.get $eb i64.extend_i32_u
        local.get $ea i64.extend_i32_u local.get $lb i32.const 3 i32.shl i64.extend_i32_u i64.shl i64.or
        local.get $e i64.extend_i32_u local.get $lb local.get $la i32.add i32.const 3 i32.shl i64.extend_i32_u i64.shl i64.or
        local.set $w
        local.get $len i32.const 4 i32.lt_u if (result i32)
          local.get $w i32.wrap_i64 ${mixK1} i32.const ${SEED} i32.xor
        else
          i32.const ${SEED} local.set $h
          local.get $w i32.wrap_i64 ${mixK1} ${mixH1('$h')} local.set $h
          local.get $len i32.const 8 i32.lt_u if (result i32)
            local.get $w i64.const 32 i64.shr_u i32.wrap_i64 ${mixK1} local.get $h i32.xor
          else
            local.get $w i64.const 32 i64.shr_u i32.wrap_i64 ${mixK1} ${mixH1('$h')} local.set $h
            local.get $len i32.const 9 i32.eq if (result i32)
              local.get $e i32.const 16 i32.shr_u ${mixK1} local.get $h i32.xor
            else local.get $h end
          end
        end
        ${fmix('$h', 'local.get $len')}`;
  const tfValue = weightWat(L, s);
  return ngramFuncs(L, s, has, idx, encode, uni, bi, tri, tfValue, load);
}

/**
 * The unnormalised weight of a bucket as Featurizer.weigh computes it (tf, times IDF), as an f64 on the
 * stack; expects the bucket's count in local $c and its byte offset (index * 4) in local $j.
 */
export function weightWat(L: NgramLayout, s: Readonly<FeatureSettings>, tableOnly = false): string {
  const tf =
    s.tf === 'log'
      ? tableOnly
        ? `local.get $c i32.const 3 i32.shl f64.load offset=${L.LOGTF}`
        : `local.get $c i32.const ${LOG_TF_TABLE} i32.lt_u if (result f64)
           local.get $c i32.const 3 i32.shl f64.load offset=${L.LOGTF}
         else
           local.get $c f64.convert_i32_u call $log f64.const 1 f64.add
         end`
      : s.tf === 'binary'
        ? 'f64.const 1'
        : 'local.get $c f64.convert_i32_u';
  return `${tf} ${s.idf ? `local.get $j f32.load offset=${L.IDF} f64.promote_f32 f64.mul` : ''}`;
}

function ngramFuncs(
  L: NgramLayout,
  s: Readonly<FeatureSettings>,
  has: (n: number) => boolean,
  idx: string,
  encode: string,
  uni: string,
  bi: string,
  tri: string,
  tfValue: string,
  load: (table: number, unit: string) => string,
): string {
  return `
  ;; Spark 3 hash of the window p[start .. start+n): Java UTF-8 bytes into MurmurHash3 one at a time
  (func $hashWin (param $p i32) (param $start i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $c i32) (local $d i32) (local $cp i32) (local $enc i32) (local $nb i32) (local $b i32)
    (local $h i32) (local $k i32) (local $fill i32) (local $len i32)
    i32.const ${SEED} local.set $h
    local.get $start local.set $i
    local.get $start local.get $n i32.add local.set $end
    block $done loop $top
      local.get $i local.get $end i32.ge_u br_if $done
      local.get $p local.get $i i32.const 1 i32.shl i32.add i32.load16_u local.set $c
      local.get $c i32.const 0x80 i32.lt_u if
        local.get $c local.set $enc i32.const 1 local.set $nb
      else local.get $c i32.const 0x800 i32.lt_u if
        local.get $c i32.const 6 i32.shr_u i32.const 0xc0 i32.or
        local.get $c i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 8 i32.shl i32.or local.set $enc
        i32.const 2 local.set $nb
      else local.get $c i32.const 0xf800 i32.and i32.const 0xd800 i32.eq if
        i32.const 0x3f local.set $enc i32.const 1 local.set $nb
        local.get $c i32.const 0xdbff i32.le_u local.get $i i32.const 1 i32.add local.get $end i32.lt_u i32.and if
          local.get $p local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2 local.tee $d
          i32.const 0xfc00 i32.and i32.const 0xdc00 i32.eq if
            local.get $c i32.const 0xd800 i32.sub i32.const 10 i32.shl local.get $d i32.const 0xdc00 i32.sub i32.add i32.const 0x10000 i32.add local.set $cp
            local.get $cp i32.const 18 i32.shr_u i32.const 0xf0 i32.or
            local.get $cp i32.const 12 i32.shr_u i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 8 i32.shl i32.or
            local.get $cp i32.const 6 i32.shr_u i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 16 i32.shl i32.or
            local.get $cp i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 24 i32.shl i32.or local.set $enc
            i32.const 4 local.set $nb
            ${inc('$i')}
          end
        end
      else
        local.get $c i32.const 12 i32.shr_u i32.const 0xe0 i32.or
        local.get $c i32.const 6 i32.shr_u i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 8 i32.shl i32.or
        local.get $c i32.const 0x3f i32.and i32.const 0x80 i32.or i32.const 16 i32.shl i32.or local.set $enc
        i32.const 3 local.set $nb
      end end end
      i32.const 0 local.set $b
      block $bd loop $bl
        local.get $b local.get $nb i32.ge_u br_if $bd
        local.get $k
        local.get $enc local.get $b i32.const 3 i32.shl i32.shr_u i32.const 255 i32.and local.get $fill i32.const 3 i32.shl i32.shl
        i32.or local.set $k
        ${inc('$fill')}
        local.get $fill i32.const 4 i32.eq if
          local.get $k ${mixK1} ${mixH1('$h')} local.set $h
          i32.const 0 local.set $k i32.const 0 local.set $fill
        end
        ${inc('$b')}
        br $bl
      end end
      local.get $len local.get $nb i32.add local.set $len
      ${inc('$i')}
      br $top
    end end
    local.get $fill if local.get $k ${mixK1} local.get $h i32.xor local.set $h end
    local.get $h ${fmix('$h', 'local.get $len')})

  ;; counts of the hashed n-grams of p[0..m) into ACC; returns how many distinct indices (in the touched list)
  (func $count (param $p i32) (param $m i32) (result i32)
    (local $i i32) (local $c i32) (local $e i32) (local $l i32) (local $s i32)
    (local $ea i32) (local $la i32) (local $sa i32) (local $eb i32) (local $lb i32) (local $sb i32)
    (local $h i32) (local $k i32) (local $len i32) (local $w i64) (local $r i32)
    (local $idx i32) (local $ap i32) (local $old i32) (local $t i32) (local $touch i32) (local $i2 i32) (local $i3 i32) (local $q i32) (local $ca i32)
    i32.const 0 i32.load offset=${L.C_TOUCH} local.set $touch
    i32.const 0 i32.load offset=${L.C_I2} local.set $i2
    i32.const 0 i32.load offset=${L.C_I3} local.set $i3
    block $done loop $top
      local.get $i local.get $m i32.ge_u br_if $done
      local.get $p local.get $i i32.const 1 i32.shl i32.add i32.load16_u local.set $c
      ${encode}
      ${has(1) ? uni : ''}
      ${
        has(2)
          ? `local.get $i if
        local.get $i2 local.get $i i32.const 2 i32.shl i32.add
        local.get $c local.get $ca i32.or i32.const 256 i32.lt_u if (result i32)
          ${load(L.BI, 'local.get $ca i32.const 8 i32.shl local.get $c i32.or')}
        else
          local.get $s local.get $sa i32.or if (result i32)
            local.get $p local.get $i i32.const 1 i32.sub i32.const 2 call $hashWin
          else ${bi} end
          ${idx}
        end
        i32.store
      end`
          : ''
      }
      ${
        has(3)
          ? `local.get $i i32.const 2 i32.ge_u if
        local.get $i3 local.get $i i32.const 2 i32.shl i32.add
        local.get $s local.get $sa i32.or local.get $sb i32.or if (result i32)
          local.get $p local.get $i i32.const 2 i32.sub i32.const 3 call $hashWin
        else ${tri} end
        ${idx} i32.store
      end`
          : ''
      }
      local.get $ea local.set $eb local.get $la local.set $lb local.get $sa local.set $sb local.get $c local.set $ca
      local.get $e local.set $ea local.get $l local.set $la local.get $s local.set $sa
      ${inc('$i')}
      br $top
    end end
    ${
      has(2)
        ? `local.get $m i32.const 2 i32.ge_u if
      i32.const 1 local.set $q
      block $d2 loop $l2
        local.get $q local.get $m i32.ge_u br_if $d2
        local.get $i2 local.get $q i32.const 2 i32.shl i32.add i32.load ${count(L)}
        ${inc('$q')} br $l2
      end end
    else local.get $m if
      local.get $p i32.const 0 i32.const 1 call $hashWin ${idx} ${count(L)}
    end end`
        : ''
    }
    ${
      has(3)
        ? `local.get $m i32.const 3 i32.ge_u if
      i32.const 2 local.set $q
      block $d3 loop $l3
        local.get $q local.get $m i32.ge_u br_if $d3
        local.get $i3 local.get $q i32.const 2 i32.shl i32.add i32.load ${count(L)}
        ${inc('$q')} br $l3
      end end
    else local.get $m if
      local.get $p i32.const 0 local.get $m call $hashWin ${idx} ${count(L)}
    end end`
        : ''
    }
    local.get $t)

  ;; counts -> weights (f32, touched order); resets the counts
  (func $weigh (param $t i32) (local $p i32) (local $j i32) (local $c i32) (local $v f64) (local $sq f64) (local $inv f64) (local $touch i32) (local $val i32)
    i32.const 0 i32.load offset=${L.C_TOUCH} local.set $touch
    i32.const 0 i32.load offset=${L.C_VAL} local.set $val
    block $done loop $top
      local.get $p local.get $t i32.ge_u br_if $done
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const 2 i32.shl local.tee $j
      i32.load offset=${L.ACC} local.set $c
      local.get $j i32.const 0 i32.store offset=${L.ACC}
      ${tfValue}
      local.set $v
      local.get $val local.get $p i32.const 2 i32.shl i32.add local.get $v f32.demote_f64 f32.store
      local.get $sq local.get $v local.get $v f64.mul f64.add local.set $sq
      ${inc('$p')}
      br $top
    end end
    ${
      s.norm === 'l2'
        ? `local.get $sq f64.const 0 f64.gt if
      f64.const 1 local.get $sq f64.sqrt f64.div local.set $inv
      ;; a use before the loop keeps V8 from computing sqrt and div inside it, once per element
      i32.const 0 local.get $inv f64.store offset=${L.C_PIN}
      i32.const 0 local.set $p
      block $d loop $l
        local.get $p local.get $t i32.ge_u br_if $d
        local.get $val local.get $p i32.const 2 i32.shl i32.add local.tee $j
        local.get $j f32.load f64.promote_f32 local.get $inv f64.mul f32.demote_f64 f32.store
        ${inc('$p')}
        br $l
      end end
    end`
        : ''
    })`;
}
