/**
 * A small assembler for the WebAssembly text format, enough for the run-time generated kernels of this
 * project (nothing binary ships with it). It reads a module of the form
 *
 *   (module
 *     (import "env" "mem" (memory 1))
 *     (import "env" "log" (func $log (param f64) (result f64)))
 *     (func $name (export "name") (param $a i32) (result i32) (local $x i32) (local $v v128)
 *       local.get $a            ;; instructions in flat (linear) form, one or more per line
 *       block $done ... end     ;; labels by name or depth; (result T) after a label for a typed block
 *     )
 *   )
 *
 * Supported: imported memory (one) and functions, defined functions with named params and locals,
 * exports, flat instructions of the MVP, sign extension, saturating conversions, bulk memory
 * (memory.copy / memory.fill) and fixed-width SIMD (the opcodes listed in OPS). Not supported:
 * folded S-expression instructions, tables, globals, data segments. Errors name the function and token.
 */

type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Immediate kinds. */
type Imm = 'none' | 'block' | 'label' | 'local' | 'func' | 'mem' | 'i32' | 'i64' | 'f32' | 'f64' | 'lane' | 'v128' | 'shuffle' | 'memidx' | 'copy';

interface Op {
  code: number[];
  imm: Imm;
  /** Natural alignment (log2 bytes) of a memory access. */
  align?: number;
}

