/**
 * The security headers every reply carries (CSP, nosniff, frame options, referrer policy, COOP/CORP...),
 * computed once. They are helmet's, from the options below: helmet's own middleware is run a single time
 * against a recording response at start-up, and each reply then gets the recorded set in one call.
 *
 * Why not @fastify/helmet: it builds helmet's middleware again on every request (parsing the CSP
 * directives each time), about 7% of the CPU of a one-text `POST /v1/predict`; the headers depend only on
 * the options, never on the request. Routes with their own policy (Swagger UI under /docs) set their CSP
 * later in the reply, which replaces this one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** The dashboard needs only its own scripts, styles and the API (EventSource, fetch). */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = Object.freeze({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // HSTS belongs to whoever terminates TLS; set here it would lock browsers out of a plain-HTTP deployment
  strictTransportSecurity: false,
});

/** The headers helmet sets with `options` (lower-case names), as one frozen object. */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options as HelmetOptions)({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}
