/**
 * Every error reply is JSON `{statusCode, code, error, message}` (plus `details` for validation): 4xx say
 * what was wrong with the request; 5xx say only "internal error" (the log has the rest), never a stack.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@fastify/type-provider-typebox';
import { AppError } from '../errors.js';
import { scrubSecrets } from '../secrets.js';

export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer({ description: 'HTTP status, repeated' }),
    code: Type.String({ description: 'Stable error code (docs/API.md, docs/ERRORS.md)' }),
    error: Type.String({ description: 'HTTP status text' }),
    message: Type.String({ description: 'What went wrong, for people' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'ErrorReply', description: 'Every 4xx and 5xx reply' },
);
export type ErrorReplyT = Static<typeof ErrorReply>;

/** The error replies a route documents, by status. */
export function errorReplies(...statuses: number[]): Record<number, typeof ErrorReply> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorReply]));
}

/** An error meant for the client: status, stable code and message. */
export class HttpError extends AppError {
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { status, details });
  }
}

/** Fastify's own error codes -> ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'E_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'E_BAD_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'E_EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'E_INVALID_JSON',
  FST_ERR_VALIDATION: 'E_VALIDATION',
  FST_ERR_BAD_URL: 'E_BAD_URL',
  FST_ERR_ASYNC_CONSTRAINT: 'E_BAD_REQUEST',
};

const FRIENDLY: Record<string, string> = {
  E_UNSUPPORTED_MEDIA_TYPE: 'unsupported content-type: send the body as application/json',
};

export interface ValidationIssue {
  path: string;
  keyword: string;
  message: string;
}

/** Turns schema-validation errors into a short list (path like "body/texts/3"). */
export function validationIssues(err: FastifyError): ValidationIssue[] {
  const ctx = err.validationContext ?? 'request';
  const raw = err.validation ?? [];
  const issues: ValidationIssue[] = [];
  for (const v of raw) {
    const path = `${ctx}${v.instancePath ?? ''}`;
    // TypeBox reports an unknown property twice: "schema is false" at the property, and a generic
    // "must not have additional properties" at the object; keep one entry that names the property
    if (v.keyword === 'boolean') issues.push({ path, keyword: 'additionalProperties', message: 'is not an allowed property' });
    else if (v.keyword === 'additionalProperties' && raw.some((o) => o.keyword === 'boolean')) continue;
    else if (v.keyword === 'anyOf' && raw.length > 1) continue;
    else issues.push({ path, keyword: v.keyword, message: v.message ?? 'is invalid' });
  }
  return issues;
}

/** A readable one-line message for validation errors. */
export function validationMessage(issues: ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return 'request is invalid';
  if (first.keyword === 'additionalProperties') {
    const extra = issues.filter((i) => i.keyword === 'additionalProperties').map((i) => i.path.split('/').slice(1).join('/') || i.path);
    const where = first.path.split('/')[0];
    return `${where} has unknown ${extra.length === 1 ? 'property' : 'properties'} ${extra.map((e) => JSON.stringify(e)).join(', ')}`;
  }
  return `${first.path} ${first.message}`;
}

/** An error reply; a secret value the process holds never gets into it, even when the client sent it. */
export function errorBody(status: number, code: string, message: string, details?: Record<string, unknown>): ErrorReplyT {
  const body: ErrorReplyT = { statusCode: status, code, error: STATUS_CODES[status] ?? 'Error', message: scrubSecrets(message) };
  if (details) {
    const text = JSON.stringify(details);
    const clean = scrubSecrets(text);
    body.details = clean === text ? details : (JSON.parse(clean) as Record<string, unknown>);
  }
  return body;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Schema keyword -> error code, for validation failures that deserve their own code (e.g. maxItems -> E_TOO_MANY_TEXTS). */
    validationCodes?: Record<string, string>;
  }
}

/** Maps any thrown value to a status and a client-safe body. */
export function toErrorBody(err: unknown, validationCodes?: Record<string, string>): ErrorReplyT {
  if (err instanceof AppError) {
    const status = err.status >= 400 && err.status <= 599 ? err.status : 500;
    if (status >= 500 && !(err instanceof HttpError) && !err.retriable) return errorBody(500, 'E_INTERNAL', 'internal error');
    return errorBody(status, err.code, err.message, err.details);
  }
  const fe = err as FastifyError;
  if (fe && Array.isArray(fe.validation)) {
    const issues = validationIssues(fe);
    const special = issues.find((i) => validationCodes?.[i.keyword] !== undefined);
    const code = special ? validationCodes![special.keyword] : 'E_VALIDATION';
    const message = special ? `${special.path} ${special.message}` : validationMessage(issues);
    return errorBody(400, code, message, { issues: issues.slice(0, 10) });
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = (fe.code && FASTIFY_CODES[fe.code]) ?? (status === 429 ? 'E_RATE_LIMITED' : status === 404 ? 'E_ROUTE_NOT_FOUND' : 'E_BAD_REQUEST');
    const message = FRIENDLY[code] ?? (fe.message || STATUS_CODES[status] || 'bad request');
    return errorBody(status, code, message);
  }
  return errorBody(500, 'E_INTERNAL', 'internal error');
}

/** Installs the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(function onError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
    const body = toErrorBody(err, req.routeOptions.config?.validationCodes);
    if (body.statusCode >= 500) req.log.error({ err }, `request failed: ${(err as Error)?.message ?? String(err)}`);
    else req.log.info({ code: body.code, status: body.statusCode }, body.message);
    if (body.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="tweetlang-admin"');
    return reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler(function onNotFound(req: FastifyRequest, reply: FastifyReply) {
    const path = req.url.split('?')[0];
    return reply.status(404).send(errorBody(404, 'E_ROUTE_NOT_FOUND', `no route ${req.method} ${path.slice(0, 200)}`));
  });
}
