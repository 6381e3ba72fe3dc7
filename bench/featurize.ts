/** Featurize: texts -> CSR matrix with the Spark recipe and with the default model's settings, one thread. */
import { loadModelOrDefault } from '../src/clustering/load-default.js';
import { Featurizer } from '../src/features/featurizer.js';
import { SPARK_FEATURES } from '../src/features/settings.js';
import { CLASSIFY_TEXTS, corpus, peerReps, sklearnClassify } from './lib/corpus.js';
import { timeMs } from './lib/measure.js';
import type { BenchContext, BenchModule } from './lib/types.js';

async function run(ctx: BenchContext): Promise<void> {
  const { model } = await loadModelOrDefault(undefined);
  const n = ctx.quick ? 50_000 : CLASSIFY_TEXTS;
  const texts = corpus(n);
  const recipes: Array<[string, Featurizer]> = [
    ['Spark recipe (raw bigrams, 1000 features)', new Featurizer({ ...SPARK_FEATURES })],
    ['default settings (model)', new Featurizer(model.features, model.idf)],
  ];
  const peer = sklearnClassify(texts, model.k, model.features.numFeatures, peerReps(ctx.reps));
  const peerRate = peer.ok ? peer.value.featurize_per_s : null;
  for (const [name, fz] of recipes) {
    const ms = await timeMs(() => fz.transformAll(texts), ctx.reps);
    const rate = n / (ms / 1000);
    ctx.report({
      bench: 'featurize',
      name: `featurize texts/s, ${name}, 1 thread`,
      unit: 'texts/s',
      ours: rate,
      peer: peerRate,
      peerName: 'sklearn HashingVectorizer(char, 2-grams).transform',
      ratio: peerRate ? rate / peerRate : null,
      target: '',
      pass: null,
      note: peer.ok ? undefined : peer.reason,
    });
  }
}

export const bench: BenchModule = { name: 'featurize', description: 'texts -> sparse matrix (Spark recipe, default settings) vs scikit-learn', run };
