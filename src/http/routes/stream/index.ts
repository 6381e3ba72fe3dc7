/**
 * GET /v1/stream: Server-Sent Events of matching tweets from the hub. The socket is written only while it
 * accepts data; when it pushes back, the hub queue fills and skips ahead for this client alone, and the hub
 * disconnects a client that stays behind. Heartbeat comments keep proxies from closing idle streams.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CloseReason, HubFilter, Subscription } from '../../../sinks/hub.js';
import { modelLabels } from '../../../clustering/model.js';
import { HttpError } from '../../errors.js';
import type { App } from '../../types.js';
import { streamRoute, type StreamQueryT } from './schemas.js';

/** Events written per socket write. */
const CHUNK = 256;

export default async function streamRoutes(app: App): Promise<void> {
  const open = new Set<(reason: CloseReason) => void>();
  app.get('/v1/stream', { schema: streamRoute, handler: stream });

  // app.close(): end every stream so the server can stop (an SSE response never ends by itself)
  app.addHook('preClose', async function endStreams() {
    for (const end of [...open]) end('hub-closed');
  });

  function filterOf(q: StreamQueryT): HubFilter {
    const { model } = app.models.current;
    const clusters = [...new Set(q.cluster ?? [])];
    const labels = [...new Set(q.lang ?? [])];
    const badCluster = clusters.find((c) => c >= model.k);
    if (badCluster !== undefined) {
      throw new HttpError(400, 'E_UNKNOWN_CLUSTER', `cluster ${badCluster} does not exist: the model has clusters 0 to ${model.k - 1}`);
    }
    const known = modelLabels(model);
    const badLabel = labels.find((l) => !known.includes(l));
    if (badLabel !== undefined) {
      throw new HttpError(400, 'E_UNKNOWN_LABEL', `no cluster is labelled ${JSON.stringify(badLabel)}; labels: ${known.join(', ')}`);
    }
    return { clusters, labels };
  }

  async function stream(req: FastifyRequest<{ Querystring: StreamQueryT }>, reply: FastifyReply) {
    const filter = filterOf(req.query);
    const sub = app.hub.subscribe(filter); // throws 503 E_TOO_MANY_STREAMS before anything is sent
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    req.log.info({ subscriber: sub.id, filter }, 'stream client connected');
    res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ subscriber: sub.id, filter, modelVersion: app.models.version })}\n\n`);

    let waitingDrain = false;
    let done = false;
    const heartbeat = setInterval(() => {
      if (!waitingDrain && !done) res.write(`: hb ${Date.now()}\n\n`);
    }, app.httpConfig.sse.heartbeatMs);
    heartbeat.unref();

    const pump = () => {
      while (!done && !waitingDrain) {
        const entries = sub.take(CHUNK);
        if (entries.length === 0) return;
        let chunk = '';
        const skipped = sub.takeDropped();
        if (skipped > 0) chunk += `event: skipped\ndata: {"dropped":${skipped},"totalDropped":${sub.dropped}}\n\n`;
        for (const e of entries) chunk += `id: ${e.seq}\nevent: tweet\ndata: ${e.json()}\n\n`;
        if (!res.write(chunk)) {
          waitingDrain = true;
          res.once('drain', () => {
            waitingDrain = false;
            pump();
          });
        }
      }
    };

    const end = (reason: CloseReason | 'client-gone') => {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      open.delete(end);
      if (!sub.closed) sub.close();
      if (reason === 'slow') {
        // its buffers are full: a goodbye would not get through; cut it
        res.destroy();
      } else if (reason === 'hub-closed') {
        res.end(`event: end\ndata: {"reason":"shutdown"}\n\n`);
      } else if (!res.writableEnded) res.end();
      if (reason === 'slow') {
        req.log.warn(
          { code: 'E_SSE_CLIENT_SLOW', subscriber: sub.id, taken: sub.taken, dropped: sub.dropped },
          `stream client disconnected: it stopped reading and stayed behind for ${app.hub.maxBehindMs} ms`,
        );
      } else req.log.info({ subscriber: sub.id, reason, taken: sub.taken, dropped: sub.dropped }, 'stream client gone');
    };
    open.add(end);
    sub.onReadable(pump);
    sub.onClose(end);
    res.on('close', () => end('client-gone'));
    res.on('error', () => end('client-gone'));
  }
}
