import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTweets, query, summarize, formatTable } from '../../src/examine/examine.js';
import { loadModelOrDefault } from '../../src/clustering/load-default.js';
import { Predictor } from '../../src/clustering/predictor.js';
import type { ClusterModel } from '../../src/clustering/model.js';
import { runCli } from '../helpers/cli.js';
import { ENGLISH, SPANISH } from '../helpers/texts.js';

describe('examine', () => {
  let dir: string;
  let model: ClusterModel;
  const rows = [
    ...SPANISH.slice(0, 4).map((text, i) => ({ id: `s${i}`, text, lang: 'es', created_at: '2024-05-01T10:00:00.000Z' })),
    ...ENGLISH.slice(0, 3).map((text, i) => ({ id: `e${i}`, text, lang: 'en', created_at: '2024-05-01T10:00:01.000Z' })),
  ];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-examine-'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'tweets-1.jsonl'), rows.slice(0, 4).map((r) => JSON.stringify(r)).join('\n') + '\n');
    // a second file with an extra column and a line without text
    writeFileSync(path.join(dir, 'sub', 'tweets-2.jsonl'), rows.slice(4).map((r) => JSON.stringify({ ...r, source: 'x' })).join('\n') + '\n{"id":"n1","lang":"es"}\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'not data');
    model = (await loadModelOrDefault(undefined)).model;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every JSONL file with the union of columns and the model\'s predictions', async () => {
    const t = await loadTweets(dir, model);
    try {
      expect(t.files.map((f) => path.relative(dir, f))).toEqual(['sub/tweets-2.jsonl', 'tweets-1.jsonl']);
      expect(t.rows).toBe(8);
      const s = await summarize(t, 2);
      expect(s.schema.map((c) => c.column)).toEqual(expect.arrayContaining(['id', 'text', 'lang', 'created_at', 'source', 'cluster', 'predicted_label']));
      expect(s.byLang).toEqual([
        { lang: 'es', n: 5 },
        { lang: 'en', n: 3 },
      ]);
      const predictor = new Predictor(model);
      const expected = new Map<string, number>();
      for (const r of rows) {
        const c = String(predictor.predict(r.text).cluster);
        expected.set(c, (expected.get(c) ?? 0) + 1);
      }
      expected.set('null', 1); // the record without text
      expect(new Map(s.byCluster.map((c) => [String(c.cluster), c.n]))).toEqual(expected);
      for (const c of s.byCluster.filter((x) => x.cluster !== null)) expect(c.samples.length).toBeLessThanOrEqual(2);
      const r = await query(t.conn, "SELECT id, predicted_label FROM tweets WHERE id = 's0'");
      expect(r.rows).toEqual([{ id: 's0', predicted_label: predictor.predict(rows[0].text).label }]);
    } finally {
      t.close();
    }
  });

  it('formats tables', () => {
    expect(formatTable(['a', 'bb'], [{ a: 1, bb: null }, { a: 'x'.repeat(10), bb: { k: 1n } }], 6)).toBe('a       bb\n------  ------\n1       NULL\nxxxxx…  {"k":…\n');
  });

  it('CLI: summary, SQL, and one clear line with exit 1 for bad SQL', async () => {
    const summary = await runCli(['examine', '--input', dir, '--samples', '1']);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^8 tweets from 2 files/);
    expect(summary.stdout).toContain('By lang:');
    expect(summary.stdout).toContain('By predicted cluster:');
    const sql = await runCli(['examine', '--input', path.join(dir, 'tweets-1.jsonl'), '--sql', 'SELECT count(*) AS n FROM tweets', '--json']);
    expect([sql.code, sql.stdout]).toEqual([0, '{"n":"4"}\n']);
    const bad = await runCli(['examine', '--input', dir, '--sql', 'SELEKT * FROM tweets']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tweetlang examine: SQL error: Parser Error: .*\[E_SQL\]$/)]);
    const missing = await runCli(['examine', '--input', path.join(dir, 'nope')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `tweetlang examine: ${path.join(dir, 'nope')}: no such file or directory [E_NOT_FOUND]`]);
    const usage = await runCli(['examine']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--input is required');
  });
});
