/**
 * The host's HTTP edge, below the routes: what a request must look like before any route sees
 * it, and what a slow or broken client may hold. Every refusal here is Orgo's error shape
 * (`{"error", "code", "request_id"}`), even those Node answers before Fastify has a request.
 *
 * Why each limit: a client that sends half its headers, or a body that never comes, or opens
 * hundreds of idle connections, must not hold the host's sockets for minutes; one address may
 * hold only so many connections, so one slow client cannot take the whole host's capacity.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { logger } from '../../shared/node/log.js';

const log = logger('http');

/** Headers must all have arrived this long after the request began. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A request body may pause this long between bytes; then 408 and the connection closes. */
export const BODY_IDLE_MS = 15_000;
/** A whole request (an upload included) must have arrived within this. */
export const REQUEST_TIMEOUT_MS = 60 * 60_000;
/** An idle kept-alive connection is closed after this. */
export const KEEP_ALIVE_MS = 10_000;
/** How often Node checks the two timeouts above (its default, 30 s, would let them run late). */
export const CHECK_INTERVAL_MS = 1_000;
/** Connections one address may hold at once (the app, with many viewers, stays far below). */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 128;

export const newRequestId = () => `req_${randomBytes(9).toString('base64url')}`;

export const errorBody = (message: string, code: string, requestId = newRequestId()): string => JSON.stringify({ error: message, code, request_id: requestId });


/** A complete HTTP/1.1 answer written straight to a socket, for refusals before Fastify. */
export function rawAnswer(status: number, message: string, code: string, extra: Record<string, string> = {}): string {
  const id = newRequestId();
  const body = errorBody(message, code, id);
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'X-Request-Id': id, Connection: 'close', ...extra };
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

/** Options for Node's server: the timeouts above. */
export const serverTimeouts = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: CHECK_INTERVAL_MS,
  keepAliveTimeout: KEEP_ALIVE_MS,
  // The Host check is ours (app.ts), so that its refusal has Orgo's shape like every other.
  requireHostHeader: false,
};

/** Exactly one Host header, and one that is a host (RFC 9112 §3.2: else 400). */
export function hostOf(rawHeaders: string[]): string | undefined {
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'host') continue;
    if (host !== undefined) return undefined;
    host = rawHeaders[i + 1];
  }
  return hostHeaderValid(host) ? host : undefined;
}

/**
 * Fastify's clientErrorHandler: Node's parser refused the request (malformed, headers too large,
 * headers too slow). Answered in Orgo's shape, then the connection closes.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let answer: [number, string, string];
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') answer = [408, 'The request did not arrive in time', 'request_timeout'];
  else if (err.code === 'HPE_HEADER_OVERFLOW') answer = [431, 'The request headers are too large (16 KB at most)', 'headers_too_large'];
  else if (err.code === 'HPE_INVALID_METHOD') answer = [405, 'This method is not served here', 'method_not_allowed'];
  else if (err.code === 'HPE_URI_TOO_LONG' || err.code === 'HPE_URL_TOO_LONG') answer = [414, 'The request address is too long', 'uri_too_long'];
  else answer = [400, `The request is not valid HTTP (${err.code ?? 'malformed'})`, 'bad_http'];
  if (socket.writable) socket.write(rawAnswer(...answer));
  socket.destroy();
}

/** A Host header as RFC 9110 allows it: a name or an address, maybe a port; nothing else. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::\d{1,5})?$/;
export const hostHeaderValid = (host: string | undefined) => !!host && host.length <= 255 && HOST.test(host);

/**
 * A request line may carry a full URL ("absolute form", RFC 9112 §3.2.2); the routes and the key
 * check work on its path. Anything that is not a URL is left as it is, for the router to refuse.
 */
export function originForm(url: string): string {
  if (url.startsWith('/') || url === '*') return url;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return url;
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/**
 * The server-level guards: connections per address, CONNECT answered (Node would drop it in
 * silence), and an idle limit on request bodies.
 */
export function guardServer(server: Server, options: { maxPerAddress: number; tls: boolean }): void {
  const open = new Map<string, number>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? '?';
    const n = (open.get(addr) ?? 0) + 1;
    if (n > options.maxPerAddress) {
      log.warn(`refused a connection from ${addr}: it holds ${options.maxPerAddress} already`);
      socket.end(rawAnswer(429, `Too many connections from your address (${options.maxPerAddress} at most at once)`, 'too_many_connections'));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open.set(addr, n);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left <= 0) open.delete(addr);
      else open.set(addr, left);
    });
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(rawAnswer(405, 'CONNECT is not served: this host is not a proxy', 'method_not_allowed', { Allow: 'GET, HEAD, POST, PATCH, DELETE' }));
  });
}

/**
 * Arms the body idle limit for one request with a body: if no byte comes for BODY_IDLE_MS, the
 * client gets 408 and the connection closes. Disarmed once the body has all arrived.
 */
export function watchBody(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  if (req.complete || req.readableEnded) return;
  const socket = req.socket;
  const disarm = () => socket.setTimeout(0);
  req.setTimeout(BODY_IDLE_MS, () => {
    if (req.complete) return disarm();
    log.warn(`${req.method} ${req.url} (${requestId}): no body byte for ${BODY_IDLE_MS / 1000} s; closing`);
    if (!res.headersSent) {
      const body = errorBody(`The request body stopped arriving (nothing for ${BODY_IDLE_MS / 1000} s)`, 'request_timeout', requestId);
      res.writeHead(408, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close', 'x-request-id': requestId });
      res.end(body, () => socket.destroy());
    } else socket.destroy();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  req.once('end', disarm);
  res.once('finish', disarm);
}

/** How long a refused sender may go on sending, read and dropped, before its connection is cut. */
export const DRAIN_LIMIT_MS = 30_000;

/**
 * After answering a request before its body has all come (413 at the limit), read and drop the
 * rest instead of closing on a sender mid-body (the reset would lose the answer it is owed); one
 * that goes on for too long is cut off.
 */
export function drainBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  req.resume();
  const timer = setTimeout(() => req.socket?.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}
