/**
 * The host's HTTP surface: Fastify with request ids, bearer auth on /api, Orgo's error shape,
 * and the routes per resource. WebSockets are attached separately (desktops.ts).
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { logger } from '../../shared/node/log.js';
import type { KeyRow } from '../store/keys.js';
import type { HostServices } from './services.js';
import { ApiError } from '../errors.js';
import { actionRoutes } from './routes/actions.js';
import { chatRoutes } from './routes/chat.js';
import { clipboardRoutes } from './routes/clipboard.js';
import { eventRoutes } from './routes/events.js';
import { computerRoutes } from './routes/computers.js';
import { manageRoutes } from './routes/manage.js';
import { deviceRoutes } from './routes/device.js';
import { fileRoutes } from './routes/files.js';
import { keyRoutes } from './routes/keys.js';
import { workspaceRoutes } from './routes/workspaces.js';

const log = logger('http');

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: KeyRow;
  }
}

export interface AppOptions {
  tls?: { cert: Buffer; key: Buffer };
  bodyLimit?: number;
}

export function buildApp(services: HostServices, options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => `req_${randomBytes(9).toString('base64url')}`,
    requestIdHeader: false,
    ...(options.tls ? { https: options.tls } : {}),
  }) as unknown as FastifyInstance;

  app.decorateRequest('apiKey', null as unknown as KeyRow);
  // Python's requests sessions (Orgo's SDK among them) send Content-Type: application/json on
  // every call, body-less POSTs and DELETEs too: an empty body is no body, on every route.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : json(req, body as string, done),
  );
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') && req.url !== '/api') return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, 'Missing API key: send Authorization: Bearer <key>', 'unauthorized');
    const key = services.keyChecker.verify(m[1]!);
    if (!key) throw new ApiError(401, 'Invalid API key', 'unauthorized');
    req.apiKey = key;
    services.keys.touch(key.id);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.status).send({ error: err.message, ...(err.code ? { code: err.code } : {}), ...err.extra, request_id: req.id });
    }
    // Fastify's own client errors (bad JSON, wrong content type, body too large) keep their status.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      log.error(`${req.method} ${req.url} (${req.id}): ${err.stack ?? err}`);
      return reply.status(500).send({ error: 'Internal error', code: 'internal', request_id: req.id });
    }
    const message = err.message;
    return reply.status(status).send({ error: message, code: 'invalid_request', request_id: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: `No such endpoint: ${req.method} ${req.url.split('?')[0]}`, code: 'not_found', request_id: req.id });
  });

  app.get('/health', async () => ({ ok: true }));

  app.register(
    async (api) => {
      workspaceRoutes(api, services, 'workspaces');
      workspaceRoutes(api, services, 'projects');
      keyRoutes(api, services);
      computerRoutes(api, services);
      manageRoutes(api, services);
      actionRoutes(api, services);
      clipboardRoutes(api, services);
      eventRoutes(api, services);
      // Its own scope: OpenAI's nested error shape for everything under /api/v1.
      api.register(async (v1) => chatRoutes(v1, services));
    },
    { prefix: '/api' },
  );
  fileRoutes(app, services); // its own scope: multipart streams past the JSON bodyLimit
  deviceRoutes(app, services); // device-code login: outside /api, the device has no key yet
  return app;
}
