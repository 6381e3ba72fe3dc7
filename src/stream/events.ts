/**
 * Emitting lifecycle events without letting listeners hurt the stream: each listener runs in its own
 * try/catch, a rejected promise from an async listener is caught, and nothing is awaited. Listeners that
 * do I/O must hand it off (a slow synchronous listener still costs its own time, never a deadlock).
 */
import type { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

type AnyListener = (...args: unknown[]) => unknown;

export function safeEmit<E extends Record<keyof E, unknown[]>, K extends keyof E & string>(
  emitter: EventEmitter<E>,
  log: Logger,
  name: K,
  ...args: E[K]
): void {
  const listeners = (emitter as unknown as EventEmitter).rawListeners(name) as AnyListener[];
  for (const listener of listeners) {
    try {
      const r = listener.apply(emitter, args);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).then(undefined, (err: unknown) => log.warn({ event: name, err: errorMessage(err) }, 'event listener failed'));
      }
    } catch (err) {
      log.warn({ event: name, err: errorMessage(err) }, 'event listener failed');
    }
  }
}
