/**
 * The whole of `Predictor.predictBatch` as one WebAssembly module, generated for a model's settings and
 * assembled at run time (src/wasm/wat.ts): raw UTF-16 texts in memory -> clean-up and lower-casing
 * (features/cleanup-scan.ts) -> hashed n-gram counts and weights (features/ngram-wasm.ts) -> nearest
 * center, label and unknown reason. Results are those of the JS path for every text: same cluster, same
 * reason, the same distance double.
 *
 * Scoring. With cosine distance the k dot products are first computed in float32 (f32x4 SIMD, half the
 * work and memory traffic of float64). The float32 error of each is bounded (|error| <= γ_t ||x|| ||c||
 * with γ_t = t·2^-24/(1 - t·2^-24) for t non-zeros), which bounds every approximate distance within
 * ±δ, δ = 2(t + 2)·2^-24 + 1e-12. Every center that could be the nearest (approximate adjusted distance
 * within 2δ of the smallest) is then scored exactly: float64, its terms added in the featurizer's order,
 * as the JS path adds them, so the chosen cluster, tie-breaking (lowest index) and distance are those of
 * the JS path. The margin rule re-scores exactly every center of another label that could be within
 * `minMargin`. Euclidean models, empty vectors and very long texts score every center exactly (f64x2).
 *
 * A text the kernel does not take (entities, special lower-casing: see cleanup-scan.ts) gets reason 255
 * and the caller runs the JS path for it.
 */
import { bmpTables, astralPage, scannerFitsRules } from '../features/char-tables.js';
import type { CleanupMode } from '../features/cleanup.js';
import { charWat, cleanupWat, lowerOnlyWat } from '../features/cleanup-scan.js';
import { LOG_TF_TABLE, indexTableBytes, ngramWasmSupports, ngramWat, weightWat } from '../features/ngram-wasm.js';
import { latinPairTable, unigramTable } from '../features/ngram-index.js';
import { assemble } from '../wasm/wat.js';
import type { BatchPredictions } from './predictor.js';
import { scoringTables, type ScoringTables } from './scoring-tables.js';
import type { ClusterModel } from './model.js';

const PAGE = 65536;
/** Reason code of a text the kernel leaves to the JS path. */
export const R_JS = 255;
/** Texts longer than this (code units) take the JS path (their scratch space would be large). */
export const MAX_KERNEL_TEXT = 1 << 20;

const align = (n: number, a = 16) => Math.ceil(n / a) * a;

interface Layout {
  kp: number;
  d: number;
  C_BIAS: number;
  C_MAXD: number;
  C_MINM: number;
  C_MINL: number;
  C_RESC: number;
  C_RESD: number;
  C_PREP: number;
  C_TOUCH: number;
  C_VAL: number;
  C_I2: number;
  C_I3: number;
  C_BUFA: number;
  C_BUFB: number;
  /** f64 slots written before loops so that V8 computes loop invariants once (see pin()). */
  C_PIN: number;
  /** f64: the squared norm of the weights, summed by $approx. */
  C_XN2: number;
  LOWER: number;
  KIND: number;
  PROP: number;
  PAGEIDX: number;
  PAGES: number;
  LOGTF: number;
  CNORM: number;
  CNORM2: number;
  /** 1 / ||c_j|| (0 for a zero center) and the bias of each center (unlabelledBias or 0): approximate distances. */
  INVCN: number;
  BIASV: number;
  IDS: number;
  SC32: number;
  SC64: number;
  AADJ: number;
  EADJ: number;
  EDIST: number;
  DONE: number;
  IDF: number;
  UNI: number;
  BI: number;
  ACC: number;
  CT: number;
  /** First byte after the static part: per-batch scratch and texts go here. */
  DYN: number;
}

/** Supplementary code point pages (0x100 .. 0x10ff) each get a 256-byte slot when first used. */
const PAGE_SLOTS = 0x1000 + 1;

