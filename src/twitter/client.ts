/**
 * Twitter API v2 access through twitter-api-v2 with a configurable base URL (TWITTER_API_BASE, default
 * https://api.twitter.com/2/), so that tests can point it at a local server speaking the same wire format.
 * The bearer token comes only from TWITTER_BEARER_TOKEN and never appears in a log line or an error
 * message: errors are rebuilt from the status and the API's error titles, never from the request.
 */
import http from 'node:http';
import https from 'node:https';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { AppError, ConfigError } from '../errors.js';
import { kindOfStatus, parseReset } from './backoff.js';

export const DEFAULT_TWITTER_API_BASE = 'https://api.twitter.com/2/';
export const TWEET_FIELDS = 'lang,created_at,author_id';

export class TwitterError extends AppError {}

export interface TwitterClientOptions {
  token: string;
  apiBase?: string;
}

export interface TwitterApiHandle {
  readonly v2: TwitterApiv2;
  /** Prefix for every request (the base URL, ending with '/'). */
  readonly prefix: string;
}

export function tokenFromEnv(env: NodeJS.ProcessEnv): string {
  const token = env.TWITTER_BEARER_TOKEN?.trim();
  if (!token) throw new ConfigError('E_TWITTER_TOKEN', 'TWITTER_BEARER_TOKEN is not set (an app bearer token from the developer portal)');
  return token;
}

export function normaliseApiBase(base: string | undefined): string {
  const b = (base ?? DEFAULT_TWITTER_API_BASE).trim();
  let u: URL;
  try {
    u = new URL(b);
  } catch {
    throw new ConfigError('E_TWITTER_CONFIG', `TWITTER_API_BASE ${JSON.stringify(b)} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError('E_TWITTER_CONFIG', 'TWITTER_API_BASE must be an http(s) URL');
  if (u.username || u.password || u.search) throw new ConfigError('E_TWITTER_CONFIG', 'TWITTER_API_BASE must not hold credentials or a query');
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

export function createTwitterApi({ token, apiBase }: TwitterClientOptions): TwitterApiHandle {
  if (!token) throw new ConfigError('E_TWITTER_TOKEN', 'no bearer token');
  const prefix = normaliseApiBase(apiBase);
  // twitter-api-v2 always calls https.request; an http.Agent makes it speak plain HTTP to a local server
  const httpAgent = prefix.startsWith('http:') ? new http.Agent({ keepAlive: false }) : new https.Agent({ keepAlive: true });
  const client = new TwitterApi(token, { httpAgent: httpAgent as https.Agent });
  return { v2: client.v2, prefix };
}

interface ApiErrorLike {
  code?: number;
  headers?: Record<string, string | string[] | undefined>;
  data?: { title?: string; detail?: string; errors?: Array<{ message?: string; title?: string; detail?: string }> };
  error?: boolean;
  requestError?: { code?: string; message?: string };
  type?: string;
  message?: string;
}

/** Status, kind and a safe message of anything twitter-api-v2 throws. */
export function describeTwitterError(err: unknown, what: string): { status?: number; kind: ReturnType<typeof kindOfStatus>; resetAt?: number; error: TwitterError } {
  const e = (err ?? {}) as ApiErrorLike;
  const status = typeof e.code === 'number' ? e.code : undefined;
  const kind = kindOfStatus(status);
  const resetAt = parseReset(e.headers?.['x-rate-limit-reset']);
  let detail: string;
  if (status) {
    const d = e.data;
    const words = [d?.title, d?.detail, ...(d?.errors ?? []).map((x) => x.message ?? x.detail ?? x.title)].filter((x): x is string => typeof x === 'string' && x.length > 0);
    detail = `HTTP ${status}${words.length ? ` (${[...new Set(words)].join('; ').slice(0, 300)})` : ''}`;
  } else {
    const code = e.requestError?.code;
    detail = code ? `network error ${code}` : 'network error';
  }
  const code = status === 401 || status === 403 ? 'E_TWITTER_AUTH' : kind === 'rate-limit' ? 'E_TWITTER_RATE_LIMIT' : kind === 'fatal' ? 'E_TWITTER_REQUEST' : 'E_TWITTER_UNAVAILABLE';
  const hint = code === 'E_TWITTER_AUTH' ? '; check TWITTER_BEARER_TOKEN and the app\'s access level' : '';
  return { status, kind, resetAt, error: new TwitterError(code, `${what}: ${detail}${hint}`, { retriable: kind !== 'fatal', status: status && status < 500 ? status : 502 }) };
}
