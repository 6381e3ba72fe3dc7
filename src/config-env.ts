/**
 * Reading typed settings from environment variables. Every bad value throws a ConfigError (code
 * E_CONFIG) whose message and `details.variable` name the variable, so a service fails at start-up
 * with one line saying what to fix.
 */
import { ConfigError } from './errors.js';

export class EnvReader {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  private fail(name: string, what: string, got: string): never {
    throw new ConfigError('E_CONFIG', `${name} must be ${what} (got ${JSON.stringify(got)})`, { details: { variable: name } });
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    // secrets keep their exact value (no trimming beyond the empty check)
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^[+-]?\d+$/.test(v)) this.fail(name, `an integer from ${min} to ${max}`, v);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) this.fail(name, `an integer from ${min} to ${max}`, v);
    return n;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) this.fail(name, `a number from ${min} to ${max}`, v);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const l = v.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(l)) return true;
    if (['0', 'false', 'no', 'off'].includes(l)) return false;
    this.fail(name, 'true or false', v);
  }

  /** Comma-separated list; empty entries dropped. */
  list(name: string, fallback: string[]): string[] {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** A byte size: plain bytes or with a k/m/g suffix (1024-based), e.g. "1m", "64MiB", "512k". */
  bytes(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(v);
    const what = `a size in bytes from ${min} to ${max} (suffixes k, m, g allowed)`;
    if (!m) this.fail(name, what, v);
    const unit = (m[2] ?? 'b').toLowerCase()[0];
    const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
    const n = Number(m[1]) * mult;
    if (!Number.isSafeInteger(n) || n < min || n > max) this.fail(name, what, v);
    return n;
  }
}
