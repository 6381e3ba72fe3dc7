/**
 * The admin API key: sent as `x-admin-key: KEY` or `authorization: Bearer KEY`, compared in constant time
 * (both sides are hashed first so neither their length nor their content leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MIN_ADMIN_KEY_LENGTH } from '../config.js';
import { HttpError } from './errors.js';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function keysEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Why admin routes cannot be enabled with this key, or null when it is usable. */
export function adminKeyProblem(key: string | undefined): string | null {
  if (key === undefined || key === '') return 'TWEETLANG_ADMIN_KEY is not set';
  if (key.length < MIN_ADMIN_KEY_LENGTH) return `TWEETLANG_ADMIN_KEY is shorter than ${MIN_ADMIN_KEY_LENGTH} characters`;
  return null;
}

/** The key a request presents, if any. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const h = req.headers['x-admin-key'];
  if (typeof h === 'string' && h !== '') return h;
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m) return m[1].trim();
  }
  return undefined;
}

/** A preHandler that lets only requests with the admin key through (401 without a key, 403 with a wrong one). */
export function requireAdminKey(expected: string) {
  return async function checkAdminKey(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const key = presentedKey(req);
    if (key === undefined) throw new HttpError(401, 'E_ADMIN_KEY_MISSING', 'this route needs the admin key (header x-admin-key or authorization: Bearer)');
    if (!keysEqual(key, expected)) {
      req.log.warn({ ip: req.ip, route: req.routeOptions.url }, 'admin request with a wrong key');
      throw new HttpError(403, 'E_ADMIN_KEY_INVALID', 'the admin key is wrong');
    }
  };
}
