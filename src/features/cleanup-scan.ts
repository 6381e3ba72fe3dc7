/**
 * The tweet clean-up and lower-casing of cleanup.ts as WebAssembly (text format, assembled at run time by
 * src/wasm/wat.ts), reading the raw UTF-16 code units of a text from memory. Exactly
 * `applyCleanup(text, mode, lowercase)` for every text it accepts, for either tweet mode (`tweet` or
 * `tweet-nohashtags`, chosen when the module is generated); it declines (returns -1) the texts it does not
 * emulate, which then take the regex path:
 *
 * - one pass lower-cases the text into a buffer and notes which rules could apply (`kind` table of
 *   char-tables.ts); a text none can touch (most texts) is done;
 * - otherwise each triggered rule runs as its own pass, in TWEET_RULES's order, each over the output of
 *   the one before, as the regex would: URL (both alternatives, case-insensitive letters from the
 *   regex's own case sets, look-behind and look-ahead on code points), mention, RT, hash (`tweet`: drop a
 *   `#` before a word character; `tweet-nohashtags`: replace `#` and the [\p{L}\p{M}\p{N}_] code points
 *   after it, at least one, by a space), symbol runs, and last whitespace runs + trim + lower-casing;
 * - declined: a text with `&` (entity decoding), with a code unit whose lower case depends on context or
 *   is longer (İ, Σ), or with a supplementary code point whose lower case differs.
 *
 * `scannerFitsRules(dropHashtags)` (char-tables.ts) guards all of this: when cleanup.ts's rules are not the ones
 * emulated here, the kernel is built without the scanner and JS cleans every text with the regexes.
 * Tests hold the scanner to `applyCleanup` on random, hostile and real texts
 * (test/features/cleanup-scan.test.ts).
 */
import { K_AMP, K_AT, K_HASH, K_LSPEC, K_SPACE, K_SURR, K_SYM, P_LETTER, P_LN, P_LOWER, P_SPACE, P_SYM, P_TAG, P_WORD, caseSet } from './char-tables.js';

/** Byte offsets the scanner reads (tables) and the configuration slots holding its buffers. */
export interface ScanLayout {
  LOWER: number;
  KIND: number;
  PROP: number;
  PAGEIDX: number;
  PAGES: number;
  /** i32 slots: the two scratch buffers (u16, as long as the longest text) and the result pointer. */
  C_BUFA: number;
  C_BUFB: number;
  C_PREP: number;
}

const unit = (x: string, j: string) => `local.get ${x} local.get ${j} i32.const 1 i32.shl i32.add i32.load16_u`;
const put = (y: string, o: string, value: string) =>
  `local.get ${y} local.get ${o} i32.const 1 i32.shl i32.add ${value} i32.store16 local.get ${o} i32.const 1 i32.add local.set ${o}`;
const inc = (l: string, by = 1) => `local.get ${l} i32.const ${by} i32.add local.set ${l}`;
/** Leaves 1 on the stack when local `c` is one of `set`. */
const inSet = (c: string, set: number[]) => set.map((v, i) => `local.get ${c} i32.const ${v} i32.eq${i ? ' i32.or' : ''}`).join(' ');
const prop = (c: string, bit: number, L: ScanLayout) => `local.get ${c} i32.load8_u offset=${L.PROP} i32.const ${bit} i32.and`;

/**
 * Copies the code point at `$i` of x[0..m) (its first unit in local `$c`) to y at `$o`, lower-cased by the
 * LOWER table, advances `$i` and loops (`br $top`); with `checkAstral`, returns -1 for a supplementary
 * code point whose lower case differs (the regex path does those). Needs locals $i, $o, $c, $cp.
 */
