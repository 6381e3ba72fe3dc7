/** `tweetlang examine`: collected JSONL in DuckDB — schema, counts by lang and cluster, samples, or your SQL. */
import { flag, int, parse, required, str } from '../args.js';
import { writeOut, type CliIO, type Command } from '../io.js';
import { loadModelOrDefault } from '../../clustering/load-default.js';
import { formatTable, loadTweets, query, summarize } from '../../examine/examine.js';

const usage = `Usage: tweetlang examine --input DIR|FILE [--sql QUERY] [--model PATH] [--samples N] [--json]

Loads collected JSON lines (a file, or every .jsonl under a folder) into an in-memory DuckDB table
\`tweets\`, with each tweet's predicted \`cluster\` and \`predicted_label\` added by the model. Without
--sql, prints the inferred schema, counts by lang and by predicted cluster, and sample texts per cluster.
With --sql, runs your query over \`tweets\`, e.g.
  tweetlang examine --input data/ --sql "SELECT lang, cluster, count(*) n FROM tweets GROUP BY ALL ORDER BY n DESC"

Options:
  --input PATH     JSONL file or folder (required)
  --sql QUERY      a query over the table tweets
  --model PATH     model file or store folder (default: the bundled model)
  --samples N      sample texts per cluster (default 3)
  --json           JSON lines instead of tables
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, { input: { type: 'string', short: 'i' }, sql: { type: 'string' }, model: { type: 'string', short: 'm' }, samples: { type: 'string' }, json: { type: 'boolean' } });
  const input = required(p, 'input');
  const sql = str(p, 'sql');
  const samples = int(p, 'samples', 0, 100) ?? 3;
  const json = flag(p, 'json');
  const { model, path } = await loadModelOrDefault(str(p, 'model'));
  const t = await loadTweets(input, model);
  const jsonLine = (o: unknown) => JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
  try {
    if (sql !== undefined) {
      const r = await query(t.conn, sql);
      await writeOut(io.stdout, json ? r.rows.map(jsonLine).join('') : formatTable(r.columns, r.rows));
      return 0;
    }
    const s = await summarize(t, samples);
    if (json) {
      await writeOut(io.stdout, jsonLine({ ...s, model: path, modelVersion: model.version }));
      return 0;
    }
    let out = `${s.rows} tweets from ${s.files} file${s.files === 1 ? '' : 's'}; clusters by ${path} (version ${model.version})\n\n`;
    out += 'Schema (table tweets):\n' + formatTable(['column', 'type'], s.schema) + '\n';
    if (s.byLang.length) out += 'By lang:\n' + formatTable(['lang', 'n'], s.byLang) + '\n';
    out += 'By predicted cluster:\n' + formatTable(['cluster', 'label', 'n'], s.byCluster) + '\n';
    if (samples > 0) {
      out += 'Samples:\n';
      for (const c of s.byCluster) {
        out += `  cluster ${c.cluster ?? 'none'}${c.label ? ` (${c.label})` : ''}:\n`;
        for (const text of c.samples) out += `    - ${text.replace(/\s+/g, ' ').slice(0, 140)}\n`;
      }
    }
    await writeOut(io.stdout, out);
    return 0;
  } finally {
    t.close();
  }
}

export const command: Command = { name: 'examine', summary: 'explore collected tweets with DuckDB: schema, counts by lang/cluster, SQL', usage, run };
