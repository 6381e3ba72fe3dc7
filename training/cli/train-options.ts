/** Flags of `tweetlang train` -> validated TrainOptions (defaults from src/config.ts and the preset). */
import { DEFAULT_FEATURES, DEFAULT_TRAIN, presetNamed } from '../../src/config.js';
import { DISTANCES } from '../../src/clustering/distance.js';
import { ASSIGN_KERNELS } from '../../src/clustering/assign.js';
import { INIT_MODES } from '../../src/clustering/init.js';
import type { AugmentSettings, SeedingSettings, UnknownPolicy } from '../../src/clustering/model.js';
import { CLEANUP_MODES } from '../../src/features/cleanup.js';
import { HASH_ALGORITHMS } from '../../src/features/hashing-tf.js';
import { MAX_NUM_FEATURES, NORM_MODES, TF_MODES, validateFeatureSettings, type FeatureSettings } from '../../src/features/settings.js';
import { choice, int, list, num, str, toggle, UsageError, type OptionSpec, type Parsed } from '../../src/cli/args.js';
import type { KMeansOptions } from '../../src/clustering/kmeans.js';

export const TRAIN_FLAGS: OptionSpec = {
  preset: { type: 'string' },
  k: { type: 'string', short: 'k' },
  features: { type: 'string' },
  ngrams: { type: 'string' },
  hash: { type: 'string' },
  cleanup: { type: 'string' },
  lowercase: { type: 'boolean' },
  'no-lowercase': { type: 'boolean' },
  tf: { type: 'string' },
  idf: { type: 'boolean' },
  'no-idf': { type: 'boolean' },
  norm: { type: 'string' },
  distance: { type: 'string' },
  iterations: { type: 'string' },
  epsilon: { type: 'string' },
  init: { type: 'string' },
  'init-steps': { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  kernel: { type: 'string' },
  threads: { type: 'string' },
  'label-min-share': { type: 'string' },
  seeding: { type: 'string' },
  'per-language': { type: 'string' },
  background: { type: 'string' },
  refine: { type: 'string' },
  languages: { type: 'string' },
  'min-letters': { type: 'string' },
  'max-distance': { type: 'string' },
  'min-margin': { type: 'string' },
  'unlabelled-bias': { type: 'string' },
  augment: { type: 'boolean' },
  'no-augment': { type: 'boolean' },
};

export const TRAIN_FLAGS_HELP = `Model options (defaults: the "default" preset, see docs/QUALITY.md):
  --preset NAME            default | spark (raw bigram counts, 1000 features, euclidean, k 10)
                           | unsupervised (ignores lang while clustering: k 60, labels by majority)
  -k, --k N                clusters without seeding (default ${DEFAULT_TRAIN.k})
  --features N             hash buckets, numFeatures (1..${MAX_NUM_FEATURES})
  --ngrams LIST            n-gram sizes over UTF-16 code units, e.g. 2 or 1,2
  --hash NAME              ${HASH_ALGORITHMS.join(' | ')} (spark2 = Spark 2.x legacy murmur tail)
  --cleanup MODE           ${CLEANUP_MODES.join(' | ')} (default ${DEFAULT_FEATURES.cleanup})
                           tweet: drop URLs, @mentions, RT, emoji, the '#' of hashtags;
                           tweet-nohashtags: the same, but hashtags are dropped whole
  --lowercase, --no-lowercase
  --tf MODE                ${TF_MODES.join(' | ')} (log = 1 + ln(count))
  --idf, --no-idf          weigh by IDF learned from the input
  --norm MODE              ${NORM_MODES.join(' | ')}
  --distance NAME          ${DISTANCES.join(' | ')} (cosine = spherical k-means)
  --iterations N           max Lloyd iterations (default ${DEFAULT_TRAIN.maxIterations})
  --epsilon X              converged when every center moves at most X (default ${DEFAULT_TRAIN.epsilon})
  --init MODE              ${INIT_MODES.join(' | ')} (default ${DEFAULT_TRAIN.init})
  --init-steps N           k-means|| steps (default ${DEFAULT_TRAIN.initSteps})
  --seed N                 random seed: same seed, same model (default ${DEFAULT_TRAIN.seed})
  --runs N                 restarts; the lowest cost wins (default ${DEFAULT_TRAIN.runs})
  --kernel NAME            ${ASSIGN_KERNELS.join(' | ')}: distances on TensorFlow.js (dense chunks) or the sparse
                           loop (auto: tfjs on the native backend, else sparse for sparse data)
  --threads N              worker threads for the sparse kernel (default: every core on large inputs)
  --label-min-share X      a cluster is labelled only if its majority language has this share (0..1)
  --seeding MODE           labels | none (default ${DEFAULT_TRAIN.seeding ? 'labels' : 'none'}): start k-means from per-language centers
                           of the labelled texts (k is then languages x per-language + background);
                           falls back to none when no input text has a "lang"
  --per-language N         seeded centers per language (default ${DEFAULT_TRAIN.seeding?.perLanguage ?? 1})
  --background N           seeded centers for texts of languages outside --languages, labelled null
                           (default ${DEFAULT_TRAIN.seeding?.background ?? 0})
  --refine N               free Lloyd iterations after seeding; 0 keeps each text with its language
                           (default ${DEFAULT_TRAIN.seeding?.refine ?? 0})
  --languages LIST         languages clusters may be labelled with (default: every "lang" in the input);
                           texts of other languages teach the model what "unknown" looks like
  --augment, --no-augment  also train on 8-word pieces of labelled web sentences (default: ${DEFAULT_TRAIN.augment ? 'on' : 'off'};
                           texts whose "kind" is ${(DEFAULT_TRAIN.augment?.kinds ?? ['web']).join(', ')})
  --min-letters N          texts with fewer letters get label null
  --max-distance X         texts farther than X from their center get label null
  --min-margin X           texts within X of another language's center get label null
  --unlabelled-bias X      a text goes to an unlabelled (unknown-language) center only when it is closer
                           than every labelled center by X (default ${DEFAULT_TRAIN.unknown.unlabelledBias ?? 0})`;

export interface ResolvedTrainFlags {
  features: FeatureSettings;
  kmeans: KMeansOptions;
  labelMinShare: number;
  unknown: UnknownPolicy;
  seeding: SeedingSettings | undefined;
  /** --seeding was given explicitly (no silent fallback to unsupervised init). */
  seedingExplicit: boolean;
  languages: string[] | undefined;
  augment: AugmentSettings | undefined;
}

export function resolveTrainFlags(p: Parsed): ResolvedTrainFlags {
  const preset = presetNamed(str(p, 'preset') ?? 'default');
  const t = { ...DEFAULT_TRAIN, ...preset.train };
  const f: FeatureSettings = { ...preset.features, ngrams: [...preset.features.ngrams] };
  const nf = int(p, 'features', 1, MAX_NUM_FEATURES);
  if (nf !== undefined) f.numFeatures = nf;
  const ngrams = list(p, 'ngrams');
  if (ngrams.length) {
    f.ngrams = ngrams.map((g) => {
      const n = Number(g);
      if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`--ngrams must list integers from 1 to 5 (got ${JSON.stringify(g)})`);
      return n;
    });
  }
  f.hash = choice(p, 'hash', HASH_ALGORITHMS) ?? f.hash;
  f.cleanup = choice(p, 'cleanup', CLEANUP_MODES) ?? f.cleanup;
  f.lowercase = toggle(p, 'lowercase') ?? f.lowercase;
  f.tf = choice(p, 'tf', TF_MODES) ?? f.tf;
  f.idf = toggle(p, 'idf') ?? f.idf;
  f.norm = choice(p, 'norm', NORM_MODES) ?? f.norm;
  const features = validateFeatureSettings(f);
  const unknown: UnknownPolicy = {
    minLetters: int(p, 'min-letters', 0, 1000) ?? t.unknown.minLetters,
    maxDistance: num(p, 'max-distance', 0) ?? t.unknown.maxDistance,
    minMargin: num(p, 'min-margin', 0) ?? t.unknown.minMargin,
  };
  const bias = num(p, 'unlabelled-bias', 0, 2) ?? t.unknown.unlabelledBias;
  if (bias !== undefined) unknown.unlabelledBias = bias;
  return {
    features,
    kmeans: {
      k: int(p, 'k', 1, 100_000) ?? t.k,
      maxIterations: int(p, 'iterations', 1, 100_000) ?? t.maxIterations,
      epsilon: num(p, 'epsilon', 0) ?? t.epsilon,
      init: choice(p, 'init', INIT_MODES) ?? t.init,
      initSteps: int(p, 'init-steps', 1, 100) ?? t.initSteps,
      seed: int(p, 'seed', 0, 2 ** 32 - 1) ?? t.seed,
      runs: int(p, 'runs', 1, 1000) ?? t.runs,
      kernel: choice(p, 'kernel', ASSIGN_KERNELS) ?? 'auto',
      threads: int(p, 'threads', 1, 256),
      distance: choice(p, 'distance', DISTANCES) ?? t.distance,
    },
    labelMinShare: num(p, 'label-min-share', 0, 1) ?? t.labelMinShare,
    unknown,
    augment: augmentFlag(p, t.augment),
    ...seedingFlags(p, t.seeding),
  };
}

