/**
 * Starting a worker thread from a module beside the caller, both from compiled dist/ (`name.js`) and from
 * TypeScript sources under tsx/vitest (`name.ts`). Node 20 does not apply ESM loader hooks such as
 * `--import tsx` inside worker threads, so the .ts entry goes through tsx's require hook.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** `callerUrl` is the caller's import.meta.url; `name` the worker module's base name (no extension). */
export function startWorker(callerUrl: string, name: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData, resourceLimits });
  const require = createRequire(callerUrl);
  const api = require.resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  const code = `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData, resourceLimits });
}