const lowerCopy = (L: ScanLayout, x: string, m: string, y: string, checkAstral: boolean) => `
      local.get $c i32.const 0xfc00 i32.and i32.const 0xd800 i32.eq if
        local.get ${x} local.get ${m} local.get $i call $cpAt local.tee $cp i32.const 0xffff i32.gt_u if
          ${checkAstral ? `local.get $cp call $acls i32.const ${P_LOWER} i32.and if i32.const -1 return end` : ''}
          ${put(y, '$o', 'local.get $c')}
          ${put(y, '$o', `local.get ${x} local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2`)}
          ${inc('$i', 2)} br $top
        end
      end
      ${put(y, '$o', `local.get $c i32.const 1 i32.shl i32.load16_u offset=${L.LOWER}`)}
      ${inc('$i')}
      br $top`;

/** Functions shared by the scanner and the featurizer: code points and their classes. */
export function charWat(L: ScanLayout): string {
  return `
  ;; class bits of a supplementary code point (its page is filled on first use by the host)
  (func $acls (param $cp i32) (result i32) (local $s i32)
    local.get $cp i32.const 8 i32.shr_u i32.const 1 i32.shl i32.load16_u offset=${L.PAGEIDX} local.tee $s
    i32.eqz if
      local.get $cp i32.const 8 i32.shr_u call $page
      local.get $cp i32.const 8 i32.shr_u i32.const 1 i32.shl i32.load16_u offset=${L.PAGEIDX} local.set $s
    end
    local.get $s i32.const 8 i32.shl local.get $cp i32.const 255 i32.and i32.add i32.load8_u offset=${L.PAGES})
  (func $cls (param $cp i32) (result i32)
    local.get $cp i32.const 0x10000 i32.lt_u if (result i32)
      local.get $cp i32.load8_u offset=${L.PROP}
    else
      local.get $cp call $acls
    end)
  ;; the code point starting at unit j of x[0..m) (a lone surrogate stands for itself)
  (func $cpAt (param $x i32) (param $m i32) (param $j i32) (result i32) (local $c i32) (local $d i32)
    ${unit('$x', '$j')} local.tee $c
    i32.const 0xfc00 i32.and i32.const 0xd800 i32.eq if (result i32)
      local.get $j i32.const 1 i32.add local.get $m i32.lt_u if (result i32)
        local.get $x local.get $j i32.const 1 i32.shl i32.add i32.load16_u offset=2 local.tee $d
        i32.const 0xfc00 i32.and i32.const 0xdc00 i32.eq if (result i32)
          local.get $c i32.const 0xd800 i32.sub i32.const 10 i32.shl local.get $d i32.const 0xdc00 i32.sub i32.add i32.const 0x10000 i32.add
        else local.get $c end
      else local.get $c end
    else local.get $c end)
  ;; the code point ending just before unit j > 0
  (func $cpBefore (param $x i32) (param $j i32) (result i32) (local $c i32) (local $h i32)
    local.get $x local.get $j i32.const 1 i32.shl i32.add i32.const 2 i32.sub i32.load16_u local.tee $c
    i32.const 0xfc00 i32.and i32.const 0xdc00 i32.eq
    local.get $j i32.const 2 i32.ge_u i32.and if (result i32)
      local.get $x local.get $j i32.const 1 i32.shl i32.add i32.const 4 i32.sub i32.load16_u local.tee $h
      i32.const 0xfc00 i32.and i32.const 0xd800 i32.eq if (result i32)
        local.get $h i32.const 0xd800 i32.sub i32.const 10 i32.shl local.get $c i32.const 0xdc00 i32.sub i32.add i32.const 0x10000 i32.add
      else local.get $c end
    else local.get $c end)
  ;; countLetters(x[0..m), limit)
  (func $letters (param $x i32) (param $m i32) (param $limit i32) (result i32) (local $i i32) (local $n i32) (local $c i32) (local $cp i32)
    block $done loop $top
      local.get $i local.get $m i32.ge_u br_if $done
      local.get $n local.get $limit i32.ge_s br_if $done
      ${unit('$x', '$i')} local.tee $c
      i32.const 0xfc00 i32.and i32.const 0xd800 i32.eq
      local.get $i i32.const 1 i32.add local.get $m i32.lt_u i32.and if
        local.get $x local.get $m local.get $i call $cpAt local.tee $cp
        i32.const 0xffff i32.gt_u if
          local.get $cp call $acls i32.const ${P_LETTER} i32.and local.get $n i32.add local.set $n
        end
        ${inc('$i', 2)}
      else
        ${prop('$c', P_LETTER, L)} local.get $n i32.add local.set $n
        ${inc('$i')}
      end
      br $top
    end end
    local.get $n)`;
}

