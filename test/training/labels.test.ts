import { describe, expect, it } from 'vitest';
import { majorityLabels } from '../../training/train.js';

describe('majorityLabels (label merging)', () => {
  it('labels each cluster with its majority language, several clusters sharing one language', () => {
    const assignments = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 2]);
    const langs = ['spa', 'spa', 'por', 'spa', 'spa', 'por', 'por', 'por', 'ita'];
    const { labels, languages } = majorityLabels(assignments, langs, 3);
    expect(labels).toEqual(['spa', 'spa', 'por']);
    expect(languages).toEqual([{ spa: 2, por: 1 }, { spa: 2 }, { por: 3, ita: 1 }]);
  });

  it('leaves a cluster without labelled texts unlabelled, and ignores texts without lang', () => {
    const { labels } = majorityLabels(Int32Array.from([0, 1, 1]), ['eng', undefined, undefined], 3);
    expect(labels).toEqual(['eng', null, null]);
  });

  it('breaks ties by language name', () => {
    const { labels } = majorityLabels(Int32Array.from([0, 0, 0, 0]), ['por', 'spa', 'spa', 'por'], 1);
    expect(labels).toEqual(['por']);
  });

  it('labels a cluster only when its majority holds minShare of its labelled texts', () => {
    const assignments = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const langs = ['rus', 'rus', 'rus', 'ukr', 'rus', 'rus', 'ukr', 'bel'];
    expect(majorityLabels(assignments, langs, 2, 0.6).labels).toEqual(['rus', null]);
    expect(majorityLabels(assignments, langs, 2, 0.5).labels).toEqual(['rus', 'rus']);
  });

  it('gives null to clusters whose majority language is not one the model labels (background)', () => {
    const assignments = Int32Array.from([0, 0, 1, 1, 1, 1]);
    const langs = ['deu', 'deu', 'swe', 'dan', 'swe', 'deu'];
    const { labels } = majorityLabels(assignments, langs, 2, 0, new Set(['deu', 'eng']));
    expect(labels).toEqual(['deu', null]);
  });

  it('a known language with a mere plurality inside a background cluster does not label it', () => {
    // 3 spa among 9 texts of 4 other languages: plurality spa, share 1/3
    const assignments = new Int32Array(9);
    const langs = ['spa', 'spa', 'spa', 'glg', 'glg', 'cat', 'cat', 'ast', 'ast'];
    expect(majorityLabels(assignments, langs, 1, 0, new Set(['spa'])).labels).toEqual(['spa']);
    expect(majorityLabels(assignments, langs, 1, 0.5, new Set(['spa'])).labels).toEqual([null]);
  });
});
