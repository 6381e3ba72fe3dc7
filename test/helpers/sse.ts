/** A small Server-Sent Events client over a real socket, for tests: collects events and comments. */
import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** Raw body when the reply was not an event stream (errors). */
  body: string;
  closed: boolean;
  tweets(): Array<Record<string, unknown>>;
  close(): void;
}

/** Connects; resolves once the status line and headers arrived. */
export function connectSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        body: '',
        closed: false,
        tweets: () => client.events.filter((e) => e.event === 'tweet').map((e) => JSON.parse(e.data)),
        close: () => req.destroy(),
      };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!String(res.headers['content-type']).startsWith('text/event-stream')) {
          client.body += chunk;
          return;
        }
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) ((ev.event = line.slice(7)), (isEvent = true));
            else if (line.startsWith('data: ')) (data.push(line.slice(6)), (isEvent = true));
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
          }
          if (isEvent) {
            ev.data = data.join('\n');
            client.events.push(ev);
          }
        }
      });
      res.on('close', () => (client.closed = true));
      res.on('error', () => (client.closed = true));
      resolve(client);
    });
    req.on('error', reject);
  });
}

/** Waits until `cond()` holds, polling; fails after `ms` with `what`. */
export async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
