import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP, DEFAULT_MODEL_PATH, loadApiConfig, SAMPLE_STREAM_PATH } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

function fails(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadApiConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadApiConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadApiConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.http.adminKey).toBeUndefined();
    expect(c.http.corsOrigins).toEqual([]);
    expect(c.http).toEqual({ ...DEFAULT_HTTP, sse: { ...DEFAULT_HTTP.sse } });
    expect(c.model.path).toBe(DEFAULT_MODEL_PATH);
    expect(c.embedded).toMatchObject({ enabled: true, streamPath: SAMPLE_STREAM_PATH });
    expect(c.shutdownTimeoutMs).toBe(15_000);
  });

  it('reads every variable', () => {
    const c = loadApiConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      TWEETLANG_BODY_LIMIT: '2m',
      TWEETLANG_MODEL_UPLOAD_LIMIT: '128MiB',
      TWEETLANG_MAX_TEXTS: '50',
      TWEETLANG_MAX_TEXT_LENGTH: '280',
      TWEETLANG_ADMIN_KEY: ' secret with spaces kept ',
      TWEETLANG_RATE_LIMIT: '0',
      TWEETLANG_RATE_LIMIT_WINDOW_MS: '1000',
      TWEETLANG_CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      TWEETLANG_TRUST_PROXY: 'true',
      TWEETLANG_SSE_QUEUE: '10',
      TWEETLANG_SSE_MAX_CLIENTS: '3',
      TWEETLANG_SSE_HEARTBEAT_MS: '5000',
      TWEETLANG_SSE_MAX_BEHIND_MS: '0',
      TWEETLANG_RECENT_PER_CLUSTER: '2',
      TWEETLANG_MODEL: 'm.json',
      TWEETLANG_MODEL_STORE: 'store',
      TWEETLANG_EMBEDDED_PIPELINE: 'off',
      TWEETLANG_SAMPLE_STREAM: 's.jsonl',
      TWEETLANG_REPLAY_RATE: '12.5',
      TWEETLANG_SHUTDOWN_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'debug',
    });
    expect(c.http).toEqual({
      port: 8080,
      host: '0.0.0.0',
      bodyLimit: 2 * 1024 * 1024,
      modelUploadLimit: 128 * 1024 * 1024,
      maxTexts: 50,
      maxTextLength: 280,
      adminKey: ' secret with spaces kept ',
      rateLimitMax: 0,
      rateLimitWindowMs: 1000,
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      trustProxy: true,
      sse: { queueSize: 10, maxClients: 3, heartbeatMs: 5000, maxBehindMs: 0, recentPerCluster: 2 },
    });
    expect(c.model).toEqual({ path: path.resolve('m.json'), storeDir: path.resolve('store') });
    expect(c.embedded).toMatchObject({ enabled: false, streamPath: path.resolve('s.jsonl'), rate: 12.5 });
    expect(c.logLevel).toBe('debug');
    expect(c.shutdownTimeoutMs).toBe(2500);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['TWEETLANG_BODY_LIMIT', '1 potato'],
    ['TWEETLANG_BODY_LIMIT', '10'],
    ['TWEETLANG_MAX_TEXTS', '0'],
    ['TWEETLANG_MAX_TEXT_LENGTH', '-5'],
    ['TWEETLANG_RATE_LIMIT', 'lots'],
    ['TWEETLANG_CORS_ORIGINS', 'example.com'],
    ['TWEETLANG_TRUST_PROXY', 'maybe'],
    ['TWEETLANG_SSE_QUEUE', '0'],
    ['TWEETLANG_REPLAY_RATE', 'fast'],
    ['LOG_LEVEL', 'loud'],
    ['TWEETLANG_SHUTDOWN_TIMEOUT_MS', 'abc'],
    ['TWEETLANG_SHUTDOWN_TIMEOUT_MS', '0'],
  ])('refuses %s=%s with a ConfigError naming it', (name, value) => {
    const e = fails({ [name]: value });
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toContain(name);
    expect(e.details).toEqual({ variable: name });
  });

  it('refuses an upload limit below the body limit', () => {
    const e = fails({ TWEETLANG_BODY_LIMIT: '2m', TWEETLANG_MODEL_UPLOAD_LIMIT: '1m' });
    expect(e.details).toEqual({ variable: 'TWEETLANG_MODEL_UPLOAD_LIMIT' });
  });
});
