/**
 * Running the scikit-learn peers (bench/peers/*.py) with Debian's /usr/bin/python3. A peer prints one JSON
 * object on stdout; when Python or scikit-learn is missing the peer is skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

export const PYTHON = process.env.TWEETLANG_BENCH_PYTHON ?? '/usr/bin/python3';
const PEERS = path.join(PROJECT_ROOT, 'bench', 'peers');

export type PeerResult<T> = { ok: true; value: T } | { ok: false; reason: string };

let sklearn: PeerResult<string> | undefined;

/** scikit-learn's version, or why it cannot run. */
export function sklearnVersion(): PeerResult<string> {
  if (sklearn) return sklearn;
  if (!existsSync(PYTHON)) return (sklearn = { ok: false, reason: `${PYTHON} not found` });
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, numpy, scipy; print(sklearn.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return (sklearn = { ok: false, reason: `scikit-learn is not installed for ${PYTHON} (apt-get install python3-sklearn)` });
  return (sklearn = { ok: true, value: r.stdout.trim() });
}

/** Runs bench/peers/`script` with `args`; parses its JSON output. */
export function runPeer<T>(script: string, args: string[]): PeerResult<T> {
  const v = sklearnVersion();
  if (!v.ok) return v;
  const r = spawnSync(PYTHON, [path.join(PEERS, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return { ok: false, reason: `${script} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}` };
  try {
    return { ok: true, value: JSON.parse(r.stdout.trim().split('\n').slice(-1)[0]) as T };
  } catch {
    return { ok: false, reason: `${script} printed no JSON` };
  }
}
