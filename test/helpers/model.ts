/** Small models for tests, trained for real on tiny labelled corpora. */
import type { ClusterModel } from '../../src/clustering/model.js';
import type { FeatureSettings } from '../../src/features/settings.js';
import type { TextRecord } from '../../src/io/records.js';
import { train } from '../../training/train.js';

export const TINY_FEATURES: FeatureSettings = {
  numFeatures: 512,
  hash: 'spark3',
  ngrams: [1, 2],
  cleanup: 'tweet',
  lowercase: true,
  tf: 'log',
  idf: true,
  norm: 'l2',
};

const SENTENCES: Record<string, string[]> = {
  eng: [
    'the quick brown fox jumps over the lazy dog',
    'where is the library and when does it open',
    'we are going to the beach this weekend with friends',
    'this is the best thing that happened to me today',
    'they said that the weather would be nice tomorrow',
    'what are you doing with all of these books',
  ],
  spa: [
    'dónde está la biblioteca y cuándo abre',
    'vamos a la playa este fin de semana con amigos',
    'es lo mejor que me ha pasado hoy en la vida',
    'dijeron que el tiempo estaría bien mañana por la tarde',
    'qué estás haciendo con todos estos libros de la escuela',
    'el perro marrón salta sobre el zorro perezoso',
  ],
  deu: [
    'wo ist die bibliothek und wann öffnet sie',
    'wir fahren dieses wochenende mit freunden an den strand',
    'das ist das beste was mir heute passiert ist',
    'sie sagten dass das wetter morgen schön sein würde',
    'was machst du mit all diesen büchern aus der schule',
    'der schnelle braune fuchs springt über den faulen hund',
  ],
};

export function tinyCorpus(): TextRecord[] {
  return Object.entries(SENTENCES).flatMap(([lang, ss]) => ss.map((text) => ({ text, lang })));
}

export async function tinyModel(features: FeatureSettings = TINY_FEATURES): Promise<ClusterModel> {
  const { model } = await train(tinyCorpus(), { features, kmeans: { k: 3, seed: 3, distance: 'cosine', runs: 3 } });
  return model;
}
