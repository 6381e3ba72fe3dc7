/** Printing figures as they come, the machine description, and an optional JSON/Markdown dump. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { backendInfo, initBackend } from '../../src/linalg/backend.js';
import { fmtNum } from './measure.js';
import { sklearnVersion } from './peer.js';
import type { Figure } from './types.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjsBackend: string;
  sklearn: string;
  load: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

export async function machineInfo(): Promise<MachineInfo> {
  const info = backendInfo() ?? (await initBackend());
  const skipped = info.skipped.map((s) => `${s.name} skipped: ${s.reason.split('\n')[0].slice(0, 100)}`).join('; ');
  const sk = sklearnVersion();
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjsBackend: `${info.name}${info.simd !== undefined ? (info.simd ? ' (SIMD)' : ' (no SIMD)') : ''}${skipped ? `; ${skipped}` : ''}`,
    sklearn: sk.ok ? `scikit-learn ${sk.value}` : `not available: ${sk.reason}`,
    load: readLoad(),
  };
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

export function fmtValue(x: number | null, unit: string): string {
  if (x === null) return 'n/a';
  if (unit === 'ms') return `${fmtNum(x, x < 100 ? 1 : 0)} ms`;
  if (unit === 'MiB') return `${fmtNum(x)} MiB`;
  if (unit === 'req/s') return `${fmtNum(x)} req/s`;
  if (unit === 'µs') return `${fmtNum(x, 2)} µs`;
  return `${fmtNum(x)}/s`;
}

export function figureLine(f: Figure): string {
  const ratio = f.ratio === null ? 'ratio n/a' : `ratio ${f.ratio >= 10 ? f.ratio.toFixed(1) : f.ratio.toFixed(2)}`;
  const verdict = f.pass === null ? '' : f.pass ? '  PASS' : '  FAIL';
  const target = f.target ? `  target ${f.target}` : '';
  const peer = f.peerName ? ` | ${f.peerName}: ${fmtValue(f.peer, f.unit)}` : '';
  const note = f.note ? `  (${f.note})` : '';
  return `[${f.bench}] ${f.name}: ${fmtValue(f.ours, f.unit)}${peer} | ${ratio}${target}${verdict}${note}`;
}

/** A Markdown table per bench, as docs/BENCHMARKS.md shows them. */
export function markdownTables(figures: readonly Figure[]): string {
  const out: string[] = [];
  for (const bench of [...new Set(figures.map((f) => f.bench))]) {
    out.push(`### ${bench}`, '', '| figure | target | ours | peer | ratio (ours/peer) | pass |', '|---|---|---|---|---|---|');
    for (const f of figures.filter((x) => x.bench === bench)) {
      const ratio = f.ratio === null ? 'n/a' : f.ratio >= 10 ? f.ratio.toFixed(1) : f.ratio.toFixed(2);
      const pass = f.pass === null ? '–' : f.pass ? 'pass' : '**fail**';
      const peer = f.peerName ? `${fmtValue(f.peer, f.unit)} (${f.peerName})` : '–';
      out.push(`| ${f.name}${f.note ? ` — ${f.note}` : ''} | ${f.target || '–'} | ${fmtValue(f.ours, f.unit)} | ${peer} | ${ratio} | ${pass} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
