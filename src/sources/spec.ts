/** Parsing `kind:argument` specs for the source and sink registries. */
import { ConfigError } from '../errors.js';

export interface SpecEntry {
  usage: string;
  /** true: required; false: none; 'optional': both `kind` and `kind:arg`. */
  argument: boolean | 'optional';
}

export function parseSpec(spec: string, registry: Record<string, SpecEntry>, what: 'source' | 'sink'): { kind: string; arg: string } {
  const code = what === 'source' ? 'E_SOURCE_SPEC' : 'E_SINK_SPEC';
  const i = spec.indexOf(':');
  const kind = i < 0 ? spec : spec.slice(0, i);
  const arg = i < 0 ? '' : spec.slice(i + 1);
  const entry = Object.hasOwn(registry, kind) ? registry[kind] : undefined;
  if (!entry) {
    throw new ConfigError(code, `unknown ${what} ${JSON.stringify(spec)}; one of: ${Object.values(registry).map((k) => k.usage).join(', ')}`);
  }
  if (entry.argument === true && arg === '') throw new ConfigError(code, `${what} ${kind} needs an argument: ${entry.usage}`);
  if (entry.argument === false && i >= 0) throw new ConfigError(code, `${what} ${kind} takes no argument: ${entry.usage}`);
  return { kind, arg };
}
