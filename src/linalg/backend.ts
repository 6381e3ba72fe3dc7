/**
 * TensorFlow.js backend selection at run time: native `tensorflow` (@tensorflow/tfjs-node, optional
 * dependency) where it is installed, else `wasm` (SIMD), else `cpu`. The choice is logged once.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export { tf };

export interface BackendInfo {
  name: BackendName;
  simd?: boolean;
  /** Why a preferred backend was not used, when one was skipped. */
  skipped: Array<{ name: BackendName; reason: string }>;
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

async function tryTensorflow(): Promise<void> {
  // Importing tfjs-node registers the 'tensorflow' backend with the shared tfjs-core.
  const mod = '@tensorflow/tfjs-node';
  await import(/* @vite-ignore */ mod);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend did not initialise');
}

async function tryWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('backend did not initialise');
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('backend did not initialise');
}

const TRY: Record<BackendName, () => Promise<void>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

/** Resolved from TWEETLANG_BACKEND when no preference is given. */
export function backendPreferenceFromEnv(env: NodeJS.ProcessEnv = process.env): BackendPreference {
  const v = env.TWEETLANG_BACKEND ?? 'auto';
  if (!BACKEND_PREFERENCES.includes(v as BackendPreference)) {
    throw new ConfigError('E_BAD_BACKEND', `TWEETLANG_BACKEND must be one of ${BACKEND_PREFERENCES.join(', ')} (got ${JSON.stringify(v)})`);
  }
  return v as BackendPreference;
}

/**
 * Initialise tfjs once per process (idempotent). `auto` tries tensorflow -> wasm -> cpu; a named backend
 * is tried first, then the rest of that order.
 */
export async function initBackend(prefer: BackendPreference = backendPreferenceFromEnv(), log?: Logger): Promise<BackendInfo> {
  if (current && (prefer === 'auto' || prefer === current.name)) return current;
  if (pending) return pending;
  pending = (async () => {
    const order: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
    const tryOrder = prefer === 'auto' ? order : [prefer, ...order.filter((b) => b !== prefer)];
    const skipped: BackendInfo['skipped'] = [];
    for (const name of tryOrder) {
      try {
        await TRY[name]();
        await tf.ready();
        // PROD silences tfjs's console advice ("install tfjs-node"); we log the backend ourselves
        tf.env().set('PROD', true);
        const info: BackendInfo = { name, skipped };
        if (name === 'wasm') info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
        current = info;
        log?.info({ backend: name, simd: info.simd, skipped }, `tfjs backend: ${name}`);
        return info;
      } catch (err) {
        skipped.push({ name, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
      }
    }
    throw new ConfigError('E_NO_BACKEND', `no TensorFlow.js backend could start: ${JSON.stringify(skipped)}`);
  })();
  try {
    return await pending;
  } finally {
    pending = undefined;
  }
}

/** The backend in use, or undefined before initBackend. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}
