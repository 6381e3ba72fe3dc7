/**
 * A local server speaking the Twitter API v2 wire format, for tests (127.0.0.1, port 0): the filtered and
 * sample streams (chunked JSON lines separated by "\r\n", "\r\n" keep-alives, dropped connections, silence,
 * 429 with x-rate-limit-reset, 5xx), bearer-token checks, and the stream rules endpoints. Each stream
 * connection takes the next scripted plan.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tweet {
  id: string;
  text: string;
  lang?: string;
  created_at?: string;
}

export type Plan =
  | { status: number; resetInSec?: number; body?: unknown }
  /** 200, then the tweets (and a keep-alive between each), then: drop the socket, hang silent, or keep alive. */
  | { tweets: Tweet[]; then: 'drop' | 'silence' | 'keepalive' | 'end'; errorPayload?: boolean };

export interface Connection {
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  at: number;
}

export interface FakeTwitter {
  readonly base: string;
  readonly connections: Connection[];
  readonly rules: Array<{ id: string; value: string; tag?: string }>;
  /** Plans for the next stream connections, in order (when empty: keep-alives only). */
  plans: Plan[];
  close(): Promise<void>;
}

export async function startFakeTwitter(token: string): Promise<FakeTwitter> {
  const connections: Connection[] = [];
  const rules: Array<{ id: string; value: string; tag?: string }> = [];
  let nextRuleId = 1000;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { plans: [] as Plan[] };

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${token}`) {
      return json(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    if (url.pathname === '/2/tweets/search/stream/rules') return rulesEndpoint(req, res, url);
    if (url.pathname === '/2/tweets/search/stream' || url.pathname === '/2/tweets/sample/stream') {
      connections.push({ path: url.pathname, query: url.searchParams, auth: req.headers.authorization, at: Date.now() });
      const plan: Plan = state.plans.shift() ?? { tweets: [], then: 'keepalive' };
      if ('status' in plan) {
        const headers: Record<string, string> = {};
        if (plan.resetInSec !== undefined) {
          headers['x-rate-limit-limit'] = '50';
          headers['x-rate-limit-remaining'] = '0';
          headers['x-rate-limit-reset'] = String(Math.floor(Date.now() / 1000) + plan.resetInSec);
        }
        return json(res, plan.status, plan.body ?? { title: plan.status === 429 ? 'Too Many Requests' : 'Service Unavailable', detail: `status ${plan.status}`, type: 'about:blank' }, headers);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('\r\n');
      for (const t of plan.tweets) {
        const { id, text, lang, created_at } = t;
        res.write(JSON.stringify({ data: { id, text, ...(lang ? { lang } : {}), ...(created_at ? { created_at } : {}), edit_history_tweet_ids: [id] }, matching_rules: [{ id: '1', tag: 't' }] }) + '\r\n');
        res.write('\r\n');
      }
      if (plan.errorPayload) res.write(JSON.stringify({ errors: [{ title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect', detail: 'This stream has been disconnected upstream for operational reasons.' }] }) + '\r\n');
      if (plan.then === 'drop') setImmediate(() => req.socket.destroy());
      else if (plan.then === 'end') res.end();
      else if (plan.then === 'keepalive') {
        const t = setInterval(() => res.write('\r\n'), 50);
        timers.add(t);
        res.on('close', () => clearInterval(t));
      }
      return; // 'silence': headers sent, then nothing
    }
    json(res, 404, { title: 'Not Found Error', detail: `no route ${url.pathname}`, type: 'about:blank' });
  });

  function rulesEndpoint(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (req.method === 'GET') {
      return json(res, 200, rules.length ? { data: rules, meta: { sent: new Date().toISOString(), result_count: rules.length } } : { meta: { sent: new Date().toISOString(), result_count: 0 } });
    }
    if (req.method !== 'POST') return json(res, 405, { title: 'Method Not Allowed' });
    let body = '';
    req.setEncoding('utf8').on('data', (d) => (body += d));
    req.on('end', () => {
      let o: { add?: Array<{ value: string; tag?: string }>; delete?: { ids: string[] } };
      try {
        o = JSON.parse(body);
      } catch {
        return json(res, 400, { title: 'Invalid Request', detail: 'body is not JSON', type: 'about:blank' });
      }
      const dry = url.searchParams.get('dry_run') === 'true';
      if (o.add) {
        const created: typeof rules = [];
        const errors: Array<{ value: string; title: string; details: string[] }> = [];
        for (const r of o.add) {
          if (/\(\s*$/.test(r.value) || r.value.includes('((')) errors.push({ value: r.value, title: 'UnprocessableEntity', details: ['Unbalanced parentheses'] });
          else if (rules.some((x) => x.value === r.value)) errors.push({ value: r.value, title: 'DuplicateRule', details: [] });
          else created.push({ id: String(nextRuleId++), value: r.value, ...(r.tag ? { tag: r.tag } : {}) });
        }
        if (!dry) rules.push(...created);
        return json(res, 201, { ...(created.length ? { data: created } : {}), meta: { sent: new Date().toISOString(), summary: { created: created.length, not_created: errors.length, valid: created.length, invalid: errors.length } }, ...(errors.length ? { errors } : {}) });
      }
      if (o.delete) {
        let deleted = 0;
        for (const id of o.delete.ids) {
          const i = rules.findIndex((r) => r.id === id);
          if (i >= 0) {
            if (!dry) rules.splice(i, 1);
            deleted++;
          }
        }
        return json(res, 200, { meta: { sent: new Date().toISOString(), summary: { deleted, not_deleted: o.delete.ids.length - deleted } } });
      }
      json(res, 400, { title: 'Invalid Request', detail: 'add or delete required', type: 'about:blank' });
    });
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/2/`,
    connections,
    rules,
    get plans() {
      return state.plans;
    },
    set plans(p: Plan[]) {
      state.plans = p;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
