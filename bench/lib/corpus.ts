/**
 * The classify/featurize input: `n` real texts (the loaded set repeated) held in memory, and the
 * scikit-learn peer's rates on the same texts (run once per size and cached for the whole bench run).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPeer, type PeerResult } from './peer.js';
import { loadTexts, type TextSet } from './texts.js';

/** Texts per classify/featurize measurement (ours runs them in well under a second; sklearn in ~10 s). */
export const CLASSIFY_TEXTS = 200_000;

/** The peer's repetitions: at most 3 (each takes seconds). */
export function peerReps(reps: number): number {
  return Math.min(reps, 3);
}

let loaded: TextSet | undefined;

export function baseTexts(): TextSet {
  loaded ??= loadTexts();
  return loaded;
}

export function corpus(n: number): string[] {
  const { texts } = baseTexts();
  return Array.from({ length: n }, (_, i) => texts[i % texts.length]);
}

export interface SklearnClassify {
  texts: number;
  /** null when run with classifyOnly. */
  featurize_per_s: number | null;
  classify_per_s: number;
  openmp_threads: number;
}

const peerCache = new Map<string, PeerResult<SklearnClassify>>();

/** scikit-learn HashingVectorizer(char, (2,2)) [+ KMeans(k).predict] on `texts` (k and features as our model). */
export function sklearnClassify(texts: string[], k: number, numFeatures: number, reps: number, classifyOnly = false): PeerResult<SklearnClassify> {
  const key = `${texts.length}/${k}/${numFeatures}/${classifyOnly}`;
  const hit = peerCache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(path.join(tmpdir(), 'tweetlang-bench-'));
  try {
    const file = path.join(dir, 'texts.json');
    writeFileSync(file, JSON.stringify(texts));
    const r = runPeer<SklearnClassify>('classify.py', [file, String(k), String(numFeatures), String(reps), ...(classifyOnly ? ['classify-only'] : [])]);
    peerCache.set(key, r);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
