/**
 * `npm start`: the API service process. Settings come from the environment (docs/API.md); a bad one stops
 * start-up with one line naming it (exit 2). SIGTERM/SIGINT shut down gracefully (exit 0); a second signal,
 * or a shutdown longer than TWEETLANG_SHUTDOWN_TIMEOUT_MS, exits at once (exit 1).
 */
import { loadApiConfig, type ApiConfig } from '../../src/config.js';
import { AppError, errorMessage } from '../../src/errors.js';
import { createLogger, setRootLogger } from '../../src/log.js';
import { registerSecrets, secretsFromEnv } from '../../src/secrets.js';
import { startApiService, type ApiService } from './service.js';

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadApiConfig();
  } catch (err) {
    process.stderr.write(`tweetlang api: ${errorMessage(err)}${err instanceof AppError ? ` [${err.code}]` : ''}\n`);
    process.exit(2);
  }
  registerSecrets(secretsFromEnv(process.env));
  const log = createLogger({ level: config.logLevel });
  setRootLogger(log);
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(70);
  });

  let service: ApiService;
  try {
    service = await startApiService(config, log);
  } catch (err) {
    if (err instanceof AppError) log.fatal({ code: err.code }, `cannot start: ${err.message}`);
    else log.fatal({ err }, `cannot start: ${errorMessage(err)}`);
    process.exit(1);
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down: no new connections, draining the batch in flight');
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    service.stop().then(
      () => {
        clearTimeout(timer);
        log.info('stopped');
        process.exitCode = 0;
      },
      (err: unknown) => {
        log.error({ err }, `shutdown failed: ${errorMessage(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