function layout(k: number, d: number): Layout {
  const kp = align(k, 4);
  const LOWER = 256;
  const KIND = LOWER + 0x20000;
  const PROP = KIND + 0x10000;
  const PAGEIDX = PROP + 0x10000;
  const PAGES = align(PAGEIDX + 0x1100 * 2, 256);
  const LOGTF = PAGES + PAGE_SLOTS * 256;
  const CNORM = LOGTF + LOG_TF_TABLE * 8;
  const CNORM2 = CNORM + kp * 8;
  const INVCN = CNORM2 + kp * 8;
  const BIASV = INVCN + kp * 8;
  const IDS = BIASV + kp * 8;
  const SC32 = align(IDS + kp * 4);
  const SC64 = align(SC32 + kp * 4);
  const AADJ = SC64 + kp * 8;
  const EADJ = AADJ + kp * 8;
  const EDIST = EADJ + kp * 8;
  const DONE = EDIST + kp * 8;
  const IDF = align(DONE + kp);
  const UNI = align(IDF + d * 4);
  const BI = UNI + 0x10000 * indexTableBytes(d);
  const ACC = BI + 0x10000 * indexTableBytes(d);
  const CT = align(ACC + d * 4);
  const DYN = align(CT + d * kp * 4);
  return {
    kp, d,
    C_BIAS: 0, C_MAXD: 8, C_MINM: 16, C_MINL: 24, C_RESC: 32, C_RESD: 40, C_PREP: 48, C_TOUCH: 52, C_VAL: 56, C_I2: 60, C_I3: 64, C_BUFA: 68, C_BUFB: 72, C_PIN: 80, C_XN2: 144,
    LOWER, KIND, PROP, PAGEIDX, PAGES, LOGTF, CNORM, CNORM2, INVCN, BIASV, IDS, SC32, SC64, AADJ, EADJ, EDIST, DONE, IDF, UNI, BI, ACC, CT, DYN,
  };
}

/** True when the kernel handles this model (else Predictor runs its JS path). */
export function kernelSupports(model: ClusterModel): boolean {
  return ngramWasmSupports(model.features) && typeof WebAssembly === 'object';
}

const inc = (l: string, by = 1) => `local.get ${l} i32.const ${by} i32.add local.set ${l}`;
/**
 * Stores f64 local `l` in pin slot `i`. TurboFan schedules a pure value at its uses, which can put a sqrt
 * or a division inside the loop that uses it (run once per element); a use before the loop keeps it there.
 */
const pin = (L: { C_PIN: number }, l: string, i: number) => `i32.const 0 local.get ${l} f64.store offset=${L.C_PIN + 8 * i}`;
/**
 * Prepared texts at least this long are scored exactly: the float32 path reads 1 + ln(count) from the
 * table without a bounds test (a count is at most the number of windows, 3 per code unit).
 */
const FAST_MAX_UNITS = Math.floor((LOG_TF_TABLE - 4) / 3);
/** Accumulator vectors per pass over the non-zeros (they live in registers). */
const BLOCK = 12;

