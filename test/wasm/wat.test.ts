import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/wasm/wat.js';
import { dotsModuleBytes } from '../../src/clustering/wasm-dots.js';

function instance(src: string, imports: Record<string, unknown> = {}) {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(assemble(src)), { env: { mem, ...imports } });
  return { mem, e: inst.exports as Record<string, (...a: number[]) => number> };
}

describe('assemble (WebAssembly text, flat instructions)', () => {
  it('builds a module whose functions compute what the text says: loops, labels, loads, calls, imports', () => {
    const { mem, e } = instance(
      `(module
        (import "env" "mem" (memory 1))
        (import "env" "twice" (func $twice (param f64) (result f64)))
        (func $sum (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32) (local $i i32)
          block $done loop $top
            local.get $i local.get $n i32.ge_s br_if $done
            local.get $s local.get $p local.get $i i32.const 2 i32.shl i32.add i32.load offset=4 i32.add local.set $s
            local.get $i i32.const 1 i32.add local.set $i
            br $top
          end end
          local.get $s)
        (func (export "callsum") (param i32) (result i32) local.get 0 i32.const 3 call $sum)
        (func (export "half") (param $x f64) (result f64) local.get $x call $twice f64.const 0.25 f64.mul)
        (func (export "pick") (param $c i32) (result i32)
          local.get $c if (result i32) i32.const 0xffffffff else i32.const -7 end)
        (func (export "wide") (result i32) i64.const 0x1_0000_0005 i64.const 32 i64.shr_u i32.wrap_i64))`,
      { twice: (x: number) => 2 * x },
    );
    new Int32Array(mem.buffer).set([0, 5, 6, -1, 100], 0);
    expect(e.sum(0, 3)).toBe(10); // words 1..3 (offset=4)
    expect(e.callsum(4)).toBe(105);
    expect(e.half(8)).toBe(4);
    expect(e.pick(1)).toBe(-1);
    expect(e.pick(0)).toBe(-7);
    expect(e.wide()).toBe(1);
  });

  it('encodes SIMD: constants, splats, lanes, shuffles, f32x4 and f64x2 arithmetic', () => {
    const { mem, e } = instance(`(module
      (import "env" "mem" (memory 1))
      (func (export "dot4") (param $a i32) (param $b i32) (result f32) (local $v v128)
        local.get $a v128.load local.get $b v128.load f32x4.mul local.set $v
        local.get $v f32x4.extract_lane 0 local.get $v f32x4.extract_lane 1 f32.add
        local.get $v f32x4.extract_lane 2 f32.add local.get $v f32x4.extract_lane 3 f32.add)
      (func (export "promote") (param $a i32) (result f64) (local $v v128)
        local.get $a v128.load64_zero f64x2.promote_low_f32x4 local.tee $v f64x2.extract_lane 1 local.get $v f64x2.extract_lane 0 f64.sub)
      (func (export "swap") (result i32)
        v128.const i32x4 1 2 3 4 v128.const i32x4 5 6 7 8 i8x16.shuffle 4 5 6 7 0 1 2 3 16 17 18 19 20 21 22 23 i32x4.extract_lane 0)
      (func (export "splat") (param $x f64) (result f64) local.get $x f64x2.splat v128.const f64x2 0.5 1.5 f64x2.add f64x2.extract_lane 1))`);
    new Float32Array(mem.buffer).set([1, 2, 3, 4, 0.5, 0.25, 2, 1], 0);
    expect(e.dot4(0, 16)).toBe(0.5 + 0.5 + 6 + 4);
    expect(e.promote(16)).toBe(0.25 - 0.5);
    expect(e.swap()).toBe(2);
    expect(e.splat(2)).toBe(3.5);
  });

  it('writes a name section, so traces name the functions', () => {
    const { e } = instance(`(module (import "env" "mem" (memory 1)) (func $boom (export "boom") unreachable))`);
    let stack = '';
    try {
      e.boom();
    } catch (err) {
      stack = String((err as Error).stack);
    }
    expect(stack).toMatch(/boom/);
  });

  it('names what it cannot assemble: unknown instruction, label, local, function, unclosed block', () => {
    const mod = (body: string) => `(module (func $f (param $a i32) ${body}))`;
    expect(() => assemble(mod('i32.frobnicate'))).toThrow(/func \$f: unknown instruction i32.frobnicate/);
    expect(() => assemble(mod('block $x br $y end'))).toThrow(/unknown label \$y/);
    expect(() => assemble(mod('local.get $b drop'))).toThrow(/unknown local \$b/);
    expect(() => assemble(mod('call $nope'))).toThrow(/unknown function \$nope/);
    expect(() => assemble(mod('block'))).toThrow(/not closed/);
    expect(() => assemble('(module (func (i32.add (i32.const 1) (i32.const 2))))')).toThrow(/folded/);
  });

  it('assembled bytes validate like the hand-encoded kernels of wasm-dots.ts', () => {
    expect(WebAssembly.validate(dotsModuleBytes(4))).toBe(true);
    expect(WebAssembly.validate(assemble('(module (func (export "f") (result i32) i32.const 1))'))).toBe(true);
  });
});
