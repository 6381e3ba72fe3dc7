/**
 * Where the shared labelled data lives (../shared/data beside the clone, or TWEETLANG_SHARED_DATA).
 * Tests that need it use `describeShared` and skip with a clear message when it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DATA = process.env.TWEETLANG_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data');
export const TRAIN_JSONL = path.join(SHARED_DATA, 'train.jsonl');
export const UDHR_DEV_JSONL = path.join(SHARED_DATA, 'udhr-dev.jsonl');
export const HAS_SHARED = existsSync(TRAIN_JSONL) && existsSync(UDHR_DEV_JSONL);

/** describe() that skips, saying why, when ../shared/data is missing. */
export function describeShared(name: string, fn: () => void): void {
  if (!HAS_SHARED) {
    describe.skip(`${name} (skipped: shared data not found at ${SHARED_DATA}; set TWEETLANG_SHARED_DATA)`, fn);
    if (!process.env.VITEST_WORKER_ID || process.env.TWEETLANG_QUIET_SKIPS === undefined) {
      console.warn(`[skip] ${name}: shared data not found at ${SHARED_DATA}`);
    }
  } else {
    describe(name, fn);
  }
}