function scoreWat(L: Layout, model: ClusterModel, stage?: KernelStage): string {
  const { kp } = L;
  const { k } = model;
  const cosine = model.distance === 'cosine';
  const l2 = model.features.norm === 'l2';
  const rowBytes = kp * 4;
  const accs = Array.from({ length: BLOCK }, (_, i) => `(local $a${i} v128)`).join(' ');
  const zero = (q: number[]) => q.map((i) => `v128.const i32x4 0 0 0 0 local.set $a${i}`).join(' ');
  const blocks = (lanes: number, body: (first: number, q: number[]) => string) => {
    const out: string[] = [];
    for (let first = 0; first < lanes; first += BLOCK) {
      const q = Array.from({ length: Math.min(BLOCK, lanes - first) }, (_, i) => i);
      out.push(body(first, q));
    }
    return out;
  };
  const f32Dots = (first: number, q: number[]) =>
    q.map((i) => `local.get $a${i} local.get $x local.get $base v128.load offset=${L.CT + 16 * (first + i)} f32x4.mul f32x4.add local.set $a${i}`).join('\n      ');
  const storeF32 = (first: number, q: number[]) => q.map((i) => `i32.const 0 local.get $a${i} v128.store offset=${L.SC32 + 16 * (first + i)}`).join(' ');
  // Pass A (cosine): turns counts into weights (tf, IDF; as $weigh does), sums their squares in order
  // (the L2 norm: this chain of additions runs alongside the SIMD work) and scores every center in
  // float32 with the unnormalised weights. Centers beyond the first BLOCK * 4 take further passes
  // over the (then stored) weights.
  const passA = blocks(kp / 4, (first, q) =>
    first === 0
      ? `${zero(q)}
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const 2 i32.shl local.tee $j
      i32.load offset=${L.ACC} local.set $c
      local.get $j i32.const 0 i32.store offset=${L.ACC}
      ${weightWat(L, model.features, true)} local.tee $v local.get $v f64.mul local.get $sq f64.add local.set $sq
      local.get $val local.get $p i32.const 2 i32.shl i32.add local.get $v f32.demote_f64 local.tee $vf f32.store
      local.get $vf f32x4.splat local.set $x
      local.get $j i32.const ${kp} i32.mul local.set $base
      ${f32Dots(first, q)}
      ${inc('$p')}
      br $l
    end end
    ${storeF32(first, q)}`
      : `${zero(q)}
    i32.const 0 local.set $p
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $val local.get $p i32.const 2 i32.shl i32.add v128.load32_splat local.set $x
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const ${rowBytes} i32.mul local.set $base
      ${f32Dots(first, q)}
      ${inc('$p')}
      br $l
    end end
    ${storeF32(first, q)}`,
  );
  // float64 dot products with every center, f64x2 lanes, each sum in the weights' order
  const exactBlocks = blocks(kp / 2, (first, q) => `
    ${zero(q)}
    i32.const 0 local.set $p
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $val local.get $p i32.const 2 i32.shl i32.add f32.load f64.promote_f32 f64x2.splat local.set $x
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const ${rowBytes} i32.mul local.set $base
      ${q.map((i) => `local.get $a${i} local.get $x local.get $base v128.load64_zero offset=${L.CT + 8 * (first + i)} f64x2.promote_low_f32x4 f64x2.mul f64x2.add local.set $a${i}`).join('\n      ')}
      ${inc('$p')}
      br $l
    end end
    ${q.map((i) => `i32.const 0 local.get $a${i} v128.store offset=${L.SC64 + 16 * (first + i)}`).join(' ')}`);
  const distOf = (s: string) =>
    cosine
      ? `local.get $j i32.const 3 i32.shl f64.load offset=${L.CNORM} local.tee $cn f64.const 0 f64.eq local.get $xn f64.const 0 f64.eq i32.or if (result f64)
           f64.const 1
         else
           f64.const 1 ${s} local.get $xn local.get $cn f64.mul f64.div f64.sub
         end`
      : `local.get $xn2 f64.const 2 ${s} f64.mul f64.sub local.get $j i32.const 3 i32.shl f64.load offset=${L.CNORM2} f64.add
         f64.const 0 f64.max f64.sqrt`;
  // the distance, plus the bias for an unlabelled center (uses local $dd)
  const adjOf = (dist: string) =>
    `${dist} local.tee $dd local.get $bias f64.add local.get $dd local.get $j i32.const 2 i32.shl i32.load offset=${L.IDS} i32.const 0 i32.lt_s select`;
  const setBest = `local.get $best i32.const 0 i32.lt_s local.get $a local.get $bestA f64.lt i32.or if
            local.get $j local.set $best local.get $a local.set $bestA
          end`;
  const locals = `(local $p i32) (local $j i32) (local $c i32) (local $touch i32) (local $val i32) (local $base i32) (local $x v128) (local $v f64) (local $vf f32)
    (local $sq f64) (local $inv f64) (local $xn2 f64) (local $xn f64) (local $cn f64) (local $bias f64) (local $s f64) (local $w f32)
    (local $a f64) (local $dd f64) (local $minA f64) (local $thr f64) (local $delta f64) (local $best i32) (local $bestA f64) (local $g i32) (local $col i32)
    (local $label i32) (local $minM f64) (local $minL i32) ${accs}`;
  const setup = `i32.const 0 i32.load offset=${L.C_TOUCH} local.set $touch
    i32.const 0 i32.load offset=${L.C_VAL} local.set $val
    i32.const 0 f64.load offset=${L.C_BIAS} local.set $bias
    i32.const -1 local.set $best`;
  // the unknown rules, once $best, $bestA (adjusted distance), EDIST are set
  const reason = `
    i32.const 0 local.get $best i32.store offset=${L.C_RESC}
    i32.const 0 local.get $best i32.const 3 i32.shl f64.load offset=${L.EDIST} f64.store offset=${L.C_RESD}
    local.get $best i32.const 2 i32.shl i32.load offset=${L.IDS} local.tee $label
    i32.const 0 i32.lt_s if i32.const 3 return end
    i32.const 0 i32.load offset=${L.C_MINL} local.tee $minL if
      local.get $pp local.get $m local.get $minL call $letters local.get $minL i32.lt_s if i32.const 2 return end
    end
    local.get $best i32.const 3 i32.shl f64.load offset=${L.EDIST} i32.const 0 f64.load offset=${L.C_MAXD} f64.gt if i32.const 4 return end
    i32.const 0 f64.load offset=${L.C_MINM} local.tee $minM f64.const -inf f64.gt if
      local.get $minM f64.const 1e-9 f64.add local.set $a
      ${pin(L, '$a', 3)}
      i32.const 0 local.set $j
      block $d loop $l
        local.get $j i32.const ${k} i32.ge_u br_if $d
        local.get $j i32.const 2 i32.shl i32.load offset=${L.IDS} local.get $label i32.ne if
          block $skip
            local.get $j i32.load8_u offset=${L.DONE} i32.eqz if
              ;; certainly not within minMargin: no exact score needed
              local.get $j i32.const 3 i32.shl f64.load offset=${L.AADJ} local.get $delta f64.sub local.get $bestA f64.sub
              local.get $a f64.ge br_if $skip
              local.get $t local.get $j local.get $xn local.get $xn2 local.get $bias call $exactOne
            end
            local.get $j i32.const 3 i32.shl f64.load offset=${L.EADJ} local.get $bestA f64.sub local.get $minM f64.lt if i32.const 5 return end
          end
        end
        ${inc('$j')}
        br $l
      end end
    end
    i32.const 0`;
  return `
  ;; exact (float64, in order) dot product of the weights with center j
  (func $dot (param $t i32) (param $j i32) (result f64) (local $p i32) (local $s f64) (local $touch i32) (local $val i32) (local $col i32)
    i32.const 0 i32.load offset=${L.C_TOUCH} local.set $touch
    i32.const 0 i32.load offset=${L.C_VAL} local.set $val
    local.get $j i32.const 2 i32.shl local.set $col
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $s
      local.get $val local.get $p i32.const 2 i32.shl i32.add f32.load f64.promote_f32
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const ${rowBytes} i32.mul local.get $col i32.add f32.load offset=${L.CT} f64.promote_f32
      f64.mul f64.add local.set $s
      ${inc('$p')}
      br $l
    end end
    local.get $s)
  ;; exact distance and adjusted distance of center j into EDIST / EADJ
  (func $exactOne (param $t i32) (param $j i32) (param $xn f64) (param $xn2 f64) (param $bias f64) (local $cn f64) (local $v f64) (local $dd f64)
    local.get $j i32.const 3 i32.shl
    ${distOf('local.get $t local.get $j call $dot')}
    local.tee $v f64.store offset=${L.EDIST}
    local.get $j i32.const 3 i32.shl
    ${adjOf('local.get $v')}
    f64.store offset=${L.EADJ}
    local.get $j i32.const 1 i32.store8 offset=${L.DONE})
  (func $exactAll (param $t i32) (local $p i32) (local $touch i32) (local $val i32) (local $base i32) (local $x v128) ${accs}
    i32.const 0 i32.load offset=${L.C_TOUCH} local.set $touch
    i32.const 0 i32.load offset=${L.C_VAL} local.set $val
    ${exactBlocks.join('\n')})
  ;; nearest center and reason, every center scored exactly; the weights are already in VAL
  (func $decideExact (param $t i32) (param $pp i32) (param $m i32) (result i32) ${locals}
    ${setup}
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $val local.get $p i32.const 2 i32.shl i32.add f32.load f64.promote_f32 local.tee $v
      local.get $v f64.mul local.get $xn2 f64.add local.set $xn2
      ${inc('$p')}
      br $l
    end end
    local.get $xn2 f64.sqrt local.set $xn
    ${pin(L, '$xn', 0)}
    local.get $t call $exactAll
    i32.const 0 local.set $j
    block $d loop $l
      local.get $j i32.const ${k} i32.ge_u br_if $d
      local.get $j i32.const 3 i32.shl
      ${distOf(`local.get $j i32.const 3 i32.shl f64.load offset=${L.SC64}`)}
      local.tee $v f64.store offset=${L.EDIST}
      local.get $j i32.const 3 i32.shl
      ${adjOf('local.get $v')}
      local.tee $a f64.store offset=${L.EADJ}
      local.get $j i32.const 1 i32.store8 offset=${L.DONE}
      ${setBest}
      ${inc('$j')}
      br $l
    end end
    ${reason})
  ${
    cosine
      ? `
  ;; cosine: counts in ACC -> weights, float32 scores, exact scores of the possible nearest centers
  (func $decideFast (param $t i32) (param $pp i32) (param $m i32) (result i32) ${locals}
    ${setup}
    ${passA.join('\n')}
    ${stage === 'f32' ? 'i32.const 0 return' : ''}
    local.get $sq f64.const 0 f64.eq if
      ;; no weight at all: every distance is 1, score exactly
      local.get $t local.get $pp local.get $m call $decideExact return
    end
    f64.const 1 local.get $sq f64.sqrt f64.div local.set $inv
    ${pin(L, '$inv', 1)}
    ;; |approximate - exact distance| <= delta (float32 sums and weights, see the module comment)
    local.get $t i32.const 4 i32.add f64.convert_i32_u f64.const ${2 ** -23} f64.mul f64.const 1e-12 f64.add local.set $delta
    ${pin(L, '$delta', 2)}
    f64.const inf local.set $minA
    i32.const 0 local.set $j
    block $d loop $l
      local.get $j i32.const ${k} i32.ge_u br_if $d
      local.get $j i32.const 3 i32.shl
      f64.const 1 local.get $j i32.const 2 i32.shl f32.load offset=${L.SC32} f64.promote_f32 local.get $inv f64.mul
      local.get $j i32.const 3 i32.shl f64.load offset=${L.INVCN} f64.mul f64.sub
      local.get $j i32.const 3 i32.shl f64.load offset=${L.BIASV} f64.add
      local.tee $a f64.store offset=${L.AADJ}
      local.get $j i32.const 0 i32.store8 offset=${L.DONE}
      local.get $a local.get $minA f64.lt if local.get $a local.set $minA local.get $j local.set $g end
      ${inc('$j')}
      br $l
    end end
    local.get $minA local.get $delta f64.const 2 f64.mul f64.add local.set $thr
    ${pin(L, '$thr', 4)}
    ;; pass B: the final weights (L2 norm) and, interleaved, the two in-order sums left: the squared
    ;; norm and the exact dot product with the likeliest center g
    local.get $g i32.const 2 i32.shl local.set $col
    i32.const 0 local.set $p
    block $d loop $l
      local.get $p local.get $t i32.ge_u br_if $d
      local.get $val local.get $p i32.const 2 i32.shl i32.add
      ${l2 ? 'local.tee $base local.get $base f32.load f64.promote_f32 local.get $inv f64.mul f32.demote_f64 local.tee $w f32.store local.get $w' : 'f32.load'}
      f64.promote_f32 local.tee $v local.get $v f64.mul local.get $xn2 f64.add local.set $xn2
      local.get $s local.get $v
      local.get $touch local.get $p i32.const 2 i32.shl i32.add i32.load i32.const ${rowBytes} i32.mul local.get $col i32.add f32.load offset=${L.CT} f64.promote_f32
      f64.mul f64.add local.set $s
      ${inc('$p')}
      br $l
    end end
    local.get $xn2 f64.sqrt local.set $xn
    ${pin(L, '$xn', 0)}
    local.get $g local.set $j
    local.get $g i32.const 3 i32.shl
    ${distOf('local.get $s')}
    local.tee $v f64.store offset=${L.EDIST}
    local.get $g i32.const 3 i32.shl
    ${adjOf('local.get $v')}
    f64.store offset=${L.EADJ}
    local.get $g i32.const 1 i32.store8 offset=${L.DONE}
    ;; every other center that could be the nearest is scored exactly too
    i32.const 0 local.set $j
    block $d loop $l
      local.get $j i32.const ${k} i32.ge_u br_if $d
      local.get $j i32.const 3 i32.shl f64.load offset=${L.AADJ} local.get $thr f64.le if
        local.get $j local.get $g i32.ne if
          local.get $t local.get $j local.get $xn local.get $xn2 local.get $bias call $exactOne
        end
        local.get $j i32.const 3 i32.shl f64.load offset=${L.EADJ} local.set $a
        ${setBest}
      end
      ${inc('$j')}
      br $l
    end end
    ${reason})`
      : ''
  }`;
}

