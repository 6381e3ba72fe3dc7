/** Filtered-stream rules: list, add (with dry run), delete. */
import { ConfigError } from '../errors.js';
import { describeTwitterError, type TwitterApiHandle } from './client.js';

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

export interface AddRulesResult {
  created: StreamRule[];
  /** Rules the API refused, with its reason. */
  errors: Array<{ value: string; reason: string }>;
}

const RULES = 'tweets/search/stream/rules';

export async function listRules(api: TwitterApiHandle): Promise<StreamRule[]> {
  try {
    const res = (await api.v2.get(RULES, {}, { prefix: api.prefix })) as { data?: StreamRule[] };
    return (res.data ?? []).map((r) => ({ id: String(r.id), value: r.value, ...(r.tag ? { tag: r.tag } : {}) }));
  } catch (err) {
    throw describeTwitterError(err, 'listing stream rules').error;
  }
}

export function validateRule(value: string): string {
  const v = value.trim();
  if (v.length === 0) throw new ConfigError('E_TWITTER_RULE', 'a rule cannot be empty');
  if (v.length > 1024) throw new ConfigError('E_TWITTER_RULE', `a rule is at most 1024 characters (got ${v.length})`);
  return v;
}

export async function addRules(api: TwitterApiHandle, rules: Array<{ value: string; tag?: string }>, dryRun = false): Promise<AddRulesResult> {
  const add = rules.map((r) => ({ value: validateRule(r.value), ...(r.tag ? { tag: r.tag } : {}) }));
  let res: { data?: StreamRule[]; errors?: Array<{ value?: string; title?: string; details?: string[]; detail?: string }> };
  try {
    res = (await api.v2.post(RULES, { add }, { prefix: api.prefix, query: dryRun ? { dry_run: true } : {}, forceBodyMode: 'json' })) as typeof res;
  } catch (err) {
    throw describeTwitterError(err, 'adding stream rules').error;
  }
  return {
    created: (res.data ?? []).map((r) => ({ id: String(r.id), value: r.value, ...(r.tag ? { tag: r.tag } : {}) })),
    errors: (res.errors ?? []).map((e) => ({ value: e.value ?? '', reason: [e.title, ...(e.details ?? []), e.detail].filter(Boolean).join(': ') || 'refused' })),
  };
}

export async function deleteRules(api: TwitterApiHandle, ids: string[]): Promise<{ deleted: number; notDeleted: number }> {
  for (const id of ids) if (!/^\d{1,25}$/.test(id)) throw new ConfigError('E_TWITTER_RULE', `rule id ${JSON.stringify(id)} is not numeric`);
  if (ids.length === 0) return { deleted: 0, notDeleted: 0 };
  try {
    const res = (await api.v2.post(RULES, { delete: { ids } }, { prefix: api.prefix, forceBodyMode: 'json' })) as { meta?: { summary?: { deleted?: number; not_deleted?: number } } };
    return { deleted: res.meta?.summary?.deleted ?? 0, notDeleted: res.meta?.summary?.not_deleted ?? 0 };
  } catch (err) {
    throw describeTwitterError(err, 'deleting stream rules').error;
  }
}
