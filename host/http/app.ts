/**
 * The host's HTTP surface: Fastify with request ids, bearer auth on /api, Orgo's error shape,
 * and the routes per resource. WebSockets are attached separately (desktops.ts).
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { firstIssue } from '../../shared/api/schemas.js';
import { logger } from '../../shared/node/log.js';
import type { KeyChecker } from '../auth/keys.js';
import type { Computers } from '../services/computers.js';
import type { Files } from '../files/service.js';
import type { ComputerStore } from '../store/computers.js';
import type { DeviceCodeStore } from '../store/device-codes.js';
import type { KeyRow, KeyStore } from '../store/keys.js';
import type { WorkspaceStore } from '../store/workspaces.js';
import { HttpError, badRequest } from './errors.js';
import { actionRoutes } from './routes/actions.js';
import { clipboardRoutes } from './routes/clipboard.js';
import { eventRoutes } from './routes/events.js';
import { computerRoutes } from './routes/computers.js';
import { deviceRoutes } from './routes/device.js';
import { fileRoutes } from './routes/files.js';
import { keyRoutes } from './routes/keys.js';
import { workspaceRoutes } from './routes/workspaces.js';

const log = logger('http');

export interface HostServices {
  workspaces: WorkspaceStore;
  computerStore: ComputerStore;
  computers: Computers;
  keys: KeyStore;
  keyChecker: KeyChecker;
  files: Files;
  deviceCodes: DeviceCodeStore;
  /** The host's public address (scheme://host:port) as configured, for links a person opens (device login). */
  publicOrigin: () => string;
}

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
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') && req.url !== '/api') return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpError(401, 'Missing API key: send Authorization: Bearer <key>', 'unauthorized');
    const key = services.keyChecker.verify(m[1]!);
    if (!key) throw new HttpError(401, 'Invalid API key', 'unauthorized');
    req.apiKey = key;
    services.keys.touch(key.id);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    if (err instanceof HttpError) {
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
      actionRoutes(api, services);
      clipboardRoutes(api, services);
      eventRoutes(api, services);
    },
    { prefix: '/api' },
  );
  fileRoutes(app, services); // its own scope: multipart streams past the JSON bodyLimit
  deviceRoutes(app, services); // device-code login: outside /api, the device has no key yet
  return app;
}

/** Parses a request part with a shared schema; the first problem becomes a 400 naming the field. */
export function parse<T>(schema: ZodType<T>, value: unknown): T {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object');
  }
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(firstIssue(r.error));
  return r.data;
}

/** The request's own origin, as the client reached us (for connection_url and hostname). */
export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