/**
 * Where a kernel built for measuring stops: after copying texts in and results out (no kernel run),
 * after clean-up, after counting n-grams, or after the float32 scores (cosine). Its predictions are
 * then meaningless; the benchmark times these kernels to split the cost per stage.
 */
export type KernelStage = 'copy' | 'prepare' | 'count' | 'f32';

interface KernelOptions {
  k: number;
  cosine: boolean;
  cleanup: CleanupMode;
  lowercase: boolean;
  scan: boolean;
  stage?: KernelStage;
}

/**
 * Which rules the clean-up scanner runs for a mode: those of `tweet` (false), of `tweet-nohashtags` (true),
 * or none (null: clean-up 'none'). Exhaustive, so that a new mode cannot fall silently into another's.
 */
export function scannerDropsHashtags(mode: CleanupMode): boolean | null {
  switch (mode) {
    case 'none':
      return null;
    case 'tweet':
      return false;
    case 'tweet-nohashtags':
      return true;
  }
}

function moduleWat(L: Layout, model: ClusterModel, o: KernelOptions): string {
  const drop = scannerDropsHashtags(o.cleanup);
  // clean-up and lower-casing into $p/$m; `decline` is returned for a text left to the regex path
  const prep = (decline: number) =>
    drop !== null && o.scan
      ? `local.get $src local.get $len call $clean local.tee $m i32.const 0 i32.lt_s if i32.const ${decline} return end
         i32.const 0 i32.load offset=${L.C_PREP} local.set $p`
      : drop !== null
        ? `i32.const ${decline} return`
        : o.lowercase
          ? `local.get $src local.get $len call $lowerOnly local.tee $m i32.const 0 i32.lt_s if i32.const ${decline} return end
             i32.const 0 i32.load offset=${L.C_PREP} local.set $p`
          : 'local.get $src local.set $p local.get $len local.set $m';
  return `(module
  (import "env" "mem" (memory 1))
  (import "env" "log" (func $log (param f64) (result f64)))
  (import "env" "page" (func $page (param i32)))
  ${charWat(L)}
  ${drop !== null && o.scan ? cleanupWat(L, o.lowercase, drop) : ''}
  ${drop === null && o.lowercase ? lowerOnlyWat(L) : ''}
  ${ngramWat(L, model.features)}
  ${scoreWat(L, model, o.stage)}
  ;; one text: mode 0 raw, 1 already prepared (cleaned and lower-cased by the caller)
  (func $one (param $mode i32) (param $src i32) (param $len i32) (result i32) (local $p i32) (local $m i32) (local $t i32)
    local.get $mode if
      local.get $src local.set $p local.get $len local.set $m
    else
      ${prep(R_JS)}
    end
    ${o.stage === 'prepare' ? 'i32.const 0 return' : ''}
    local.get $p local.get $m call $count local.tee $t i32.eqz if
      i32.const 0 i32.const -1 i32.store offset=${L.C_RESC}
      i32.const 0 f64.const nan f64.store offset=${L.C_RESD}
      i32.const 1 return
    end
    ${
      o.stage === 'count'
        ? `;; measuring: reset the counts (as the weights would) and stop
      i32.const 0 i32.load offset=${L.C_TOUCH} local.set $p
      block $d loop $l
        local.get $t i32.eqz br_if $d
        local.get $t i32.const 1 i32.sub local.set $t
        local.get $p local.get $t i32.const 2 i32.shl i32.add i32.load i32.const 2 i32.shl i32.const 0 i32.store offset=${L.ACC}
        br $l
      end end
      i32.const 0 return`
        : ''
    }
    ${
      model.distance === 'cosine'
        ? `local.get $m i32.const ${FAST_MAX_UNITS} i32.lt_u if
      local.get $t local.get $p local.get $m call $decideFast return
    end`
        : ''
    }
    local.get $t call $weigh
    local.get $t local.get $p local.get $m call $decideExact)
  (func (export "run") (param $mode i32) (param $n i32) (param $offs i32) (param $in i32) (param $outC i32) (param $outD i32) (param $outR i32)
    (local $i i32) (local $a i32) (local $r i32)
    block $done loop $top
      local.get $i local.get $n i32.ge_u br_if $done
      local.get $offs local.get $i i32.const 2 i32.shl i32.add local.tee $a i32.load local.set $r
      local.get $mode
      local.get $in local.get $r i32.const 1 i32.shl i32.add
      local.get $a i32.load offset=4 local.get $r i32.sub
      call $one local.set $r
      local.get $outR local.get $i i32.add local.get $r i32.store8
      local.get $outC local.get $i i32.const 2 i32.shl i32.add i32.const 0 i32.load offset=${L.C_RESC} i32.store
      local.get $outD local.get $i i32.const 3 i32.shl i32.add i32.const 0 f64.load offset=${L.C_RESD} f64.store
      ${inc('$i')}
      br $top
    end end)
  (func (export "prepare") (param $src i32) (param $len i32) (result i32) (local $p i32) (local $m i32)
    ${prep(-1)}
    local.get $m)
)`;
}