/**
 * The clean-up passes and `$clean(src, len) -> prepared length or -1` (the result's address in C_PREP).
 * `dropHashtags`: the rules of mode `tweet-nohashtags` (hashtags dropped whole) instead of `tweet`.
 */
export function cleanupWat(L: ScanLayout, lowercase: boolean, dropHashtags = false): string {
  const H = caseSet('h');
  const T = caseSet('t');
  const P = caseSet('p');
  const S = caseSet('s');
  const W = caseSet('w');
  const COLON = caseSet(':');
  const SLASH = caseSet('/');
  const DOT = caseSet('.');
  const TAIL = [...COLON, ...SLASH, ...caseSet('…')];
  const cls = (cpCode: string, bit: number) => `${cpCode} call $cls i32.const ${bit} i32.and`;
  // a pass: loop over x[0..m) writing y, `body` decides per position; falls through to copying one unit
  const pass = (name: string, locals: string, body: string) => `
  (func ${name} (param $x i32) (param $m i32) (param $y i32) (result i32) (local $i i32) (local $o i32) (local $c i32) (local $j i32) ${locals}
    block $done loop $top
      local.get $i local.get $m i32.ge_u br_if $done
      ${unit('$x', '$i')} local.set $c
      ${body}
      ${put('$y', '$o', 'local.get $c')}
      ${inc('$i')}
      br $top
    end end
    local.get $o)`;
  // a pass that replaces `first` and the run of code points of class `bit` after it with one space (a
  // lone `first` stays): @mentions, and whole hashtags in mode tweet-nohashtags
  const dropRun = (name: string, first: number, bit: number) =>
    pass(
      name,
      '(local $cp i32)',
      `local.get $c i32.const ${first} i32.eq if
       local.get $i i32.const 1 i32.add local.set $j
       block $w loop $l
         local.get $j local.get $m i32.ge_u br_if $w
         local.get $x local.get $m local.get $j call $cpAt local.tee $cp call $cls i32.const ${bit} i32.and i32.eqz br_if $w
         local.get $j i32.const 1 local.get $cp i32.const 0xffff i32.gt_u i32.add i32.add local.set $j
         br $l
       end end
       local.get $j local.get $i i32.const 1 i32.add i32.gt_u if ${put('$y', '$o', 'i32.const 32')} local.get $j local.set $i br $top end
     end`,
    );
  const css = (j: string) =>
    `local.get ${j} i32.const 2 i32.add local.get $m i32.lt_u if (result i32)
       local.get $x local.get ${j} i32.const 1 i32.shl i32.add local.tee $a i32.load16_u local.set $c2 ${inSet('$c2', COLON)}
       local.get $a i32.load16_u offset=2 local.set $c2 ${inSet('$c2', SLASH)} i32.and
       local.get $a i32.load16_u offset=4 local.set $c2 ${inSet('$c2', SLASH)} i32.and
     else i32.const 0 end`;
  const at = (j: string, k: number) => `local.get $x local.get ${j} i32.const 1 i32.shl i32.add i32.load16_u offset=${2 * k} local.set $c2`;
  return `
  ;; the end of a URL match starting at x[i], or -1 (the URL rule's two alternatives, alt 1 first)
  (func $urlAt (param $x i32) (param $m i32) (param $i i32) (result i32) (local $c i32) (local $c2 i32) (local $j i32) (local $e i32) (local $a i32)
    ${unit('$x', '$i')} local.set $c
    block $noh
      ${inSet('$c', H)} i32.eqz br_if $noh
      local.get $i i32.const 3 i32.add local.get $m i32.ge_u if i32.const -1 return end
      ${at('$i', 1)} ${inSet('$c2', T)} i32.eqz if i32.const -1 return end
      ${at('$i', 2)} ${inSet('$c2', T)} i32.eqz if i32.const -1 return end
      ${at('$i', 3)} ${inSet('$c2', P)} i32.eqz if i32.const -1 return end
      local.get $i i32.const 4 i32.add local.set $j
      block $alt2
        block $alt1
          ;; https:// (s? greedy; without the s the ':' would have to be the s)
          local.get $j local.get $m i32.lt_u if
            ${at('$j', 0)} ${inSet('$c2', S)} if
              local.get $j i32.const 1 i32.add local.set $e
              ${css('$e')} if local.get $e i32.const 3 i32.add local.set $e br $alt1 end
            end
          end
          ${css('$j')} if local.get $j i32.const 3 i32.add local.set $e br $alt1 end
          br $alt2
        end
        ;; \\S*
        block $s loop $l
          local.get $e local.get $m i32.ge_u br_if $s
          ${unit('$x', '$e')} local.set $c2 ${prop('$c2', P_SPACE, L)} br_if $s
          ${inc('$e')} br $l
        end end
        local.get $e return
      end
      ;; alt 2: (?<![\\p{L}\\p{N}])https?(?![\\p{L}\\p{N}])[:/…]*
      local.get $i if
        ${cls('local.get $x local.get $i call $cpBefore', P_LN)} if i32.const -1 return end
      end
      i32.const -1 local.set $e
      local.get $j local.get $m i32.lt_u if
        ${at('$j', 0)} ${inSet('$c2', S)} if
          local.get $j i32.const 1 i32.add local.get $m i32.ge_u if (result i32) i32.const 1 else
            ${cls('local.get $x local.get $m local.get $j i32.const 1 i32.add call $cpAt', P_LN)} i32.eqz
          end
          if local.get $j i32.const 1 i32.add local.set $e end
        end
      end
      local.get $e i32.const 0 i32.lt_s if
        local.get $j local.get $m i32.lt_u if
          ${cls('local.get $x local.get $m local.get $j call $cpAt', P_LN)} if i32.const -1 return end
        end
        local.get $j local.set $e
      end
      block $t loop $l
        local.get $e local.get $m i32.ge_u br_if $t
        ${unit('$x', '$e')} local.set $c2 ${inSet('$c2', TAIL)} i32.eqz br_if $t
        ${inc('$e')} br $l
      end end
      local.get $e return
    end
    ;; www.
    ${inSet('$c', W)} i32.eqz if i32.const -1 return end
    local.get $i i32.const 3 i32.add local.get $m i32.ge_u if i32.const -1 return end
    ${at('$i', 1)} ${inSet('$c2', W)} i32.eqz if i32.const -1 return end
    ${at('$i', 2)} ${inSet('$c2', W)} i32.eqz if i32.const -1 return end
    ${at('$i', 3)} ${inSet('$c2', DOT)} i32.eqz if i32.const -1 return end
    local.get $i i32.const 4 i32.add local.set $e
    block $s loop $l
      local.get $e local.get $m i32.ge_u br_if $s
      ${unit('$x', '$e')} local.set $c2 ${prop('$c2', P_SPACE, L)} br_if $s
      ${inc('$e')} br $l
    end end
    local.get $e)
  ${pass(
    '$passUrl',
    '(local $e i32)',
    `${inSet('$c', [...H, ...W])} if
       local.get $x local.get $m local.get $i call $urlAt local.tee $e
       i32.const 0 i32.ge_s if ${put('$y', '$o', 'i32.const 32')} local.get $e local.set $i br $top end
     end`,
  )}
  ${dropRun('$passMention', 0x40, P_WORD)}
  ${pass(
    '$passRt',
    '(local $c2 i32)',
    `local.get $c i32.const 0x52 i32.eq if
       block $no
         local.get $i i32.const 1 i32.add local.get $m i32.ge_u br_if $no
         local.get $x local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2 i32.const 0x54 i32.ne br_if $no
         local.get $i if ${cls('local.get $x local.get $i call $cpBefore', P_LN)} br_if $no end
         local.get $i i32.const 2 i32.add local.tee $j local.get $m i32.lt_u if
           ${cls('local.get $x local.get $m local.get $j call $cpAt', P_LN)} br_if $no
         end
         block $s loop $l
           local.get $j local.get $m i32.ge_u br_if $s
           ${unit('$x', '$j')} local.set $c2 ${prop('$c2', P_SPACE, L)} i32.eqz br_if $s
           ${inc('$j')} br $l
         end end
         local.get $j local.get $m i32.lt_u if
           ${unit('$x', '$j')} i32.const 0x3a i32.eq if ${inc('$j')} end
         end
         ${put('$y', '$o', 'i32.const 32')} local.get $j local.set $i br $top
       end
     end`,
  )}
  ${
    dropHashtags
      ? dropRun('$passHash', 0x23, P_TAG)
      : pass(
          '$passHash',
          '',
          `local.get $c i32.const 0x23 i32.eq if
       local.get $i i32.const 1 i32.add local.tee $j local.get $m i32.lt_u if
         ${cls('local.get $x local.get $m local.get $j call $cpAt', P_WORD)} if local.get $j local.set $i br $top end
       end
     end`,
        )
  }
  ${pass(
    '$passSym',
    '(local $cp i32)',
    `${prop('$c', P_SYM, L)} local.get $c i32.const 0xfc00 i32.and i32.const 0xd800 i32.eq i32.or if
       local.get $x local.get $m local.get $i call $cpAt local.tee $cp call $cls i32.const ${P_SYM} i32.and if
         local.get $i local.set $j
         block $w loop $l
           local.get $j local.get $m i32.ge_u br_if $w
           local.get $x local.get $m local.get $j call $cpAt local.tee $cp call $cls i32.const ${P_SYM} i32.and i32.eqz br_if $w
           local.get $j i32.const 1 local.get $cp i32.const 0xffff i32.gt_u i32.add i32.add local.set $j
           br $l
         end end
         ${put('$y', '$o', 'i32.const 32')} local.get $j local.set $i br $top
       end
     end`,
  )}
  ;; whitespace runs -> one space, trim, lower-case; -1 when a supplementary code point lower-cases
  (func $passFinal (param $x i32) (param $m i32) (param $y i32) (result i32) (local $i i32) (local $o i32) (local $c i32) (local $pend i32) (local $cp i32)
    block $lead loop $l
      local.get $i local.get $m i32.ge_u br_if $lead
      ${unit('$x', '$i')} local.set $c ${prop('$c', P_SPACE, L)} i32.eqz br_if $lead
      ${inc('$i')} br $l
    end end
    block $done loop $top
      local.get $i local.get $m i32.ge_u br_if $done
      ${unit('$x', '$i')} local.set $c
      ${prop('$c', P_SPACE, L)} if i32.const 1 local.set $pend ${inc('$i')} br $top end
      local.get $pend if ${put('$y', '$o', 'i32.const 32')} i32.const 0 local.set $pend end
      ${lowerCopy(L, '$x', '$m', '$y', lowercase)}
    end end
    local.get $o)
  ;; the scan: lower-cases src into buffer A, noting which rules could apply
  (func $clean (param $src i32) (param $len i32) (result i32)
    (local $i i32) (local $c i32) (local $b i32) (local $f i32) (local $prev i32) (local $a i32) (local $x i32) (local $y i32) (local $m i32) (local $c2 i32)
    i32.const 0 i32.load offset=${L.C_BUFA} local.set $a
    block $scan loop $top
      local.get $i local.get $len i32.ge_u br_if $scan
      ${unit('$src', '$i')} local.set $c
      local.get $a local.get $i i32.const 1 i32.shl i32.add
      local.get $c i32.const 1 i32.shl i32.load16_u offset=${L.LOWER}
      i32.store16
      local.get $c i32.load8_u offset=${L.KIND} local.tee $b if
        local.get $b i32.const 128 i32.and if
          block $chk
            ;; http (case-insensitive), www., RT: as isPlainTweet checks them
            ${inSet('$c', H)} if
              local.get $i i32.const 3 i32.add local.get $len i32.ge_u br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2 local.set $c2 ${inSet('$c2', T)} i32.eqz br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=4 local.set $c2 ${inSet('$c2', T)} i32.eqz br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=6 local.set $c2 ${inSet('$c2', P)} i32.eqz br_if $chk
              local.get $f i32.const 256 i32.or local.set $f br $chk
            end
            ${inSet('$c', W)} if
              local.get $i i32.const 3 i32.add local.get $len i32.ge_u br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2 local.set $c2 ${inSet('$c2', W)} i32.eqz br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=4 local.set $c2 ${inSet('$c2', W)} i32.eqz br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=6 local.set $c2 ${inSet('$c2', DOT)} i32.eqz br_if $chk
              local.get $f i32.const 256 i32.or local.set $f br $chk
            end
            local.get $c i32.const 0x52 i32.eq if
              local.get $i i32.const 1 i32.add local.get $len i32.ge_u br_if $chk
              local.get $src local.get $i i32.const 1 i32.shl i32.add i32.load16_u offset=2 i32.const 0x54 i32.ne br_if $chk
              local.get $f i32.const 512 i32.or local.set $f
            end
          end
        end
        local.get $f local.get $b i32.const 127 i32.and i32.or local.set $f
      end
      ;; two spaces in a row
      local.get $f
      local.get $c i32.const 32 i32.xor local.get $prev i32.const 32 i32.xor i32.or i32.eqz i32.const ${K_SPACE} i32.mul
      i32.or local.set $f
      local.get $c local.set $prev
      ${inc('$i')}
      br $top
    end end
    local.get $len if
      local.get $src i32.load16_u i32.const 32 i32.eq local.get $prev i32.const 32 i32.eq i32.or if
        local.get $f i32.const ${K_SPACE} i32.or local.set $f
      end
    end
    local.get $f i32.eqz if
      i32.const 0 local.get $a i32.store offset=${L.C_PREP}
      local.get $len return
    end
    local.get $f i32.const ${K_AMP | K_LSPEC} i32.and if i32.const -1 return end
    local.get $src local.set $x
    local.get $len local.set $m
    local.get $a local.set $y
    ${[
      [256, '$passUrl'],
      [K_AT, '$passMention'],
      [512, '$passRt'],
      [K_HASH, '$passHash'],
      [K_SYM | K_SURR, '$passSym'],
    ]
      .map(
        ([bit, fn]) => `local.get $f i32.const ${bit} i32.and if
      local.get $x local.get $m local.get $y call ${fn} local.set $m
      local.get $y local.set $x
      i32.const 0 i32.load offset=${L.C_BUFB} i32.const 0 i32.load offset=${L.C_BUFA} local.get $x local.get $a i32.eq select local.set $y
    end`,
      )
      .join('\n    ')}
    local.get $x local.get $m local.get $y call $passFinal local.tee $m
    i32.const 0 i32.lt_s if i32.const -1 return end
    i32.const 0 local.get $y i32.store offset=${L.C_PREP}
    local.get $m)`;
}

/** `$lowerOnly(src, len)`: lower-casing alone (clean-up 'none'); -1 for the texts the regex path must do. */
export function lowerOnlyWat(L: ScanLayout): string {
  return `
  (func $lowerOnly (param $src i32) (param $len i32) (result i32) (local $i i32) (local $f i32) (local $c i32) (local $a i32) (local $o i32) (local $cp i32)
    i32.const 0 i32.load offset=${L.C_BUFA} local.set $a
    i32.const 0 local.get $a i32.store offset=${L.C_PREP}
    block $done loop $top
      local.get $i local.get $len i32.ge_u br_if $done
      ${unit('$src', '$i')} local.set $c
      local.get $c i32.load8_u offset=${L.KIND} i32.const ${K_LSPEC} i32.and if i32.const -1 return end
      ${lowerCopy(L, '$src', '$len', '$a', true)}
    end end
    local.get $len)`;
}