const OPS = new Map<string, Op>();
function def(name: string, code: number[], imm: Imm = 'none', align?: number): void {
  OPS.set(name, { code, imm, align });
}
function simd(name: string, n: number, imm: Imm = 'none', align?: number): void {
  def(name, [0xfd, ...uleb(n)], imm, align);
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb32(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function sleb64(v: bigint): number[] {
  const out: number[] = [];
  v = BigInt.asIntN(64, v);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// control and variables
def('unreachable', [0x00]);
def('nop', [0x01]);
def('block', [0x02], 'block');
def('loop', [0x03], 'block');
def('if', [0x04], 'block');
def('else', [0x05]);
def('end', [0x0b]);
def('br', [0x0c], 'label');
def('br_if', [0x0d], 'label');
def('return', [0x0f]);
def('call', [0x10], 'func');
def('drop', [0x1a]);
def('select', [0x1b]);
def('local.get', [0x20], 'local');
def('local.set', [0x21], 'local');
def('local.tee', [0x22], 'local');
// memory
const MEM: Array<[string, number, number]> = [
  ['i32.load', 0x28, 2], ['i64.load', 0x29, 3], ['f32.load', 0x2a, 2], ['f64.load', 0x2b, 3],
  ['i32.load8_s', 0x2c, 0], ['i32.load8_u', 0x2d, 0], ['i32.load16_s', 0x2e, 1], ['i32.load16_u', 0x2f, 1],
  ['i64.load8_s', 0x30, 0], ['i64.load8_u', 0x31, 0], ['i64.load16_s', 0x32, 1], ['i64.load16_u', 0x33, 1],
  ['i64.load32_s', 0x34, 2], ['i64.load32_u', 0x35, 2],
  ['i32.store', 0x36, 2], ['i64.store', 0x37, 3], ['f32.store', 0x38, 2], ['f64.store', 0x39, 3],
  ['i32.store8', 0x3a, 0], ['i32.store16', 0x3b, 1], ['i64.store8', 0x3c, 0], ['i64.store16', 0x3d, 1], ['i64.store32', 0x3e, 2],
];
for (const [name, code, align] of MEM) def(name, [code], 'mem', align);
def('memory.size', [0x3f], 'memidx');
def('memory.grow', [0x40], 'memidx');
def('memory.copy', [0xfc, 10], 'copy');
def('memory.fill', [0xfc, 11], 'memidx');
def('i32.const', [0x41], 'i32');
def('i64.const', [0x42], 'i64');
def('f32.const', [0x43], 'f32');
def('f64.const', [0x44], 'f64');
// numeric: names in opcode order
const NUMERIC: Array<[number, string]> = [
  [0x45, 'i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u'],
  [0x50, 'i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u'],
  [0x5b, 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge'],
  [0x61, 'f64.eq f64.ne f64.lt f64.gt f64.le f64.ge'],
  [0x67, 'i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr'],
  [0x79, 'i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr'],
  [0x8b, 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign'],
  [0x99, 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign'],
  [
    0xa7,
    'i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u ' +
      'i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64 f64.convert_i32_s ' +
      'f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64 ' +
      'i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s',
  ],
];
for (const [first, names] of NUMERIC) names.split(' ').forEach((n, i) => def(n, [first + i]));
'i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u'
  .split(' ')
  .forEach((n, i) => def(n, [0xfc, i]));
// SIMD (fixed width)
simd('v128.load', 0, 'mem', 4);
simd('v128.load8x8_s', 1, 'mem', 3);
simd('v128.load8x8_u', 2, 'mem', 3);
simd('v128.load16x4_s', 3, 'mem', 3);
simd('v128.load16x4_u', 4, 'mem', 3);
simd('v128.load32x2_s', 5, 'mem', 3);
simd('v128.load32x2_u', 6, 'mem', 3);
simd('v128.load8_splat', 7, 'mem', 0);
simd('v128.load16_splat', 8, 'mem', 1);
simd('v128.load32_splat', 9, 'mem', 2);
simd('v128.load64_splat', 10, 'mem', 3);
simd('v128.store', 11, 'mem', 4);
simd('v128.const', 12, 'v128');
simd('i8x16.shuffle', 13, 'shuffle');
simd('i8x16.swizzle', 14);
'i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat'.split(' ').forEach((n, i) => simd(n, 15 + i));
'i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane f64x2.extract_lane f64x2.replace_lane'
  .split(' ')
  .forEach((n, i) => simd(n, 21 + i, 'lane'));
const CMP = 'eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u';
CMP.split(' ').forEach((c, i) => simd(`i8x16.${c}`, 35 + i));
CMP.split(' ').forEach((c, i) => simd(`i16x8.${c}`, 45 + i));
CMP.split(' ').forEach((c, i) => simd(`i32x4.${c}`, 55 + i));
'eq ne lt gt le ge'.split(' ').forEach((c, i) => simd(`f32x4.${c}`, 65 + i));
'eq ne lt gt le ge'.split(' ').forEach((c, i) => simd(`f64x2.${c}`, 71 + i));
'v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true'.split(' ').forEach((n, i) => simd(n, 77 + i));
simd('v128.load32_zero', 92, 'mem', 2);
simd('v128.load64_zero', 93, 'mem', 3);
simd('f32x4.demote_f64x2_zero', 94);
simd('f64x2.promote_low_f32x4', 95);
simd('i8x16.all_true', 99);
simd('i8x16.bitmask', 100);
simd('i16x8.all_true', 131);
simd('i16x8.bitmask', 132);
simd('i16x8.add', 142);
simd('i16x8.sub', 145);
simd('i16x8.mul', 149);
simd('i32x4.all_true', 163);
simd('i32x4.bitmask', 164);
simd('i32x4.shl', 171);
simd('i32x4.shr_s', 172);
simd('i32x4.shr_u', 173);
simd('i32x4.add', 174);
simd('i32x4.sub', 177);
simd('i32x4.mul', 181);
simd('i64x2.add', 206);
simd('i64x2.sub', 209);
simd('i64x2.mul', 213);
'f32x4.abs f32x4.neg'.split(' ').forEach((n, i) => simd(n, 224 + i));
'f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax'.split(' ').forEach((n, i) => simd(n, 227 + i));
'f64x2.abs f64x2.neg'.split(' ').forEach((n, i) => simd(n, 236 + i));
'f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax'.split(' ').forEach((n, i) => simd(n, 239 + i));

// ---- tokens and S-expressions ----

type Sexp = string | Sexp[];

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') i++;
    else if (c === ';' && src[i + 1] === ';') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '(' && src[i + 1] === ';') {
      const e = src.indexOf(';)', i + 2);
      if (e < 0) throw new SyntaxError('wat: unterminated block comment');
      i = e + 2;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '"') {
      const e = src.indexOf('"', i + 1);
      if (e < 0) throw new SyntaxError('wat: unterminated string');
      out.push(src.slice(i, e + 1));
      i = e + 1;
    } else {
      let e = i;
      while (e < src.length && !' \n\t\r()'.includes(src[e]) && !(src[e] === ';' && src[e + 1] === ';')) e++;
      out.push(src.slice(i, e));
      i = e;
    }
  }
  return out;
}

function parseSexps(tokens: string[]): Sexp[] {
  const stack: Sexp[][] = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const done = stack.pop();
      if (!done || stack.length === 0) throw new SyntaxError('wat: unbalanced )');
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new SyntaxError('wat: unbalanced (');
  return stack[0];
}

const isList = (s: Sexp | undefined): s is Sexp[] => Array.isArray(s);
const head = (s: Sexp): string | undefined => (isList(s) && typeof s[0] === 'string' ? s[0] : undefined);
const unquote = (s: Sexp): string => {
  if (typeof s !== 'string' || s[0] !== '"') throw new SyntaxError(`wat: expected a string, got ${JSON.stringify(s)}`);
  return s.slice(1, -1);
};

interface FuncSig {
  params: ValType[];
  results: ValType[];
}

interface FuncDef {
  name?: string;
  sig: FuncSig;
  exportName?: string;
  import?: [string, string];
  paramNames: Array<string | undefined>;
  locals: ValType[];
  localNames: Array<string | undefined>;
  body: Sexp[];
}

function valType(s: Sexp, where: string): ValType {
  if (typeof s !== 'string' || !(s in VALTYPE)) throw new SyntaxError(`wat: ${where}: bad value type ${JSON.stringify(s)}`);
  return s as ValType;
}

function parseFunc(items: Sexp[], imported?: [string, string]): FuncDef {
  const f: FuncDef = { sig: { params: [], results: [] }, paramNames: [], locals: [], localNames: [], body: [], import: imported };
  let i = 1;
  if (typeof items[i] === 'string' && (items[i] as string).startsWith('$')) f.name = items[i++] as string;
  const where = `func ${f.name ?? '?'}`;
  for (; i < items.length; i++) {
    const it = items[i];
    const h = head(it);
    if (h === 'export') f.exportName = unquote((it as Sexp[])[1]);
    else if (h === 'param' || h === 'local' || h === 'result') {
      const rest = (it as Sexp[]).slice(1);
      const named = typeof rest[0] === 'string' && rest[0].startsWith('$');
      const types = (named ? rest.slice(1) : rest).map((t) => valType(t, where));
      const name = named ? (rest[0] as string) : undefined;
      if (named && types.length !== 1) throw new SyntaxError(`wat: ${where}: a named ${h} takes one type`);
      if (h === 'result') f.sig.results.push(...types);
      else if (h === 'param') {
        f.sig.params.push(...types);
        f.paramNames.push(...types.map(() => name));
      } else {
        f.locals.push(...types);
        f.localNames.push(...types.map(() => name));
      }
    } else {
      f.body = items.slice(i);
      break;
    }
  }
  return f;
}

function parseNumber(tok: string, where: string): number {
  const t = tok.replace(/_/g, '');
  const v = /^[+-]?0x/i.test(t) ? (t.startsWith('-') ? -parseInt(t.slice(1), 16) : parseInt(t.replace(/^\+/, ''), 16)) : Number(t);
  if (!Number.isFinite(v) && !/inf/.test(t)) throw new SyntaxError(`wat: ${where}: bad number ${tok}`);
  return v;
}

function parseFloatTok(tok: string): number {
  if (tok === 'inf' || tok === '+inf') return Infinity;
  if (tok === '-inf') return -Infinity;
  if (tok === 'nan') return NaN;
  return Number(tok.replace(/_/g, ''));
}

/** Assembles a module; throws SyntaxError with the function and token on anything unknown. */
export function assemble(src: string): Uint8Array {
  const top = parseSexps(tokenize(src));
  if (top.length !== 1 || head(top[0]) !== 'module') throw new SyntaxError('wat: expected one (module ...)');
  const fields = (top[0] as Sexp[]).slice(1);
  let memory: { module: string; name: string; min: number; max?: number; shared: boolean } | undefined;
  const funcs: FuncDef[] = [];
  for (const f of fields) {
    const h = head(f);
    const items = f as Sexp[];
    if (h === 'import') {
      const mod = unquote(items[1]);
      const name = unquote(items[2]);
      const desc = items[3] as Sexp[];
      if (head(desc) === 'memory') {
        const nums = desc.slice(1).filter((x): x is string => typeof x === 'string' && /^\d/.test(x)).map(Number);
        memory = { module: mod, name, min: nums[0] ?? 0, max: nums[1], shared: desc.includes('shared') };
      } else if (head(desc) === 'func') funcs.push(parseFunc(desc, [mod, name]));
      else throw new SyntaxError(`wat: unsupported import ${JSON.stringify(desc)}`);
    } else if (h === 'func') funcs.push(parseFunc(items));
    else throw new SyntaxError(`wat: unsupported module field ${h}`);
  }
  // imported functions come first in the index space
  const imported = funcs.filter((f) => f.import);
  const defined = funcs.filter((f) => !f.import);
  const ordered = [...imported, ...defined];
  const funcIndex = new Map<string, number>();
  ordered.forEach((f, i) => f.name && funcIndex.set(f.name, i));
  const types: string[] = [];
  const typeOf = (s: FuncSig) => {
    const key = `${s.params.join(',')}->${s.results.join(',')}`;
    let i = types.indexOf(key);
    if (i < 0) i = types.push(key) - 1;
    return i;
  };
  ordered.forEach((f) => typeOf(f.sig));

  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

  const typeSec = vec(
    types.map((k) => {
      const [p, r] = k.split('->');
      const ps = p ? p.split(',') : [];
      const rs = r ? r.split(',') : [];
      return [0x60, ...uleb(ps.length), ...ps.map((t) => VALTYPE[t as ValType]), ...uleb(rs.length), ...rs.map((t) => VALTYPE[t as ValType])];
    }),
  );
  const imports: number[][] = [];
  if (memory) {
    const flags = (memory.max !== undefined ? 1 : 0) | (memory.shared ? 2 : 0);
    imports.push([...str(memory.module), ...str(memory.name), 0x02, flags, ...uleb(memory.min), ...(memory.max !== undefined ? uleb(memory.max) : [])]);
  }
  for (const f of imported) imports.push([...str(f.import![0]), ...str(f.import![1]), 0x00, ...uleb(typeOf(f.sig))]);
  const exports: number[][] = [];
  ordered.forEach((f, i) => f.exportName && exports.push([...str(f.exportName), 0x00, ...uleb(i)]));
  const bodies = defined.map((f) => {
    const code = assembleBody(f, funcIndex);
    const groups: number[][] = [];
    for (let i = 0; i < f.locals.length; ) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      groups.push([...uleb(j - i), VALTYPE[f.locals[i]]]);
      i = j;
    }
    const body = [...vec(groups), ...code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, typeSec),
    ...(imports.length ? section(2, vec(imports)) : []),
    ...section(3, vec(defined.map((f) => uleb(typeOf(f.sig))))),
    ...(exports.length ? section(7, vec(exports)) : []),
    ...section(10, vec(bodies)),
    ...nameSection(ordered.map((f) => f.name ?? f.exportName)),
  ];
  return Uint8Array.from(bytes);
}

/** The custom "name" section (function names), so profiles and stack traces name the functions. */
function nameSection(names: Array<string | undefined>): number[] {
  const str = (x: string) => [...uleb(x.length), ...Array.from(x, (c) => c.charCodeAt(0))];
  const entries = names.flatMap((n, i) => (n ? [[...uleb(i), ...str(n.replace(/^\$/, ''))]] : []));
  const sub = [...uleb(entries.length), ...entries.flat()];
  const body = [...str('name'), 1, ...uleb(sub.length), ...sub];
  return [0, ...uleb(body.length), ...body];
}

function assembleBody(f: FuncDef, funcIndex: Map<string, number>): number[] {
  const where = `func ${f.name ?? f.exportName ?? '?'}`;
  const localIndex = new Map<string, number>();
  [...f.paramNames, ...f.localNames].forEach((n, i) => n && localIndex.set(n, i));
  const labels: Array<string | undefined> = [];
  const out: number[] = [];
  const toks = f.body;
  let i = 0;
  const next = (what: string): Sexp => {
    if (i >= toks.length) throw new SyntaxError(`wat: ${where}: missing ${what}`);
    return toks[i++];
  };
  const atom = (what: string): string => {
    const t = next(what);
    if (typeof t !== 'string') throw new SyntaxError(`wat: ${where}: expected ${what}, got a list`);
    return t;
  };
  while (i < toks.length) {
    const t = toks[i++];
    if (typeof t !== 'string') throw new SyntaxError(`wat: ${where}: folded instructions are not supported: ${JSON.stringify(t).slice(0, 60)}`);
    const op = OPS.get(t);
    if (!op) throw new SyntaxError(`wat: ${where}: unknown instruction ${t}`);
    out.push(...op.code);
    switch (op.imm) {
      case 'none':
        if (t === 'end') labels.pop();
        break;
      case 'block': {
        let label: string | undefined;
        if (typeof toks[i] === 'string' && (toks[i] as string).startsWith('$')) label = toks[i++] as string;
        const r = toks[i];
        if (isList(r) && head(r) === 'result') {
          i++;
          out.push(VALTYPE[valType(r[1], where)]);
        } else out.push(0x40);
        labels.push(label);
        break;
      }
      case 'label': {
        const l = atom('label');
        let depth: number;
        if (l.startsWith('$')) {
          depth = labels.length - 1 - labels.lastIndexOf(l);
          if (labels.lastIndexOf(l) < 0) throw new SyntaxError(`wat: ${where}: unknown label ${l}`);
        } else depth = Number(l);
        out.push(...uleb(depth));
        break;
      }
      case 'local': {
        const l = atom('local');
        const idx = l.startsWith('$') ? localIndex.get(l) : Number(l);
        if (idx === undefined || !Number.isInteger(idx)) throw new SyntaxError(`wat: ${where}: unknown local ${l}`);
        out.push(...uleb(idx));
        break;
      }
      case 'func': {
        const l = atom('function');
        const idx = l.startsWith('$') ? funcIndex.get(l) : Number(l);
        if (idx === undefined) throw new SyntaxError(`wat: ${where}: unknown function ${l}`);
        out.push(...uleb(idx));
        break;
      }
      case 'mem': {
        let offset = 0;
        let align = op.align!;
        while (typeof toks[i] === 'string' && /^(offset|align)=/.test(toks[i] as string)) {
          const [k, v] = (toks[i++] as string).split('=');
          if (k === 'offset') offset = parseNumber(v, where);
          else align = Math.log2(parseNumber(v, where));
        }
        out.push(...uleb(align), ...uleb(offset));
        break;
      }
      case 'memidx':
        out.push(0x00);
        break;
      case 'copy':
        out.push(0x00, 0x00);
        break;
      case 'i32':
        out.push(...sleb32(parseNumber(atom('i32'), where)));
        break;
      case 'i64': {
        const v = atom('i64').replace(/_/g, '');
        out.push(...sleb64(v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v)));
        break;
      }
      case 'f32': {
        const b = new Uint8Array(new Float32Array([parseFloatTok(atom('f32'))]).buffer);
        out.push(...b);
        break;
      }
      case 'f64': {
        const b = new Uint8Array(new Float64Array([parseFloatTok(atom('f64'))]).buffer);
        out.push(...b);
        break;
      }
      case 'lane':
        out.push(parseNumber(atom('lane'), where));
        break;
      case 'shuffle':
        for (let k = 0; k < 16; k++) out.push(parseNumber(atom('lane'), where));
        break;
      case 'v128': {
        const shape = atom('shape');
        const buf = new ArrayBuffer(16);
        const n = { i8x16: 16, i16x8: 8, i32x4: 4, i64x2: 2, f32x4: 4, f64x2: 2 }[shape];
        if (!n) throw new SyntaxError(`wat: ${where}: bad v128.const shape ${shape}`);
        for (let k = 0; k < n; k++) {
          const v = atom('lane value');
          if (shape === 'i8x16') new Uint8Array(buf)[k] = parseNumber(v, where);
          else if (shape === 'i16x8') new Uint16Array(buf)[k] = parseNumber(v, where);
          else if (shape === 'i32x4') new Int32Array(buf)[k] = parseNumber(v, where);
          else if (shape === 'i64x2') new BigInt64Array(buf)[k] = BigInt(v);
          else if (shape === 'f32x4') new Float32Array(buf)[k] = parseFloatTok(v);
          else new Float64Array(buf)[k] = parseFloatTok(v);
        }
        out.push(...new Uint8Array(buf));
        break;
      }
    }
  }
  if (labels.length !== 0) throw new SyntaxError(`wat: ${where}: ${labels.length} block(s) not closed with end`);
  return out;
}
