/** Runs bench/train-child in a process of its own (compiled JS from dist/, or the .ts source through tsx). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../src/errors.js';
import type { TrainChildResult } from '../train-child.js';

export async function runTrainChild(args: string[], heapMiB = 4096): Promise<TrainChildResult> {
  const fromTs = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromTs ? '../train-child.ts' : '../train-child.js', import.meta.url));
  const nodeArgs = [`--max-old-space-size=${heapMiB}`, ...(fromTs ? ['--import', 'tsx'] : []), entry, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new AppError('E_BENCH_CHILD', `train-child ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').slice(-1)[0]) as TrainChildResult);
      } catch (e) {
        reject(new AppError('E_BENCH_CHILD', `train-child printed no JSON`, { cause: e }));
      }
    });
  });
}
