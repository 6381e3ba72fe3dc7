/**
 * The security headers every reply carries, computed once. Two sets, both helmet's:
 * - pages (the dashboard, its assets, Swagger UI under /docs): helmet's full set with the dashboard's CSP
 *   (only its own scripts, styles and API calls); Swagger UI sets its own CSP later in the reply;
 * - everything else (JSON replies, errors, 404s, the SSE stream): the headers that matter for a response
 *   a browser never renders as a document: the strict API policy `default-src 'none'` (nothing may load,
 *   no framing, no plugins), nosniff, frame options, referrer policy, COOP and CORP. helmet's HTML-only
 *   headers (X-XSS-Protection, X-Download-Options, X-DNS-Prefetch-Control,
 *   X-Permitted-Cross-Domain-Policies, Origin-Agent-Cluster) are left out there: they only act on HTML
 *   documents, and every byte of header is paid on each of thousands of replies per second.
 *
 * helmet's own middleware is run once per set at start-up against a recording response; each reply then
 * gets its set in one call. Why not @fastify/helmet: it builds helmet's middleware again on every request
 * (parsing the CSP directives each time), about 7% of the CPU of a one-text `POST /v1/predict`, for
 * headers that never depend on the request.
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

/** JSON and other non-document replies: a policy that allows nothing, and no HTML-only headers. */
export const API_HELMET_OPTIONS: Readonly<HelmetOptions> = Object.freeze({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], objectSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  originAgentCluster: false,
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
