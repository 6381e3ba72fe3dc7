/** What the app is decorated with: the services route handlers call. */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ModelHolder } from '../clustering/model-holder.js';
import type { HttpConfig } from '../config.js';
import type { StreamHub } from '../sinks/hub.js';
import type { Pipeline } from '../stream/pipeline-types.js';
import type { ServiceMetrics } from './metrics.js';
import type { ModelAdmin } from './services/model-admin.js';

export interface Lifecycle {
  /** Set when shutdown starts: /readyz turns 503 so load balancers stop sending traffic. */
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An HTML page or its assets (the dashboard, /docs): gets the page security headers. */
    page?: boolean;
  }
  interface FastifyInstance {
    models: ModelHolder;
    hub: StreamHub;
    pipeline: Pipeline | null;
    metrics: ServiceMetrics;
    modelAdmin: ModelAdmin;
    httpConfig: HttpConfig;
    lifecycle: Lifecycle;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
