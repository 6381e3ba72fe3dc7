/**
 * Worker thread of bench/lib/sse-clients.ts: real HTTP clients on GET /v1/stream, in a thread of their own
 * so that parsing the events does not run on the server's event loop (but on the same wall clock, so
 * `Date.now() - receivedAt` is the ingest-to-delivery latency of each tweet). Each `tweet` event is parsed
 * with JSON.parse as a browser's EventSource client would.
 *
 * Messages in: {type: 'connect', url, queries} (answers 'connected' once every client had its `hello`),
 * {type: 'measure', on} (on: start recording; off: answer 'result' with what was recorded), {type: 'close'}.
 */
import http from 'node:http';
import { parentPort } from 'node:worker_threads';

export type ToClients = { type: 'connect'; url: string; queries: string[] } | { type: 'measure'; on: boolean } | { type: 'close' };

export type FromClients =
  | { type: 'connected' }
  | { type: 'error'; message: string }
  | {
      type: 'result';
      /** Ingest-to-delivery ms of every tweet event received while measuring (all clients). */
      latencies: Float64Array;
      /** Events each client was told it skipped (it fell behind). */
      skipped: number;
      /** Clients the server disconnected. */
      disconnected: number;
    };

const port = parentPort!;
const post = (m: FromClients, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let requests: http.ClientRequest[] = [];
let measuring = false;
let latencies: number[] = [];
let skipped = 0;
let disconnected = 0;

function connect(url: string, queries: string[]): void {
  let waiting = queries.length;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  for (const q of queries) {
    let tail = '';
    let hello = false;
    const req = http.get(`${url}/v1/stream${q}`, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        post({ type: 'error', message: `GET /v1/stream${q}: HTTP ${res.statusCode}` });
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = Date.now();
        const text = tail + chunk;
        let from = 0;
        for (let end = text.indexOf('\n\n', from); end >= 0; end = text.indexOf('\n\n', from)) {
          const block = text.slice(from, end);
          from = end + 2;
          if (block.includes('event: tweet')) {
            if (!measuring) continue;
            const data = block.slice(block.indexOf('data: ') + 6);
            const ev = JSON.parse(data) as { receivedAt: number };
            latencies.push(now - ev.receivedAt);
          } else if (block.includes('event: skipped')) {
            if (measuring) skipped += (JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { dropped: number }).dropped;
          } else if (!hello && block.includes('event: hello')) {
            hello = true;
            if (--waiting === 0) post({ type: 'connected' });
          }
        }
        tail = text.slice(from);
      });
      res.on('close', () => {
        if (requests.includes(req)) disconnected++;
      });
    });
    req.on('error', (err) => {
      if (requests.includes(req)) post({ type: 'error', message: `GET /v1/stream${q}: ${err.message}` });
    });
    requests.push(req);
  }
}

port.on('message', (m: ToClients) => {
  if (m.type === 'connect') {
    connect(m.url, m.queries);
  } else if (m.type === 'measure') {
    if (m.on) {
      latencies = [];
      skipped = 0;
      disconnected = 0;
      measuring = true;
    } else {
      measuring = false;
      const out = Float64Array.from(latencies);
      latencies = [];
      post({ type: 'result', latencies: out, skipped, disconnected }, [out.buffer as ArrayBuffer]);
    }
  } else if (m.type === 'close') {
    const rs = requests;
    requests = [];
    for (const r of rs) r.destroy();
  }
});
