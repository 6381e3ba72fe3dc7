/**
 * The settings the quality experiments compare: the Spark reference recipe, then one change at a time
 * towards the default (docs/QUALITY.md has the measured table). Every setting trains through train()
 * exactly as `tweetlang train` does; `peer` settings run scikit-learn on the same split instead.
 */
import { DEFAULT_FEATURES, DEFAULT_TRAIN, PRESETS } from '../../src/config.js';
import type { UnknownPolicy } from '../../src/clustering/model.js';
import type { KMeansOptions } from '../../src/clustering/kmeans.js';
import type { FeatureSettings } from '../../src/features/settings.js';
import type { SeedingOptions } from '../train.js';
import { VARIETY_THRESHOLD } from '../background.js';
import type { AugmentSettings } from '../augment.js';
import type { WeightingSettings } from '../weighting.js';

export interface Setting {
  name: string;
  /** What this setting changes, for the table. */
  note: string;
  features: FeatureSettings;
  kmeans: KMeansOptions;
  seeding?: SeedingOptions;
  /** Train with texts of other languages (the background groups of the fold), labelled null. */
  background?: boolean;
  /** Leave these kinds of known-language texts out of training (a domain-shift check: e.g. no tweets). */
  excludeKinds?: string[];
  /** Leave out background languages whose centroid is more similar than this to a known one (training/background.ts). */
  dropVarieties?: number;
  labelMinShare?: number;
  unknown: UnknownPolicy;
  /** Training-time augmentation (training/augment.ts). */
  augment?: AugmentSettings;
  /** Seeded centers weigh every kind of text of a language the same. */
  balanceKinds?: boolean;
  kindWeights?: Record<string, number>;
  /** Feature weights other than Spark's IDF (training/weighting.ts). */
  weighting?: WeightingSettings;
  /** A text rewrite applied before the featurizer, in training and scoring (to try clean-up rules). */
  rewrite?: (text: string) => string;
  /** Run scikit-learn's KMeans (training/peers/sklearn_kmeans.py) on these features instead of train(). */
  peer?: 'sklearn';
}

const NO_UNKNOWN: UnknownPolicy = { minLetters: 0, maxDistance: null, minMargin: null };
const spark = PRESETS.spark.features;
const K = 20;

function f(over: Partial<FeatureSettings>, base: FeatureSettings = spark): FeatureSettings {
  return { ...base, ...over, ngrams: [...(over.ngrams ?? base.ngrams)] };
}

// the unsupervised ladder: Spark recipe -> clean-up -> weighting -> spherical k-means -> features
const clean = f({ cleanup: 'tweet', lowercase: true });
const l2 = f({ norm: 'l2' }, clean);
const tfidf = f({ tf: 'log', idf: true }, l2);
const wide = f({ numFeatures: 1 << 14 }, tfidf);
const uni = f({ ngrams: [1, 2] }, wide);
const tri = f({ ngrams: [1, 2, 3] }, wide);
const best = { ...DEFAULT_FEATURES, ngrams: [...DEFAULT_FEATURES.ngrams] };

const euclid = (k = K): KMeansOptions => ({ k, distance: 'euclidean', maxIterations: 20, seed: 1 });
const cosine = (k = K, extra: Partial<KMeansOptions> = {}): KMeansOptions => ({ k, distance: 'cosine', maxIterations: 20, seed: 1, ...extra });
const seeded = (over: Partial<SeedingOptions> = {}): SeedingOptions => ({ ...(DEFAULT_TRAIN.seeding ?? { perLanguage: 1, background: 0, refine: 0 }), ...over });

