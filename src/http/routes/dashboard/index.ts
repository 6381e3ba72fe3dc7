/**
 * GET / (the dashboard page) and GET /assets/<file>: static files shipped in public/, read once at start-up
 * and served from memory with an ETag. No build step at run time.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../../../config.js';
import { HttpError } from '../../errors.js';
import type { App } from '../../types.js';
import { assetRoute, faviconRoute, pageRoute } from './schemas.js';

export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'public');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    assets.set(name, { body, type, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` });
  }
  return assets;
}

export default async function dashboardRoutes(app: App, opts: { dir?: string } = {}): Promise<void> {
  const assets = loadAssets(opts.dir ?? PUBLIC_DIR);
  if (!assets.has('index.html')) throw new Error(`dashboard: ${opts.dir ?? PUBLIC_DIR}/index.html is missing`);

  // the page security headers (the dashboard's CSP and helmet's HTML headers), not the API set
  const config = { page: true };
  app.get('/', { schema: pageRoute, config, handler: page });
  app.get('/assets/:file', { schema: assetRoute, config, handler: asset });
  app.get('/favicon.ico', { schema: faviconRoute, config, handler: favicon });

  function send(req: FastifyRequest, reply: FastifyReply, a: Asset) {
    reply.header('etag', a.etag).header('cache-control', 'no-cache').type(a.type);
    if (req.headers['if-none-match'] === a.etag) return reply.status(304).send();
    return reply.send(a.body);
  }

  async function page(req: FastifyRequest, reply: FastifyReply) {
    return send(req, reply, assets.get('index.html')!);
  }

  async function asset(req: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) {
    const a = req.params.file === 'index.html' ? undefined : assets.get(req.params.file);
    if (!a) throw new HttpError(404, 'E_ROUTE_NOT_FOUND', `no asset ${JSON.stringify(req.params.file)}`);
    return send(req, reply, a);
  }

  async function favicon(req: FastifyRequest, reply: FastifyReply) {
    const a = assets.get('favicon.svg');
    if (!a) return reply.status(204).send();
    return send(req, reply, a);
  }
}
