/** `tweetlang rules`: manage the filtered stream's rules (Twitter API v2). */
import { flag, parse, str, UsageError } from '../args.js';
import { writeOut, type CliIO, type Command } from '../io.js';
import { DEFAULT_TWITTER } from '../../config.js';
import { createTwitterApi, tokenFromEnv } from '../../twitter/client.js';
import { addRules, deleteRules, listRules } from '../../twitter/rules.js';

const usage = `Usage: tweetlang rules list [--json]
       tweetlang rules add RULE [RULE...] [--tag TAG] [--dry-run]
       tweetlang rules delete ID [ID...] | --all

Manages the rules of the Twitter API v2 filtered stream that \`--source twitter\` reads.
Examples:
  tweetlang rules add "lang:es -is:retweet" --tag spanish
  tweetlang rules list
  tweetlang rules delete --all

Options:
  --tag TAG         tag for the added rules (shown in each matching tweet)
  --dry-run         validate the rules with the API without adding them
  --all             (delete) delete every rule
  --json            (list) JSON output
  --api-base URL    API base URL (env TWITTER_API_BASE, default ${DEFAULT_TWITTER.apiBase})

Environment: TWITTER_BEARER_TOKEN (required; never printed).
`;

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parse(argv, { tag: { type: 'string' }, 'dry-run': { type: 'boolean' }, all: { type: 'boolean' }, json: { type: 'boolean' }, 'api-base': { type: 'string' } }, true);
  const [action, ...args] = p.positionals;
  if (!action) throw new UsageError('say what to do: list, add or delete');
  if (!['list', 'add', 'delete'].includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)} (list, add, delete)`);
  const api = createTwitterApi({ token: tokenFromEnv(io.env), apiBase: str(p, 'api-base') ?? io.env.TWITTER_API_BASE });
  if (action === 'list') {
    if (args.length) throw new UsageError('list takes no arguments');
    const rules = await listRules(api);
    if (flag(p, 'json')) await writeOut(io.stdout, JSON.stringify(rules) + '\n');
    else if (rules.length === 0) await writeOut(io.stdout, 'no rules\n');
    else await writeOut(io.stdout, rules.map((r) => `${r.id}\t${r.value}${r.tag ? `\t[${r.tag}]` : ''}`).join('\n') + '\n');
    return 0;
  }
  if (action === 'add') {
    if (args.length === 0) throw new UsageError('add needs at least one rule, e.g. "lang:es -is:retweet"');
    const tag = str(p, 'tag');
    const dry = flag(p, 'dry-run');
    const res = await addRules(api, args.map((value) => ({ value, tag })), dry);
    for (const r of res.created) await writeOut(io.stdout, `${dry ? 'valid' : 'added'}\t${r.id}\t${r.value}${r.tag ? `\t[${r.tag}]` : ''}\n`);
    for (const e of res.errors) io.stderr.write(`tweetlang rules: not added: ${JSON.stringify(e.value)}: ${e.reason} [E_TWITTER_RULE]\n`);
    return res.errors.length > 0 ? 1 : 0;
  }
  let ids = args;
  if (flag(p, 'all')) {
    if (args.length) throw new UsageError('give rule ids or --all, not both');
    ids = (await listRules(api)).map((r) => r.id);
  } else if (ids.length === 0) throw new UsageError('delete needs rule ids (see `tweetlang rules list`) or --all');
  const res = await deleteRules(api, ids);
  await writeOut(io.stdout, `deleted ${res.deleted}${res.notDeleted ? `, not found ${res.notDeleted}` : ''}\n`);
  return res.notDeleted > 0 ? 1 : 0;
}

export const command: Command = { name: 'rules', summary: 'list, add or delete the Twitter filtered-stream rules', usage, run };
