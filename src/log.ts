import { pino, type Logger, type LoggerOptions } from 'pino';
import { scrubSecrets } from './secrets.js';

/**
 * One root logger for the process; modules take `log.child({ component })`.
 * Secrets never reach it: the redact paths below blank the usual places they could hide, and every line
 * is scrubbed of the secret values the process registered (src/secrets.ts) before it is written.
 */
export type { Logger };

export const REDACT_PATHS = [
  'token',
  'bearerToken',
  'adminKey',
  'apiKey',
  'password',
  'sasl.password',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-admin-key"]',
  'config.twitter.bearerToken',
  'config.http.adminKey',
  'config.kafka.sasl',
];

export interface LogOptions {
  level?: string;
  /** Where to write: defaults to stderr so that stdout stays free for data (JSON lines). */
  destination?: NodeJS.WritableStream | number;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: scrubSecrets },
  };
  const dest = opts.destination ?? 2;
  return pino(options, typeof dest === 'number' ? pino.destination({ fd: dest, sync: true }) : dest);
}

let root: Logger | undefined;

/** The process-wide root logger (created on first use). */
export function rootLogger(): Logger {
  root ??= createLogger();
  return root;
}

/** Replace the root logger (services do this once at start-up; tests capture logs this way). */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

export function componentLogger(component: string): Logger {
  return rootLogger().child({ component });
}