const modules = new Map<string, WebAssembly.Module>();

function compile(wat: string): WebAssembly.Module {
  let m = modules.get(wat);
  if (!m) {
    m = new WebAssembly.Module(assemble(wat));
    if (modules.size > 16) modules.clear();
    modules.set(wat, m);
  }
  return m;
}

type RunFn = (mode: number, n: number, offs: number, inBase: number, outC: number, outD: number, outR: number) => void;


export class WasmClassifier {
  private readonly memory: WebAssembly.Memory;
  private readonly L: Layout;
  private readonly run: RunFn;
  private readonly prep: (src: number, len: number) => number;
  private readonly lowercase: boolean;
  private readonly scan: boolean;
  private readonly stage?: KernelStage;
  private readonly cleanup: CleanupMode;
  private nextSlot = 1;

  /**
   * `centers`: the model's scoring tables (Predictor has them; scoringTables(model) builds them).
   * `scan`: run the clean-up scanner (default: when cleanup.ts's rules for the model's clean-up mode are
   * the ones it emulates); without it every text needing tweet clean-up (either tweet mode) is left to the
   * JS path.
   * `stage`: for the benchmark only, a kernel that stops early (see KernelStage); its predictions are
   * meaningless. Leave it out (Predictor does) for the full kernel.
   */
  constructor(
    model: ClusterModel,
    centers: ScoringTables = scoringTables(model),
    { scan = scannerFitsRules(scannerDropsHashtags(model.features.cleanup) === true), stage }: { scan?: boolean; stage?: KernelStage } = {},
  ) {
    const { k } = model;
    if (stage === 'f32' && model.distance !== 'cosine') throw new RangeError("kernel stage 'f32' needs a cosine model");
    const d = model.features.numFeatures;
    this.L = layout(k, d);
    const L = this.L;
    const f = model.features;
    this.lowercase = f.lowercase;
    this.cleanup = f.cleanup;
    const opts: KernelOptions = { k, cosine: model.distance === 'cosine', cleanup: f.cleanup, lowercase: f.lowercase, scan, stage };
    this.stage = stage;
    this.scan = opts.scan;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((L.DYN + 4 * PAGE) / PAGE), maximum: 65536 });
    const buf = this.memory.buffer;
    const tables = bmpTables(f.lowercase);
    new Uint16Array(buf, L.LOWER, 0x10000).set(tables.lower);
    new Uint8Array(buf, L.KIND, 0x10000).set(tables.kind);
    new Uint8Array(buf, L.PROP, 0x10000).set(tables.prop);
    const logTf = new Float64Array(buf, L.LOGTF, LOG_TF_TABLE);
    for (let c = 1; c < LOG_TF_TABLE; c++) logTf[c] = 1 + Math.log(c);
    const { kp } = L;
    new Float64Array(buf, L.CNORM, k).set(centers.cNorm);
    new Float64Array(buf, L.CNORM2, k).set(centers.cNorm2);
    new Int32Array(buf, L.IDS, k).set(centers.labelIds);
    const invCn = new Float64Array(buf, L.INVCN, k);
    const biasV = new Float64Array(buf, L.BIASV, k);
    for (let j = 0; j < k; j++) {
      invCn[j] = centers.cNorm[j] === 0 ? 0 : 1 / centers.cNorm[j];
      biasV[j] = centers.labelIds[j] < 0 ? (model.unknown.unlabelledBias ?? 0) : 0;
    }
    if (model.idf) new Float32Array(buf, L.IDF, d).set(model.idf);
    const wide = indexTableBytes(d) === 4;
    (wide ? new Int32Array(buf, L.UNI, 0x10000) : new Uint16Array(buf, L.UNI, 0x10000)).set(unigramTable(d));
    (wide ? new Int32Array(buf, L.BI, 0x10000) : new Uint16Array(buf, L.BI, 0x10000)).set(latinPairTable(d));
    const ct = new Float32Array(buf, L.CT, d * kp);
    for (let i = 0; i < d; i++) ct.set(centers.ct.subarray(i * k, i * k + k), i * kp);
    const dv = new DataView(buf);
    const u = model.unknown;
    dv.setFloat64(L.C_BIAS, u.unlabelledBias ?? 0, true);
    dv.setFloat64(L.C_MAXD, u.maxDistance ?? Infinity, true);
    dv.setFloat64(L.C_MINM, u.minMargin ?? -Infinity, true);
    dv.setInt32(L.C_MINL, u.minLetters, true);
    const inst = new WebAssembly.Instance(compile(moduleWat(L, model, opts)), {
      env: { mem: this.memory, log: Math.log, page: (pg: number) => this.fillPage(pg) },
    });
    this.run = inst.exports.run as RunFn;
    this.prep = inst.exports.prepare as (src: number, len: number) => number;
  }

  private fillPage(pg: number): void {
    const slot = this.nextSlot++;
    const buf = this.memory.buffer;
    astralPage(pg, this.lowercase, new Uint8Array(buf, this.L.PAGES + slot * 256, 256));
    new Uint16Array(buf, this.L.PAGEIDX, 0x1100)[pg] = slot;
  }

  /** Lays out scratch for texts up to `cap` units and a batch of n texts of `units` code units; returns addresses. */
  private reserve(cap: number, n: number, units: number) {
    const L = this.L;
    const touch = L.DYN;
    // distinct indices: at most one per window (3 per unit), and at most numFeatures
    const terms = Math.min(3 * cap + 8, L.d + 8);
    const val = touch + align(4 * terms);
    const i2 = val + align(4 * terms);
    const i3 = i2 + align(4 * (cap + 8));
    const bufA = i3 + align(4 * (cap + 8));
    const bufB = bufA + align(2 * (cap + 8));
    const offs = bufB + align(2 * (cap + 8));
    const outC = offs + align(4 * (n + 1));
    const outD = outC + align(4 * n);
    const outR = outD + align(8 * n);
    const inBase = outR + align(n);
    const end = inBase + 2 * units;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    const dv = new DataView(this.memory.buffer);
    dv.setInt32(L.C_TOUCH, touch, true);
    dv.setInt32(L.C_VAL, val, true);
    dv.setInt32(L.C_I2, i2, true);
    dv.setInt32(L.C_I3, i3, true);
    dv.setInt32(L.C_BUFA, bufA, true);
    dv.setInt32(L.C_BUFB, bufB, true);
    return { offs, outC, outD, outR, inBase };
  }

  /**
   * Predicts texts[from..to) into out[offset..); returns the indices (into texts) the kernel left to the
   * JS path (reason R_JS in `out`). `prepared`: the texts are already cleaned and lower-cased.
   */
  classify(texts: readonly string[], from: number, to: number, out: BatchPredictions, offset: number, prepared = false): number[] {
    const n = to - from;
    let units = 0;
    let cap = 0;
    for (let i = from; i < to; i++) {
      const len = texts[i].length;
      if (len > MAX_KERNEL_TEXT) continue;
      units += len;
      if (len > cap) cap = len;
    }
    const a = this.reserve(cap, n, units);
    const buf = this.memory.buffer;
    const offs = new Int32Array(buf, a.offs, n + 1);
    const bytes = Buffer.from(buf);
    let pos = 0;
    let long = false;
    for (let i = 0; i < n; i++) {
      offs[i] = pos;
      const s = texts[from + i];
      if (s.length > MAX_KERNEL_TEXT) long = true;
      else pos += bytes.write(s, a.inBase + 2 * pos, 'utf16le') >> 1;
    }
    offs[n] = pos;
    return this.runBatch(a, n, out, offset, from, prepared, long ? (i) => texts[from + i].length > MAX_KERNEL_TEXT : undefined);
  }

  /**
   * `classify` for texts given as UTF-16 code units: text i is units[offs[i] .. offs[i + 1]) for i in
   * [0, offs.length - 1). Returns the indices (0-based in this batch) left to the JS path.
   */
  classifyUnits(units: Uint16Array, offs: Int32Array, out: BatchPredictions, offset: number): number[] {
    const n = offs.length - 1;
    let cap = 0;
    let long = false;
    for (let i = 0; i < n; i++) {
      const len = offs[i + 1] - offs[i];
      if (len > cap) cap = len;
    }
    if (cap > MAX_KERNEL_TEXT) {
      long = true;
      cap = 0;
    }
    const base = offs[0];
    const total = offs[n] - base;
    const a = this.reserve(long ? 0 : cap, n, long ? 0 : total);
    const buf = this.memory.buffer;
    const ko = new Int32Array(buf, a.offs, n + 1);
    if (long) ko.fill(0); // every text to the JS path: rare enough not to split the batch
    else {
      for (let i = 0; i <= n; i++) ko[i] = offs[i] - base;
      new Uint16Array(buf, a.inBase, total).set(units.subarray(base, base + total));
    }
    return this.runBatch(a, n, out, offset, 0, false, long ? () => true : undefined);
  }

  private runBatch(
    a: { offs: number; inBase: number; outC: number; outD: number; outR: number },
    n: number,
    out: BatchPredictions,
    offset: number,
    from: number,
    prepared: boolean,
    toJs?: (i: number) => boolean,
  ): number[] {
    if (this.stage !== 'copy') this.run(prepared ? 1 : 0, n, a.offs, a.inBase, a.outC, a.outD, a.outR);
    const buf = this.memory.buffer;
    const reasons = new Uint8Array(buf, a.outR, n);
    if (toJs) for (let i = 0; i < n; i++) if (toJs(i)) reasons[i] = R_JS;
    out.cluster.set(new Int32Array(buf, a.outC, n), offset);
    out.distance.set(new Float64Array(buf, a.outD, n), offset);
    out.reason.set(reasons, offset);
    const js: number[] = [];
    for (let i = 0; i < n; i++) if (reasons[i] === R_JS) js.push(from + i);
    return js;
  }

  /** The kernel's clean-up + lower-casing of one text, or null when it leaves the text to the regex path. */
  prepare(text: string): string | null {
    if (!this.scan && scannerDropsHashtags(this.cleanup) !== null) return null;
    const a = this.reserve(text.length, 1, text.length);
    const buf = this.memory.buffer;
    const u16 = new Uint16Array(buf, a.inBase, text.length);
    for (let j = 0; j < text.length; j++) u16[j] = text.charCodeAt(j);
    const m = this.prep(a.inBase, text.length);
    if (m < 0) return null;
    const p = new DataView(buf).getInt32(this.L.C_PREP, true);
    const units = new Uint16Array(this.memory.buffer, p, m);
    // in pieces: spreading a long text's code units as arguments would overflow the stack
    let out = '';
    for (let i = 0; i < m; i += 8192) out += String.fromCharCode(...units.subarray(i, Math.min(m, i + 8192)));
    return out;
  }
}
