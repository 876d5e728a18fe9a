/**
 * The host's HTTP surface: Fastify with request ids, bearer auth on /api, Orgo's error shape,
 * and the routes per resource. WebSockets are attached separately (desktops.ts).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { logger } from '../../shared/node/log.js';
import type { ComputerRow } from '../store/computers.js';
import type { KeyRow } from '../store/keys.js';
import type { HostServices } from './services.js';
import { ApiError, badRequest } from '../errors.js';
import { keyCheck } from './auth.js';
import { clientError, drainBody, hostOf, newRequestId, originForm, serverTimeouts, watchBody } from './edge.js';
import { jsonBodies } from './json-body.js';
import { RouteMethods } from './methods.js';
import { openApi } from './openapi.js';
import { ScreenshotLinks } from './screenshot-links.js';
import { undoubled } from './sdk-prefix.js';
import { bodylessRouteBody, validatorCompiler } from './validation.js';
import { actionRoutes, screenshotLinkRoute } from './routes/actions.js';
import { chatRoutes } from './routes/chat.js';
import { clipboardRoutes } from './routes/clipboard.js';
import { eventRoutes } from './routes/events.js';
import { computerRoutes } from './routes/computers.js';
import { manageRoutes } from './routes/manage.js';
import { streamRoutes } from './routes/stream.js';
import { deviceRoutes } from './routes/device.js';
import { fileRoutes } from './routes/files.js';
import { keyRoutes } from './routes/keys.js';
import { workspaceRoutes } from './routes/workspaces.js';

const log = logger('http');
/** The version of the API the OpenAPI document describes. */
const API_VERSION = '1';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: KeyRow;
    /** On a computer's routes: the computer, found and in the key's reach (routes/computers.ts). */
    computer: ComputerRow;
  }
}

export interface AppOptions {
  tls?: { cert: Buffer; key: Buffer };
  bodyLimit?: number;
}

/** Fastify's own refusals (bad JSON, wrong content type, body too large...) by status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
  408: 'request_timeout',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

export function buildApp(services: HostServices, options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: newRequestId,
    requestIdHeader: false,
    // Node's own timeouts for slow clients (edge.ts), for HTTP and HTTPS alike.
    http: serverTimeouts,
    keepAliveTimeout: serverTimeouts.keepAliveTimeout,
    requestTimeout: serverTimeouts.requestTimeout,
    ...(options.tls ? { https: { ...serverTimeouts, ...options.tls } } : {}),
    rewriteUrl: (req) => undoubled(originForm(req.url ?? '/')),
    clientErrorHandler: clientError,
    // A bad %-escape or an id over the router's length: Orgo's shape, not Fastify's.
    frameworkErrors: (err, req, reply: FastifyReply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A part of the request address is too long' : 'The request address is not a valid URL';
      reply.status(status).header('x-request-id', req.id).send({ error: message, code: status === 414 ? 'uri_too_long' : 'bad_url', request_id: req.id });
    },
  }) as unknown as FastifyInstance;
  const links = new ScreenshotLinks();
  const methods = new RouteMethods();
  methods.watch(app);
  jsonBodies(app);
  // Requests are validated by the routes' zod schemas (validation.ts). Answers are sent as the
  // routes build them: their schemas describe them in the OpenAPI document, they do not reshape.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  openApi(app, API_VERSION);

  app.decorateRequest('apiKey', null as unknown as KeyRow);
  app.decorateRequest('computer', null as unknown as ComputerRow);
  // Python's requests sessions (Orgo's SDK among them) send Content-Type: application/json on
  // every call, body-less POSTs and DELETEs too: an empty body is no body (json-body.ts).
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });

  app.addHook('onRequest', async (req, reply) => {
    // Served only under a Host that is one (a name or address): `Host: a b c` is not.
    if (!hostOf(req.raw.rawHeaders)) throw badRequest('The Host header is missing or not a host name', 'bad_host');
    watchBody(req.raw, reply.raw, req.id);
  });
  app.addHook('onRequest', keyCheck(services.keyChecker, services.keys));
  app.addHook('preHandler', bodylessRouteBody);
  app.addHook('onRequest', async (req) => {
    // One value per query parameter: a repeated one is ambiguous, and no route takes a list.
    for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
      if (Array.isArray(value)) throw badRequest(`The query parameter ${JSON.stringify(name)} is given more than once; give it once`, 'duplicate_parameter');
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.status).send({ error: err.message, ...(err.code ? { code: err.code } : {}), ...err.extra, request_id: req.id });
    }
    // The host's disk is full (the database or a file): said as such, not as an internal error.
    if (['SQLITE_FULL', 'ENOSPC', 'EDQUOT'].includes(err.code ?? '')) {
      log.error(`${req.method} ${req.url} (${req.id}): disk full: ${err.message}`);
      return reply.status(507).send({ error: "The host's disk is full; free some space on the host and try again", code: 'disk_full', request_id: req.id });
    }
    // Fastify's own client errors (bad JSON, wrong content type, body too large) keep their status.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      log.error(`${req.method} ${req.url} (${req.id}): ${err.stack ?? err}`);
      return reply.status(500).send({ error: 'Internal error', code: 'internal', request_id: req.id });
    }
    if (status === 413 && !req.raw.complete) {
      // Fastify asks to close here; closing on a sender mid-body resets the answer away. Read
      // the rest and drop it instead (edge.ts bounds how long), and keep the connection.
      reply.removeHeader('connection');
      drainBody(req.raw);
    }
    // `curl -d '{…}'` without -H says form-urlencoded: say what to send instead of Fastify's bare words.
    const message =
      status === 415
        ? `The body must be JSON: send it with Content-Type: application/json (this request said ${JSON.stringify(req.headers['content-type'] ?? '')})`
        : err.message;
    return reply.status(status).send({ error: message, code: FRAMEWORK_CODES[status] ?? 'invalid_request', request_id: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allow = methods.allowed(path);
    if (allow.length) {
      return reply
        .status(405)
        .header('allow', allow.join(', '))
        .send({ error: `${req.method} is not served at ${path}; it serves ${allow.join(', ')}`, code: 'method_not_allowed', request_id: req.id });
    }
    return reply.status(404).send({ error: `No such endpoint: ${req.method} ${path}`, code: 'not_found', request_id: req.id });
  });

  app.get('/health', async () => ({ ok: true }));

  app.register(
    async (api) => {
      workspaceRoutes(api, services, 'workspaces');
      workspaceRoutes(api, services, 'projects');
      keyRoutes(api, services);
      computerRoutes(api, services);
      manageRoutes(api, services);
      streamRoutes(api, services);
      actionRoutes(api, services, links);
      clipboardRoutes(api, services);
      eventRoutes(api, services);
      // Its own scope: OpenAI's nested error shape for everything under /api/v1.
      api.register(async (v1) => chatRoutes(v1, services));
    },
    { prefix: '/api' },
  );
  fileRoutes(app, services); // its own scope: multipart streams past the JSON bodyLimit
  deviceRoutes(app, services); // device-code login: outside /api, the device has no key yet
  screenshotLinkRoute(app, links); // outside /api: the link is the credential (screenshot-links.ts)
  return app;
}
