import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/linalg/backend.js';
import { csrFromRows, type SparseVector } from '../../src/linalg/sparse.js';
import { labelledSeeds } from '../../training/seeding.js';

const row = (entries: Array<[number, number]>, d = 6): SparseVector => ({
  size: d,
  indices: Int32Array.from(entries.map((e) => e[0])),
  values: Float32Array.from(entries.map((e) => e[1])),
});

describe('labelledSeeds', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const data = csrFromRows([row([[0, 1]]), row([[0, 1], [1, 1]]), row([[2, 1]]), row([[3, 2]]), row([[4, 1]]), row([[5, 1]])], 6);
  const langs = ['eng', 'eng', 'spa', 'swe', 'dan', undefined];

  it('starts each labelled language at the normalised mean of its texts, languages in sorted order', async () => {
    const s = await labelledSeeds(data, langs, { perLanguage: 1, background: 0, languages: new Set(['spa', 'eng']), distance: 'cosine', seed: 1 });
    expect(s.k).toBe(2);
    expect(s.seedLabels).toEqual(['eng', 'spa']);
    // eng mean = (1, 0.5, 0, ...) -> normalised (2, 1)/sqrt(5)
    expect(Array.from(s.centers.subarray(0, 6)).map((x) => +x.toFixed(5))).toEqual([+(2 / Math.sqrt(5)).toFixed(5), +(1 / Math.sqrt(5)).toFixed(5), 0, 0, 0, 0]);
    expect(Array.from(s.centers.subarray(6, 12))).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('adds background centers for texts of other languages (label null), ignoring texts without lang', async () => {
    const s = await labelledSeeds(data, langs, { perLanguage: 1, background: 1, languages: new Set(['spa', 'eng']), distance: 'euclidean', seed: 1 });
    expect(s.seedLabels).toEqual(['eng', 'spa', null]);
    // background = mean of swe (0,0,0,2,0,0) and dan (0,0,0,0,1,0); euclidean keeps the raw mean
    expect(Array.from(s.centers.subarray(12, 18))).toEqual([0, 0, 0, 1, 0.5, 0]);
  });

  it('caps sub-centers at the number of texts of a language, and is deterministic', async () => {
    const o = { perLanguage: 3, background: 0, languages: new Set(['spa', 'eng']), distance: 'cosine' as const, seed: 5 };
    const a = await labelledSeeds(data, langs, o);
    const b = await labelledSeeds(data, langs, o);
    expect(a.seedLabels).toEqual(['eng', 'eng', 'spa']);
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
  });

  it('weighs rows in their language mean when row weights are given', async () => {
    // eng rows: (1,0) weight 3 and (1,1) weight 1 -> mean (1, 0.25) -> normalised (4, 1)/sqrt(17)
    const rowWeights = Float64Array.from([3, 1, 1, 1, 1, 1]);
    const s = await labelledSeeds(data, langs, { perLanguage: 1, background: 0, languages: new Set(['spa', 'eng']), distance: 'cosine', seed: 1, rowWeights });
    expect(Array.from(s.centers.subarray(0, 2)).map((x) => +x.toFixed(5))).toEqual([+(4 / Math.sqrt(17)).toFixed(5), +(1 / Math.sqrt(17)).toFixed(5)]);
    // a language whose rows all weigh 0 gets a zero center rather than NaN
    const zero = await labelledSeeds(data, langs, { perLanguage: 1, background: 0, languages: new Set(['spa', 'eng']), distance: 'euclidean', seed: 1, rowWeights: Float64Array.from([0, 0, 1, 1, 1, 1]) });
    expect(Array.from(zero.centers.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects seeding without labelled texts', async () => {
    await expect(labelledSeeds(data, langs, { perLanguage: 1, background: 0, languages: new Set(['fra']), distance: 'cosine', seed: 1 })).rejects.toMatchObject({
      code: 'E_NO_LABELS',
    });
  });
});
