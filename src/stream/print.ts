/**
 * DStream.print / PySpark's pprint: for each batch, a header with the batch time, the first `num`
 * elements, "..." when there are more, and a blank line:
 *
 *   -------------------------------------------
 *   Time: 2026-01-01 00:00:10
 *   -------------------------------------------
 *   ('hello', 2)
 *   ...
 *
 * The time is printed in UTC (PySpark uses the local zone; servers run in UTC). Elements print as
 * Python's str() would: strings bare, pairs (arrays) as tuples with quoted strings, objects as JSON.
 */

const RULE = '-------------------------------------------';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Python's str(datetime) of a batch time, in UTC: microseconds appear only when not zero. */
export function formatBatchTime(ms: number): string {
  const d = new Date(ms);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const micros = d.getUTCMilliseconds() * 1000;
  return micros ? `${base}.${pad(micros, 6)}` : base;
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const esc = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return q + (q === "'" ? esc.replace(/'/g, "\\'") : esc) + q;
}

function repr(x: unknown): string {
  if (typeof x === 'string') return quote(x);
  return str(x);
}

/** Python-like str() of an element. */
export function formatElement(x: unknown): string {
  return str(x);
}

function str(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'number' || typeof x === 'bigint') return String(x);
  if (Array.isArray(x)) return x.length === 1 ? `(${repr(x[0])},)` : `(${x.map(repr).join(', ')})`;
  if (x instanceof Map) return `{${[...x].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(', ')}}`;
  return JSON.stringify(x);
}

/** One pprint block (ends with the blank line). */
export function formatPrintBlock(items: readonly unknown[], time: number, num: number): string {
  const lines = [RULE, `Time: ${formatBatchTime(time)}`, RULE];
  for (let i = 0; i < Math.min(num, items.length); i++) lines.push(formatElement(items[i]));
  if (items.length > num) lines.push('...');
  lines.push('', '');
  return lines.join('\n');
}
