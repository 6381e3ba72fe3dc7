/** Feature settings: what turns a text into a vector. Recorded in every model file. */
import { ConfigError } from '../errors.js';
import { CLEANUP_MODES, type CleanupMode } from './cleanup.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from './hashing-tf.js';

export type TfMode = 'raw' | 'binary' | 'log';
export type NormMode = 'none' | 'l2';
export const TF_MODES: readonly TfMode[] = ['raw', 'binary', 'log'];
export const NORM_MODES: readonly NormMode[] = ['none', 'l2'];
export const MAX_NUM_FEATURES = 1 << 22;

export interface FeatureSettings {
  /** Hash buckets (Spark's numFeatures). */
  numFeatures: number;
  hash: HashAlgorithm;
  /** n-gram sizes over UTF-16 code units; Spark's reference app uses [2]. */
  ngrams: number[];
  cleanup: CleanupMode;
  lowercase: boolean;
  /** raw counts, binary presence, or sublinear 1 + ln(count). */
  tf: TfMode;
  /** Use the IDF weights learned at training (stored in the model). */
  idf: boolean;
  norm: NormMode;
}

/** The Spark reference app's recipe: raw bigram counts, 1000 features, no clean-up, no norm. */
export const SPARK_FEATURES: Readonly<FeatureSettings> = Object.freeze({
  numFeatures: 1000,
  hash: 'spark3',
  ngrams: [2],
  cleanup: 'none',
  lowercase: false,
  tf: 'raw',
  idf: false,
  norm: 'none',
});

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ConfigError('E_BAD_FEATURES', `features.${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** Validates and normalises feature settings; throws ConfigError naming the bad field. */
export function validateFeatureSettings(input: unknown): FeatureSettings {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('E_BAD_FEATURES', 'features must be an object');
  }
  const s = input as Record<string, unknown>;
  const numFeatures = s.numFeatures;
  if (typeof numFeatures !== 'number' || !Number.isInteger(numFeatures) || numFeatures < 1 || numFeatures > MAX_NUM_FEATURES) {
    throw new ConfigError(
      'E_BAD_FEATURES',
      `features.numFeatures must be an integer from 1 to ${MAX_NUM_FEATURES} (got ${JSON.stringify(numFeatures)})`,
    );
  }
  const ngrams = s.ngrams;
  if (
    !Array.isArray(ngrams) ||
    ngrams.length === 0 ||
    ngrams.some((n) => !Number.isInteger(n) || n < 1 || n > 5) ||
    new Set(ngrams).size !== ngrams.length
  ) {
    throw new ConfigError('E_BAD_FEATURES', `features.ngrams must be distinct integers from 1 to 5 (got ${JSON.stringify(ngrams)})`);
  }
  if (typeof s.lowercase !== 'boolean') throw new ConfigError('E_BAD_FEATURES', 'features.lowercase must be a boolean');
  if (typeof s.idf !== 'boolean') throw new ConfigError('E_BAD_FEATURES', 'features.idf must be a boolean');
  return {
    numFeatures,
    hash: oneOf('hash', s.hash, HASH_ALGORITHMS),
    ngrams: [...(ngrams as number[])].sort((a, b) => a - b),
    cleanup: oneOf('cleanup', s.cleanup, CLEANUP_MODES),
    lowercase: s.lowercase,
    tf: oneOf('tf', s.tf, TF_MODES),
    idf: s.idf,
    norm: oneOf('norm', s.norm, NORM_MODES),
  };
}

export function describeFeatures(f: FeatureSettings): string {
  return [
    `${f.numFeatures} features`,
    `${f.ngrams.join('+')}-grams`,
    f.hash,
    `cleanup=${f.cleanup}`,
    f.lowercase ? 'lowercase' : 'case-kept',
    `tf=${f.tf}`,
    f.idf ? 'idf' : 'no-idf',
    `norm=${f.norm}`,
  ].join(', ');
}