function augmentFlag(p: Parsed, preset: AugmentSettings | null): AugmentSettings | undefined {
  const on = toggle(p, 'augment') ?? preset !== null;
  if (!on) return undefined;
  const a = preset ?? DEFAULT_TRAIN.augment;
  return a ? { ...a, kinds: [...a.kinds] } : undefined;
}

function seedingFlags(p: Parsed, preset: SeedingSettings | null): Pick<ResolvedTrainFlags, 'seeding' | 'seedingExplicit' | 'languages'> {
  const mode = choice(p, 'seeding', ['labels', 'none'] as const);
  const base = preset ?? { perLanguage: 1, background: 0, refine: 0 };
  const seeding: SeedingSettings = {
    ...base,
    perLanguage: int(p, 'per-language', 1, 1000) ?? base.perLanguage,
    background: int(p, 'background', 0, 10_000) ?? base.background,
    refine: int(p, 'refine', 0, 100_000) ?? base.refine,
  };
  const on = mode === undefined ? preset !== null : mode === 'labels';
  const tuned = ['per-language', 'background', 'refine'].filter((n) => p.values[n] !== undefined);
  if (!on && tuned.length > 0) throw new UsageError(`--${tuned[0]} needs --seeding labels`);
  const languages = list(p, 'languages');
  return { seeding: on ? seeding : undefined, seedingExplicit: mode === 'labels', languages: languages.length ? languages : undefined };
}
