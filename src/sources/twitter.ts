/**
 * Twitter API v2 source: the filtered stream (rules managed with `tweetlang rules`) or the sample stream,
 * with `tweet.fields=lang,created_at`. One long-lived HTTP connection; the API sends "\r\n" every ~20 s,
 * so a connection silent for `keepAliveTimeoutMs` is treated as dead and replaced. Reconnects follow the
 * API's rules (twitter/backoff.ts): linear for network trouble, exponential for 5xx, and for 429 at least
 * until x-rate-limit-reset. 401/403/400 end the stream with a clear error. A stream cannot be replayed, so
 * positions are informational (the last tweet id) and nothing is committed; when the engine falls behind,
 * tweets beyond `queueSize` are dropped and counted (skipped.overflow) rather than stalling the connection.
 */
import { ETwitterStreamEvent, type TweetStream } from 'twitter-api-v2';
import { componentLogger, type Logger } from '../log.js';
import { ConfigError } from '../errors.js';
import { recordFromObject } from '../io/records.js';
import { countSkip, newCounters, type OpenContext, type Source, type SourceCounters, type SourceRecord } from './types.js';
import { HandOff } from '../kafka/queue.js';
import { abortableSleep } from '../kafka/retry.js';
import { Backoff, type Failure } from '../twitter/backoff.js';
import { createTwitterApi, describeTwitterError, tokenFromEnv, TWEET_FIELDS, TwitterError, type TwitterApiHandle } from '../twitter/client.js';
import { DEFAULT_TWITTER } from '../config.js';

export type TwitterStreamKind = 'filter' | 'sample';

export const STREAM_PATHS: Record<TwitterStreamKind, string> = {
  filter: 'tweets/search/stream',
  sample: 'tweets/sample/stream',
};

/** `twitter`, `twitter:filter`, `twitter:sample`. */
export function parseTwitterSpec(spec: string): { stream: TwitterStreamKind } {
  const m = /^twitter(?::(filter|sample))?$/.exec(spec.trim());
  if (!m) throw new ConfigError('E_SOURCE_SPEC', `not a Twitter spec: ${JSON.stringify(spec)} (expected twitter, twitter:filter or twitter:sample)`);
  return { stream: (m[1] ?? 'filter') as TwitterStreamKind };
}

export interface ReconnectInfo {
  attempt: number;
  delayMs: number;
  kind: Failure['kind'];
  status?: number;
  reason: string;
}

export interface TwitterSourceOptions {
  token: string;
  apiBase?: string;
  stream?: TwitterStreamKind;
  /** No byte (tweet or keep-alive) for this long: the connection is dead. */
  keepAliveTimeoutMs?: number;
  queueSize?: number;
  /** Give up after this many failed connection attempts in a row (default: never). */
  maxAttempts?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  onReconnect?: (info: ReconnectInfo) => void;
  log?: Logger;
}

export interface TwitterSource extends Source {
  readonly counters: SourceCounters & { keepAlives: number; connections: number };
}

type Outcome = { failure: Failure; reason: string; error?: TwitterError; gotData: boolean };

