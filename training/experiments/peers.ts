/**
 * The scikit-learn peer on the very same split and features: the runner featurizes the fold with
 * tweetlang's featurizer, writes the CSR matrices to a temp folder, and training/peers/sklearn_kmeans.py
 * (Debian's /usr/bin/python3, scikit-learn 1.2) L2-normalises, fits KMeans on the train rows and predicts
 * the test rows. Clusters are labelled by majority language of their train rows, as train() does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { IoError } from '../../src/errors.js';
import { DocFreq, Featurizer } from '../../src/features/featurizer.js';
import type { CsrMatrix } from '../../src/linalg/sparse.js';
import { majorityLabels } from '../train.js';
import type { FoldData, FoldResult, RawPredictions } from './protocol.js';
import type { Setting } from './settings.js';

export const PYTHON = process.env.TWEETLANG_PYTHON ?? '/usr/bin/python3';
export const SKLEARN_SCRIPT = path.join(PROJECT_ROOT, 'training', 'peers', 'sklearn_kmeans.py');

/** True when the python with scikit-learn can run. */
export function sklearnAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, scipy'], { stdio: 'ignore' });
  return r.status === 0;
}

function writeCsr(dir: string, name: string, m: CsrMatrix): void {
  const w = (suffix: string, a: Int32Array | Float32Array) => writeFileSync(path.join(dir, `${name}_${suffix}.bin`), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  w('indptr', m.indptr);
  w('indices', m.indices);
  w('data', m.values);
}

function readInt32(file: string): Int32Array {
  const b = readFileSync(file);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export async function runSklearnPeer(setting: Setting, data: FoldData, tmpDir: string): Promise<FoldResult> {
  const dir = path.join(tmpDir, `${setting.name}-fold${data.fold}`);
  mkdirSync(dir, { recursive: true });
  const features = setting.features;
  let idf: Float32Array | null = null;
  if (features.idf) {
    const base = new Featurizer({ ...features, idf: false });
    const df = new DocFreq(features.numFeatures);
    for (const r of data.train) df.add(base.countsOfPrepared(base.prepare(r.text)));
    idf = df.idf();
  }
  const fz = new Featurizer(features, idf);
  const train = fz.transformAll(data.train.map((r) => r.text));
  const test = fz.transformAll(data.test.map((r) => r.text));
  writeCsr(dir, 'train', train);
  writeCsr(dir, 'test', test);
  const k = setting.kmeans.k;
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ trainRows: train.rows, testRows: test.rows, cols: train.cols, k, seed: setting.kmeans.seed ?? 1, nInit: 10 }));
  const t0 = performance.now();
  const r = spawnSync(PYTHON, [SKLEARN_SCRIPT, dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const trainMs = performance.now() - t0;
  if (r.status !== 0) throw new IoError('E_PEER_FAILED', `scikit-learn peer failed (${PYTHON} ${SKLEARN_SCRIPT}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  const trainClusters = readInt32(path.join(dir, 'train_clusters.bin'));
  const testClusters = readInt32(path.join(dir, 'test_clusters.bin'));
  const timing = JSON.parse(readFileSync(path.join(dir, 'timing.json'), 'utf8')) as { predictSeconds: number };
  const { labels } = majorityLabels(trainClusters, data.train.map((x) => x.lang), k, setting.labelMinShare ?? 0, new Set(data.languages));
  const n = data.test.length;
  const known: RawPredictions = {
    truth: data.test.map((x) => x.lang ?? ''),
    kind: data.test.map((x) => x.kind ?? ''),
    cluster: testClusters,
    label: Array.from(testClusters, (c) => labels[c]),
    distance: new Float64Array(n),
    margin: new Float64Array(n).fill(Infinity),
    letters: new Int32Array(n).fill(1 << 30),
  };
  const none: RawPredictions = { truth: [], kind: [], cluster: new Int32Array(0), label: [], distance: new Float64Array(0), margin: new Float64Array(0), letters: new Int32Array(0) };
  return { setting: setting.name, fold: data.fold, k, known, others: none, trainMs, predictPerSecond: timing.predictSeconds > 0 ? n / timing.predictSeconds : 0, testTexts: data.test.map((x) => x.text) };
}
