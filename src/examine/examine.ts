/**
 * `tweetlang examine`: loads collected JSON lines into an in-memory DuckDB table `tweets` (schema inferred
 * by read_json_auto, files unioned by column name), adds each tweet's predicted `cluster` and
 * `predicted_label` with a model, and answers the standard questions (schema, counts by lang and by
 * cluster, sample texts) or a user's SQL over `tweets`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ClusterModel } from '../clustering/model.js';
import { Predictor } from '../clustering/predictor.js';
import { fromSystemError, InputError } from '../errors.js';

export type Row = Record<string, unknown>;

export interface TweetsTable {
  conn: DuckDBConnection;
  files: string[];
  rows: number;
  close(): void;
}

/** JSON-lines files of a folder (recursively, sorted), or the one file given. */
export async function inputFiles(input: string): Promise<string[]> {
  let st;
  try {
    st = await fs.stat(input);
  } catch (err) {
    throw fromSystemError(err, input);
  }
  if (!st.isDirectory()) return [input];
  const out: string[] = [];
  for (const e of await fs.readdir(input, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.(jsonl|ndjson|json)$/i.test(e.name) && !e.name.startsWith('.')) out.push(path.join(e.parentPath ?? input, e.name));
  }
  if (out.length === 0) throw new InputError('E_NO_INPUT', `${input}: no .jsonl files in this folder`);
  return out.sort();
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export class SqlError extends InputError {
  constructor(message: string, cause: unknown) {
    super('E_SQL', message, { cause });
  }
}

/** First line of a DuckDB error, without its hints. */
export function sqlErrorLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].trim();
}

export async function loadTweets(input: string, model: ClusterModel): Promise<TweetsTable> {
  const files = await inputFiles(input);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const close = () => {
    conn.closeSync();
    db.closeSync();
  };
  try {
    const list = `[${files.map(sqlString).join(', ')}]`;
    try {
      await conn.run(`CREATE TABLE raw AS SELECT * FROM read_json_auto(${list}, format = 'newline_delimited', union_by_name = true, ignore_errors = true)`);
    } catch (err) {
      throw new InputError('E_INPUT_FORMAT', `cannot read ${input} as JSON lines: ${sqlErrorLine(err)}`, { cause: err });
    }
    const cols = (await conn.runAndReadAll('DESCRIBE raw')).getRowObjectsJS().map((r) => String(r.column_name));
    if (!cols.includes('text')) throw new InputError('E_INPUT_FORMAT', `${input}: the records have no "text" field (columns: ${cols.join(', ')})`);
    const texts = (await conn.runAndReadAll('SELECT rowid, text FROM raw')).getRowsJS() as Array<[bigint, string | null]>;
    const predictor = new Predictor(model);
    await conn.run('CREATE TABLE predictions (rid BIGINT, cluster INTEGER, predicted_label VARCHAR)');
    const app = await conn.createAppender('predictions');
    for (const [rid, text] of texts) {
      const p = typeof text === 'string' ? predictor.predict(text) : { cluster: null, label: null };
      app.appendBigInt(rid);
      if (p.cluster === null) app.appendNull();
      else app.appendInteger(p.cluster);
      if (p.label === null) app.appendNull();
      else app.appendVarchar(p.label);
      app.endRow();
    }
    app.flushSync();
    app.closeSync();
    await conn.run('CREATE TABLE tweets AS SELECT r.* EXCLUDE (rid), p.cluster, p.predicted_label FROM (SELECT rowid AS rid, * FROM raw) r LEFT JOIN predictions p USING (rid) ORDER BY rid');
    await conn.run('DROP TABLE raw');
    await conn.run('DROP TABLE predictions');
    return { conn, files, rows: texts.length, close };
  } catch (err) {
    close();
    throw err;
  }
}

export async function query(conn: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: Row[] }> {
  let reader;
  try {
    reader = await conn.runAndReadAll(sql);
  } catch (err) {
    throw new SqlError(`SQL error: ${sqlErrorLine(err)}`, err);
  }
  return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Row[] };
}

export interface Summary {
  files: number;
  rows: number;
  schema: Array<{ column: string; type: string }>;
  byLang: Array<{ lang: string | null; n: number }>;
  byCluster: Array<{ cluster: number | null; label: string | null; n: number; samples: string[] }>;
}

export async function summarize(t: TweetsTable, samples = 3): Promise<Summary> {
  const schema = (await query(t.conn, 'DESCRIBE tweets')).rows.map((r) => ({ column: String(r.column_name), type: String(r.column_type) }));
  const hasLang = schema.some((c) => c.column === 'lang');
  const byLang = hasLang
    ? (await query(t.conn, 'SELECT lang, count(*) AS n FROM tweets GROUP BY lang ORDER BY n DESC, lang NULLS LAST')).rows.map((r) => ({ lang: (r.lang as string | null) ?? null, n: Number(r.n) }))
    : [];
  const clusters = (
    await query(
      t.conn,
      `SELECT cluster, any_value(predicted_label) AS label, count(*) AS n,
              coalesce(list(text ORDER BY length(text) DESC, text) FILTER (WHERE text IS NOT NULL), [])[1:${Math.max(0, Math.floor(samples))}] AS samples
       FROM tweets GROUP BY cluster ORDER BY n DESC, cluster NULLS LAST`,
    )
  ).rows;
  return {
    files: t.files.length,
    rows: t.rows,
    schema,
    byLang,
    byCluster: clusters.map((r) => ({ cluster: r.cluster === null ? null : Number(r.cluster), label: (r.label as string | null) ?? null, n: Number(r.n), samples: ((r.samples as Array<string | null> | null) ?? []).filter((x): x is string => typeof x === 'string') })),
  };
}

/** Plain text table (values shortened to `width`). */
export function formatTable(columns: string[], rows: Row[], width = 60): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : String(v);
    s = s.replace(/\s+/g, ' ');
    return s.length > width ? s.slice(0, width - 1) + '…' : s;
  };
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const w = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i])).join('  ').trimEnd();
  return [line(columns), line(w.map((n) => '-'.repeat(n))), ...cells.map(line)].join('\n') + '\n';
}