export const SETTINGS: readonly Setting[] = [
  { name: 'spark', note: 'reference recipe: raw bigram counts, 1000 features, euclidean, k=20', features: spark, kmeans: euclid(), unknown: NO_UNKNOWN },
  { name: 'sklearn-spark', note: 'peer: scikit-learn KMeans (k-means++, 10 inits) on L2-normalised spark features', features: l2, kmeans: euclid(), unknown: NO_UNKNOWN, peer: 'sklearn' },
  { name: 'cleanup', note: '+ tweet clean-up, lowercase', features: clean, kmeans: euclid(), unknown: NO_UNKNOWN },
  { name: 'l2', note: '+ L2 norm', features: l2, kmeans: euclid(), unknown: NO_UNKNOWN },
  { name: 'tfidf', note: '+ sublinear tf, IDF', features: tfidf, kmeans: euclid(), unknown: NO_UNKNOWN },
  { name: 'cosine', note: '+ cosine distance (spherical k-means)', features: tfidf, kmeans: cosine(), unknown: NO_UNKNOWN },
  { name: 'f16k', note: '+ 16384 features', features: wide, kmeans: cosine(), unknown: NO_UNKNOWN },
  { name: 'uni', note: '+ unigrams (1,2-grams)', features: uni, kmeans: cosine(), unknown: NO_UNKNOWN },
  { name: 'tri', note: '+ trigrams (1,2,3-grams)', features: tri, kmeans: cosine(), unknown: NO_UNKNOWN },
  { name: 'runs5', note: 'tri, 5 restarts (lowest cost)', features: tri, kmeans: cosine(K, { runs: 5 }), unknown: NO_UNKNOWN },
  { name: 'k60', note: 'tri, k=60, labels merged by language', features: tri, kmeans: cosine(60), unknown: NO_UNKNOWN },
  { name: 'k60-purity', note: 'k60, label only clusters with >= 60% one language', features: tri, kmeans: cosine(60), labelMinShare: 0.6, unknown: NO_UNKNOWN },
  { name: 'sklearn-tri', note: 'peer: scikit-learn KMeans on the tri features (k=20)', features: tri, kmeans: euclid(), unknown: NO_UNKNOWN, peer: 'sklearn' },
  // seeded k-means: every language starts with its own center
  { name: 'seed-refine', note: 'tri, seeded from labels (1/language), 20 free Lloyd iterations', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 0, refine: 20 }), unknown: NO_UNKNOWN },
  { name: 'seed-bi', note: 'seeded, constrained (no refinement), bigrams only', features: wide, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 0, refine: 0 }), unknown: NO_UNKNOWN },
  { name: 'seed-uni', note: 'seeded, constrained, 1,2-grams', features: uni, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 0, refine: 0 }), unknown: NO_UNKNOWN },
  { name: 'seed-tri', note: 'seeded, constrained, 1,2,3-grams', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 0, refine: 0 }), unknown: NO_UNKNOWN },
  { name: 'seed-tri-sub2', note: 'seed-tri with 2 sub-centers per language', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 2, background: 0, refine: 0 }), unknown: NO_UNKNOWN },
  { name: 'bg20', note: 'seed-tri + 20 background centers from other languages (label null)', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 20, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40', note: 'seed-tri + 40 background centers', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-bi', note: 'bg40 with bigrams only', features: wide, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-f8k', note: 'bg40 with 8192 features', features: f({ numFeatures: 1 << 13 }, tri), kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg20-f8k', note: 'bg20 with 8192 features', features: f({ numFeatures: 1 << 13 }, tri), kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 20, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-f4k', note: 'bg40 with 4096 features', features: f({ numFeatures: 1 << 12 }, tri), kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-4g', note: 'bg40 with 1,2,3,4-grams', features: f({ ngrams: [1, 2, 3, 4] }, tri), kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-refine5', note: 'bg40, then 5 free Lloyd iterations', features: tri, kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 5 }), background: true, unknown: NO_UNKNOWN },
  { name: 'bg40-f64k', note: 'bg40 with 65536 features', features: f({ numFeatures: 1 << 16 }, tri), kmeans: cosine(), seeding: seeded({ perLanguage: 1, background: 40, refine: 0 }), background: true, unknown: NO_UNKNOWN },
  { name: 'default-open', note: 'the default settings without the unknown policy (no minLetters, maxDistance, minMargin)', features: best, kmeans: cosine(DEFAULT_TRAIN.k), seeding: DEFAULT_TRAIN.seeding ?? undefined, augment: DEFAULT_TRAIN.augment ?? undefined, background: true, dropVarieties: VARIETY_THRESHOLD, labelMinShare: DEFAULT_TRAIN.labelMinShare, unknown: NO_UNKNOWN },
  { name: 'default-varieties', note: 'the default settings keeping written varieties of known languages (Dari, Jin, Papuan Malay...) as background', features: best, kmeans: cosine(DEFAULT_TRAIN.k), seeding: DEFAULT_TRAIN.seeding ?? undefined, augment: DEFAULT_TRAIN.augment ?? undefined, background: true, labelMinShare: DEFAULT_TRAIN.labelMinShare, unknown: DEFAULT_TRAIN.unknown },
  { name: 'default-notweets', note: 'domain shift: the default trained without any tweet (web and udhr only), scored on tweets too', features: best, kmeans: cosine(DEFAULT_TRAIN.k), seeding: DEFAULT_TRAIN.seeding ?? undefined, augment: DEFAULT_TRAIN.augment ?? undefined, background: true, dropVarieties: VARIETY_THRESHOLD, excludeKinds: ['tweet'], labelMinShare: DEFAULT_TRAIN.labelMinShare, unknown: DEFAULT_TRAIN.unknown },
  { name: 'default', note: 'the default settings (src/config.ts), unknown policy included', features: best, kmeans: cosine(DEFAULT_TRAIN.k), seeding: DEFAULT_TRAIN.seeding ?? undefined, augment: DEFAULT_TRAIN.augment ?? undefined, background: true, dropVarieties: VARIETY_THRESHOLD, labelMinShare: DEFAULT_TRAIN.labelMinShare, unknown: DEFAULT_TRAIN.unknown },
  // tweet register (round 2): each row changes one thing from `default`
  ...registerSettings(),
];

