/**
 * The SSE side of the soak (bench/soak.ts), in its own process so that its work does not count in the
 * service's memory and event loop: keeps N clients on GET /v1/stream that come and go. Each client picks a
 * filter (all tweets, one or two languages, or a few clusters), lives 3-30 s, and 1 in 10 stops reading
 * after a moment (the server must cut it or skip it ahead). A client that ends is replaced after 0-1 s.
 * Seeded. Reports totals to the parent over IPC when told to stop.
 *
 *   forked by bench/soak.ts with: URL CLIENTS SEED
 */
import http from 'node:http';
import { createRng } from '../src/linalg/random.js';

export interface ClientTotals {
  connects: number;
  ended: number;
  refused: number;
  errors: number;
  tweets: number;
  skippedReported: number;
  endedByServer: number;
  stalled: number;
  open: number;
}

const [url, clientsArg, seedArg] = process.argv.slice(2);
const CLIENTS = Number(clientsArg);
const rng = createRng(Number(seedArg));
const totals: ClientTotals = { connects: 0, ended: 0, refused: 0, errors: 0, tweets: 0, skippedReported: 0, endedByServer: 0, stalled: 0, open: 0 };
let stopping = false;
const live = new Set<http.ClientRequest>();

function countMatches(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

function filterQuery(labels: string[], k: number): string {
  const r = rng.next();
  if (r < 0.1) return '';
  if (r < 0.55) {
    const picks = new Set([labels[rng.int(labels.length)], ...(rng.next() < 0.5 ? [labels[rng.int(labels.length)]] : [])]);
    return '?' + [...picks].map((l) => `lang=${encodeURIComponent(l)}`).join('&');
  }
  const n = 1 + rng.int(3);
  return '?' + Array.from({ length: n }, () => `cluster=${rng.int(k)}`).join('&');
}

function startClient(labels: string[], k: number): void {
  if (stopping) return;
  const lifetimeMs = 3000 + rng.int(27_000);
  const stallAfterMs = rng.next() < 0.1 ? 500 + rng.int(3000) : undefined;
  const query = filterQuery(labels, k);
  let tail = '';
  let done = false;
  const finish = (byServer: boolean) => {
    if (done) return;
    done = true;
    live.delete(req);
    totals.open--;
    totals.ended++;
    if (byServer) totals.endedByServer++;
    setTimeout(() => startClient(labels, k), rng.int(1000));
  };
  const req = http.get(`${url}/v1/stream${query}`, { headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      totals.refused++;
      res.resume();
      res.on('end', () => finish(true));
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      // count whole events only: keep the unfinished tail for the next chunk
      const text = tail + chunk;
      const cut = text.lastIndexOf('\n\n');
      if (cut < 0) {
        tail = text;
        return;
      }
      const whole = text.slice(0, cut + 2);
      tail = text.slice(cut + 2);
      totals.tweets += countMatches(whole, 'event: tweet\n');
      for (let i = whole.indexOf('event: skipped\ndata: '); i >= 0; i = whole.indexOf('event: skipped\ndata: ', i + 1)) {
        const m = /"dropped":(\d+)/.exec(whole.slice(i, i + 80));
        if (m) totals.skippedReported += Number(m[1]);
      }
    });
    res.on('end', () => finish(true));
    res.on('close', () => finish(!stopping));
    res.on('error', () => undefined);
    if (stallAfterMs !== undefined) {
      setTimeout(() => {
        totals.stalled++;
        res.pause(); // stops reading: the server's hub skips it ahead, then cuts it
      }, stallAfterMs).unref();
    }
  });
  live.add(req);
  totals.connects++;
  totals.open++;
  req.on('error', () => {
    totals.errors++;
    finish(false);
  });
  setTimeout(() => {
    if (!done) {
      req.destroy();
      finish(false);
    }
  }, lifetimeMs).unref();
}

async function main(): Promise<void> {
  const model = (await (await fetch(`${url}/v1/model`)).json()) as { k: number; labels: Array<string | null> };
  const labels = [...new Set(model.labels.filter((l): l is string => l !== null))];
  for (let i = 0; i < CLIENTS; i++) setTimeout(() => startClient(labels, model.k), rng.int(2000));
  process.on('message', (m: unknown) => {
    if (m !== 'stop') return;
    stopping = true;
    for (const r of live) r.destroy();
    // the last 'close' events fire on a later tick
    setTimeout(() => {
      process.send!({ totals }, () => process.exit(0));
    }, 200);
  });
  process.send!({ ready: true });
}

void main();
