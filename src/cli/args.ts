/** Argument parsing helpers over node:util parseArgs: strict, typed, and every bad value names its flag. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends ConfigError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** `--opt -1` -> `--opt=-1`: node's parseArgs refuses values that start with a dash. */
function joinNegativeValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && i + 1 < argv.length && /^-\.?\d/.test(argv[i + 1])) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}

export function parse(argv: string[], options: OptionSpec, allowPositionals = false): Parsed {
  try {
    const r = parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
    throw new UsageError(msg);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}

export function required(p: Parsed, name: string): string {
  const v = str(p, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** --x / --no-x pair; undefined when neither was given. */
export function toggle(p: Parsed, name: string): boolean | undefined {
  const yes = p.values[name] === true;
  const no = p.values[`no-${name}`] === true;
  if (yes && no) throw new UsageError(`--${name} and --no-${name} contradict each other`);
  return yes ? true : no ? false : undefined;
}

export function int(p: Parsed, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
}

export function num(p: Parsed, name: string, min: number, max = Number.MAX_VALUE): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
}

export function choice<T extends string>(p: Parsed, name: string, allowed: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
  return v as T;
}

/** Parses durations like 500ms, 10s, 2m, 1h (a bare number is milliseconds). */
export function parseDuration(v: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 500ms, 10s, 2m (got ${JSON.stringify(v)})`);
  const f = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * f);
}

export function duration(p: Parsed, name: string, minMs = 1): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const ms = parseDuration(v, name);
  if (ms < minMs) throw new UsageError(`--${name} must be at least ${minMs} ms`);
  return ms;
}
