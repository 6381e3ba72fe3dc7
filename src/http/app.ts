/**
 * buildApp(deps) -> the Fastify app, never listening (services/api/main.ts listens; tests use inject).
 * Plugins first (errors, JSON body, security headers, CORS, rate limit, OpenAPI), then one plugin per route
 * feature; handlers call the services the app is decorated with (models, hub, pipeline, metrics, modelAdmin).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ModelHolder } from '../clustering/model-holder.js';
import { PROJECT_ROOT, type HttpConfig } from '../config.js';
import type { Logger } from '../log.js';
import { holdsSecret } from '../secrets.js';
import type { StreamHub } from '../sinks/hub.js';
import type { Pipeline } from '../stream/pipeline-types.js';
import { HttpError, installErrorHandlers, toErrorBody } from './errors.js';
import { installJsonParser } from './json-body.js';
import type { ServiceMetrics } from './metrics.js';
import { API_HELMET_OPTIONS, HELMET_OPTIONS, securityHeaders } from './security-headers.js';
import { ModelAdmin } from './services/model-admin.js';
import type { ModelRepository } from './services/model-repository.js';
import type { App } from './types.js';
import clustersRoutes from './routes/clusters/index.js';
import dashboardRoutes from './routes/dashboard/index.js';
import healthRoutes from './routes/health/index.js';
import modelRoutes from './routes/model/index.js';
import predictRoutes from './routes/predict/index.js';
import statsRoutes from './routes/stats/index.js';
import streamRoutes from './routes/stream/index.js';

export interface AppDeps {
  models: ModelHolder;
  hub: StreamHub;
  /** The embedded pipeline, when the service runs one. */
  pipeline?: Pipeline;
  metrics: ServiceMetrics;
  config: HttpConfig;
  log: Logger;
  /** Where models are reloaded from and uploads saved; admin model routes answer 503 without it. */
  store?: ModelRepository;
  /** Serve the dashboard from this folder instead of public/. */
  publicDir?: string;
}

const CLIENT_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** The request id: the client's x-request-id when it is a plain token, else a random one. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && CLIENT_REQUEST_ID.test(given) && !holdsSecret(given)) return given;
  return randomUUID();
}

/**
 * TypeBox validation, with one shortcut: an empty query string (or params) object is accepted at once when
 * the schema accepts `{}` (checked once per route), instead of going through TypeBox's Convert on every
 * request (about 2% of the CPU of a one-text predict, for `?` nothing).
 */
const validatorCompiler: typeof TypeBoxValidatorCompiler = (route) => {
  const validate = TypeBoxValidatorCompiler(route);
  if (route.httpPart === 'body') return validate;
  const emptyIsValid = !(validate({}) as { error?: unknown }).error;
  return (value: unknown) => (emptyIsValid && isEmptyObject(value) ? { value } : validate(value));
};

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const _ in value) return false;
  return true;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, log } = deps;
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // one debug line per request (onResponse below) instead of two info lines
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    return503OnClosing: true,
    // malformed URLs fail before routing: answer them in the same JSON shape as every other error
    frameworkErrors: function onFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
      const body = toErrorBody(error);
      // these fail before the onRequest hooks: echo the request id here too
      void reply.code(body.statusCode).header('x-request-id', req.id).type('application/json; charset=utf-8').send(body);
    },
    // the client's x-request-id when it is a plain token (no control characters, nothing huge, no secret)
    requestIdHeader: false,
    genReqId: requestId,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  installJsonParser(app);

  app.decorate('models', deps.models);
  app.decorate('hub', deps.hub);
  app.decorate('pipeline', deps.pipeline ?? null);
  app.decorate('metrics', deps.metrics);
  app.decorate('modelAdmin', new ModelAdmin(deps.models, deps.store, log.child({ component: 'model-admin' })));
  app.decorate('httpConfig', config);
  app.decorate('lifecycle', { draining: false });

  const stopObserving = [deps.metrics.observeModels(deps.models), ...(deps.pipeline ? [deps.metrics.observePipeline(deps.pipeline)] : [])];
  deps.metrics.observeHub(deps.hub);
  app.addHook('onClose', async () => stopObserving.forEach((stop) => stop()));

  // every reply: the security headers (computed once; the page set for the dashboard and /docs, the API
  // set for the rest: see security-headers.ts) and the request id (the client's x-request-id, or a
  // generated one), so that a client can quote it. Synchronous hooks: an async one costs a promise per
  // request.
  const pageHeaders = securityHeaders(HELMET_OPTIONS);
  const apiHeaders = securityHeaders(API_HELMET_OPTIONS);
  app.addHook('onRoute', function markPages(route) {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, page: true };
  });
  app.addHook('onRequest', function setReplyHeaders(req: FastifyRequest, reply: FastifyReply, done: () => void) {
    reply.headers(req.routeOptions.config.page ? pageHeaders : apiHeaders);
    reply.header('x-request-id', req.id);
    done();
  });

  app.addHook('onResponse', function observeRequest(req: FastifyRequest, reply: FastifyReply, done: () => void) {
    deps.metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
    done();
  });

  if (config.corsOrigins.length > 0) {
    // @fastify/cors refuses a malformed preflight in plain text; refuse it first, in the JSON error shape
    app.addHook('onRequest', async function strictPreflight(req: FastifyRequest) {
      if (req.method === 'OPTIONS' && (!req.headers.origin || !req.headers['access-control-request-method'])) {
        throw new HttpError(400, 'E_BAD_PREFLIGHT', 'a CORS preflight request needs the Origin and Access-Control-Request-Method headers');
      }
    });
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'PUT'],
      allowedHeaders: ['content-type', 'authorization', 'x-admin-key', 'x-request-id'],
      maxAge: 600,
    });
  }

  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      errorResponseBuilder: (_req, ctx) =>
        new HttpError(ctx.statusCode, 'E_RATE_LIMITED', `rate limit: at most ${ctx.max} requests per ${ctx.after}; retry later`),
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'tweetlang API',
        version: packageVersion(),
        description: 'Language clusters of tweets: predict, inspect and swap models, watch the filtered stream live. See docs/API.md.',
      },
      tags: [
        { name: 'predict', description: 'Classify texts' },
        { name: 'model', description: 'The model in use and its clusters' },
        { name: 'admin', description: 'Swap the model (admin key)' },
        { name: 'stream', description: 'The live stream and its windowed statistics' },
        { name: 'ops', description: 'Health, readiness, metrics' },
      ],
      components: {
        securitySchemes: {
          adminKey: { type: 'apiKey', in: 'header', name: 'x-admin-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: false, validatorUrl: null },
    staticCSP: true,
    // swagger-ui's policy (script-src 'self'), minus the remote validator and the https upgrade (the
    // service may run on plain HTTP); Swagger UI sets inline styles, so /docs alone allows inline styles
    transformStaticCSP: (header: string) =>
      header
        .split(';')
        .map((d) => d.trim())
        .filter((d) => d && d !== 'upgrade-insecure-requests')
        .map((d) => (d.startsWith('style-src') ? "style-src 'self' 'unsafe-inline'" : d.replace(' validator.swagger.io', '')))
        .join('; '),
  });

  await app.register(healthRoutes);
  await app.register(predictRoutes);
  await app.register(modelRoutes);
  await app.register(clustersRoutes);
  await app.register(statsRoutes);
  await app.register(streamRoutes);
  await app.register(dashboardRoutes, { dir: deps.publicDir });

  return app;
}