/** "#ConversaComBial" -> "Conversa Com Bial" (a trial rule, not kept). */
function splitHashtags(t: string): string {
  return t.replace(/#([\p{L}\p{M}\p{N}_]+)/gu, (_, tag: string) => ' ' + tag.replace(/_/g, ' ').replace(/(\p{Ll})(?=\p{Lu})|(\p{L})(?=\p{N})|(\p{N})(?=\p{L})|(\p{Lu})(?=\p{Lu}\p{Ll})/gu, '$& ') + ' ');
}

function collapseRuns(t: string): string {
  return t.replace(/(\p{L})\1{2,}/gu, '$1$1');
}

function registerSettings(): Setting[] {
  const seeding = DEFAULT_TRAIN.seeding ?? undefined;
  const augment = DEFAULT_TRAIN.augment ?? undefined;
  const base: Setting = { name: 'default', note: '', features: best, kmeans: cosine(DEFAULT_TRAIN.k), seeding, augment, background: true, dropVarieties: VARIETY_THRESHOLD, labelMinShare: DEFAULT_TRAIN.labelMinShare, unknown: DEFAULT_TRAIN.unknown };
  const aug = (over: Partial<AugmentSettings>): AugmentSettings => ({ ...(augment ?? { fragmentWords: 8, maxFragments: 4, stripAccents: false, background: false, kinds: ['web'] }), ...over });
  const wt = (over: Partial<WeightingSettings>): WeightingSettings => ({ balanced: false, backgroundShare: 0, specificity: 0, floor: 0, ...over });
  const row = (name: string, note: string, over: Partial<Setting>): Setting => ({ ...base, name, note, ...over });
  const round1Seeding = seeding ? { perLanguage: seeding.perLanguage, background: seeding.background, refine: seeding.refine } : undefined;
  return [
    // the first-round default, as it was: the "before" of round 2
    row('round1', 'the first-round default: hashtag words kept, udhr weigh 1, no pieces, minMargin 0.01', {
      features: f({ cleanup: 'tweet' }, best), seeding: round1Seeding, augment: undefined, unknown: { ...DEFAULT_TRAIN.unknown, minMargin: 0.01 },
    }),
    // one round-2 change taken back at a time
    row('default-hashtags', 'default, hashtag words kept (cleanup tweet instead of tweet-nohashtags)', { features: f({ cleanup: 'tweet' }, best) }),
    row('default-udhr1', 'default, udhr sentences weigh 1 in the language centers (not 0.25)', { seeding: round1Seeding }),
    row('default-nopieces', 'default without the 8-word pieces of web sentences', { augment: undefined }),
    row('default-margin01', 'default with minMargin 0.01 (the first-round value)', { unknown: { ...DEFAULT_TRAIN.unknown, minMargin: 0.01 } }),
    // tried, not kept: clean-up rules (as text rewrites before the featurizer)
    row('try-elong', 'default + runs of 3+ same letter -> 2 ("loooove" -> "loove", "kkkkk" -> "kk")', { rewrite: collapseRuns }),
    row('try-digits', 'default + digits removed', { rewrite: (t) => t.replace(/\p{Nd}+/gu, ' ') }),
    row('try-punct', 'default + runs of 2+ punctuation -> the first', { rewrite: (t) => t.replace(/(\p{P})\p{P}+/gu, '$1') }),
    row('try-hashsplit', 'default-hashtags + hashtags split into words ("#ConversaComBial" -> "Conversa Com Bial")', { features: f({ cleanup: 'tweet' }, best), rewrite: splitHashtags }),
    // tried, not kept: augmentation variants
    row('try-pieces5', 'default, 6 pieces of 5 words instead of 4 of 8', { augment: aug({ fragmentWords: 5, maxFragments: 6 }) }),
    row('try-pieces-udhr', 'default, pieces of udhr sentences too', { augment: aug({ kinds: ['web', 'udhr'] }) }),
    row('try-pieces-bg', 'default, pieces of the background sentences too', { augment: aug({ kinds: ['web', 'udhr'], background: true }) }),
    row('try-plain', 'default + unaccented copies of web and udhr sentences', { augment: aug({ stripAccents: true, kinds: ['web', 'udhr'] }) }),
    // tried, not kept: centers and weights
    row('try-udhr0', 'default, udhr sentences weigh 0 in the language centers (IDF still sees them)', { kindWeights: { udhr: 0 } }),
    row('try-tweet05', 'default, tweets weigh 0.5 in the language centers', { kindWeights: { udhr: 0.25, tweet: 0.5 } }),
    row('try-kind-bal', 'default, every kind (tweet, web, udhr, pieces) weighs the same in its language center', { balanceKinds: true }),
    row('try-idf-bal', 'default, IDF fitted with every language weighing the same', { weighting: wt({ balanced: true, backgroundShare: 0.46 }) }),
    row('try-idf-spec', 'default, IDF x language specificity of each feature', { weighting: wt({ specificity: 1 }) }),
    row('try-f16k', 'default with 16384 features', { features: f({ numFeatures: 1 << 14 }, best) }),
  ];
}

export function settingsNamed(names: readonly string[]): Setting[] {
  if (names.length === 0) return [...SETTINGS];
  return names.map((n) => {
    const s = SETTINGS.find((x) => x.name === n);
    if (!s) throw new Error(`unknown setting ${JSON.stringify(n)}; settings: ${SETTINGS.map((x) => x.name).join(', ')}`);
    return s;
  });
}