export function createTwitterSource({
  token,
  apiBase,
  stream = 'filter',
  keepAliveTimeoutMs = DEFAULT_TWITTER.keepAliveTimeoutMs,
  queueSize = 10_000,
  maxAttempts = Infinity,
  sleep = abortableSleep,
  now = Date.now,
  onReconnect,
  log = componentLogger('twitter-source'),
}: TwitterSourceOptions): TwitterSource {
  if (!(keepAliveTimeoutMs >= 100)) throw new ConfigError('E_TWITTER_CONFIG', 'keepAliveTimeoutMs must be at least 100');
  const api: TwitterApiHandle = createTwitterApi({ token, apiBase });
  const counters = { ...newCounters(), keepAlives: 0, connections: 0 };
  const partition = `twitter:${stream}`;
  let current: TweetStream | undefined;
  let seq = 0;
  const closed = new AbortController();

  /** One connection, until it ends; resolves with why. */
  async function connectOnce(queue: HandOff<SourceRecord>, signal: AbortSignal): Promise<Outcome> {
    const s = api.v2.getStream(STREAM_PATHS[stream], { 'tweet.fields': TWEET_FIELDS }, {
      prefix: api.prefix,
      autoConnect: false,
      payloadIsError: (d: unknown) => typeof d === 'object' && d !== null && !('data' in d) && 'errors' in d,
    }) as TweetStream;
    current = s;
    let gotData = false;
    let lost = false;
    let dataError: string | undefined;
    const ended = new Promise<void>((resolve) => {
      s.on(ETwitterStreamEvent.ConnectionClosed, () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    s.on(ETwitterStreamEvent.ConnectionLost, () => (lost = true));
    s.on(ETwitterStreamEvent.DataKeepAlive, () => {
      gotData = true;
      counters.keepAlives++;
    });
    s.on(ETwitterStreamEvent.DataError, (payload: { errors?: Array<{ title?: string; detail?: string }> }) => {
      dataError = (payload.errors ?? []).map((e) => e.title ?? e.detail).filter(Boolean).join('; ') || 'error payload';
      log.warn({ reason: dataError }, 'the stream sent an error payload; reconnecting');
      s.close();
    });
    s.on(ETwitterStreamEvent.TweetParseError, () => countSkip(counters, 'not-json'));
    s.on(ETwitterStreamEvent.Data, (payload: unknown) => {
      gotData = true;
      const parsed = recordFromObject(payload);
      if ('skip' in parsed) return countSkip(counters, parsed.skip);
      const rec: SourceRecord = { value: parsed.record, partition, next: parsed.record.id ?? String(++seq), receivedAt: now() };
      if (queue.offer(rec)) counters.records++;
      else countSkip(counters, 'overflow');
    });
    try {
      await s.connect({ autoReconnect: false, keepAliveTimeout: keepAliveTimeoutMs });
    } catch (err) {
      s.destroy();
      const d = describeTwitterError(err, `connecting to the ${stream} stream`);
      return { failure: { kind: d.kind, status: d.status, resetAt: d.resetAt }, reason: d.error.message, error: d.error, gotData: false };
    }
    counters.connections++;
    log.info({ stream }, 'connected to the stream');
    await ended;
    s.destroy();
    if (signal.aborted) return { failure: { kind: 'network' }, reason: 'stopped', gotData };
    return { failure: { kind: 'network' }, reason: lost ? `no data or keep-alive for ${keepAliveTimeoutMs} ms` : dataError ?? 'connection closed', gotData };
  }

  async function* read(ctx: OpenContext): AsyncGenerator<SourceRecord> {
    const queue = new HandOff<SourceRecord>(queueSize);
    const ac = new AbortController();
    const stop = () => {
      ac.abort();
      queue.end();
    };
    ctx.signal.addEventListener('abort', stop, { once: true });
    closed.signal.addEventListener('abort', stop, { once: true });
    if (ctx.signal.aborted || closed.signal.aborted) stop();
    const backoff = new Backoff();
    const loop = (async () => {
      let failures = 0;
      while (!ac.signal.aborted) {
        const out = await connectOnce(queue, ac.signal);
        if (ac.signal.aborted) break;
        if (out.gotData) {
          backoff.reset();
          failures = 0;
        }
        if (out.failure.kind === 'fatal' || ++failures >= maxAttempts) {
          throw out.error ?? new TwitterError('E_TWITTER_UNAVAILABLE', `${stream} stream: ${out.reason} (gave up after ${failures} attempts)`, { retriable: true });
        }
        const delayMs = backoff.next(out.failure, now());
        counters.reconnects++;
        const info: ReconnectInfo = { attempt: failures, delayMs, kind: out.failure.kind, status: out.failure.status, reason: out.reason };
        log.warn(info, 'stream disconnected; reconnecting after a pause');
        onReconnect?.(info);
        await sleep(delayMs, ac.signal).catch(() => undefined);
      }
    })();
    loop.then(
      () => queue.end(),
      (err) => queue.fail(err),
    );
    try {
      for (;;) {
        const r = await queue.pull();
        if (r.done) break;
        yield r.value;
      }
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      closed.signal.removeEventListener('abort', stop);
      stop();
      current?.destroy();
      await loop.catch(() => undefined);
    }
  }

  return {
    name: `twitter:${stream}`,
    counters,
    open: (ctx) => read(ctx),
    async close() {
      closed.abort();
      current?.destroy();
    },
  };
}

/** `twitter` / `twitter:sample` -> a Twitter source; token from TWITTER_BEARER_TOKEN (registry entry). */
export function twitterSourceFromSpec(spec: string, ctx: { env: NodeJS.ProcessEnv; apiBase?: string; log?: Logger }, extra: Partial<TwitterSourceOptions> = {}): TwitterSource {
  const { stream } = parseTwitterSpec(spec);
  return createTwitterSource({ token: tokenFromEnv(ctx.env), apiBase: ctx.apiBase ?? ctx.env.TWITTER_API_BASE, stream, log: ctx.log, ...extra });
}
