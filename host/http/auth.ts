/**
 * The API key check, on every route under /api. Decided by the route the request reached (or,
 * for a path no route serves, by its parsed path), never by the raw request line: a request in
 * absolute form (`GET http://host/api/workspaces`) reaches the same handlers and needs the same key.
 */
import type { FastifyRequest } from 'fastify';
import type { KeyChecker } from '../auth/keys.js';
import type { KeyStore } from '../store/keys.js';
import { logger } from '../../shared/node/log.js';
import { ApiError } from '../errors.js';

const log = logger('http');

const underApi = (path: string) => path === '/api' || path.startsWith('/api/');

/** Whether the request needs an API key: its route's pattern, else its path, is under /api. */
export function needsKey(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  if (route) return underApi(route);
  const path = req.url.split('?')[0]!;
  return underApi(path.startsWith('/') ? path : new URL(path, 'http://host').pathname);
}

/** An onRequest hook: a request for /api without a valid key ends here with 401. */
export function keyCheck(keyChecker: KeyChecker, keys: KeyStore) {
  return async (req: FastifyRequest): Promise<void> => {
    if (!needsKey(req)) return;
    const header = req.headers.authorization ?? '';
    if (header.length > 1024) throw new ApiError(401, 'Invalid API key: the Authorization header is too long', 'unauthorized');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, 'Missing API key: send Authorization: Bearer <key>', 'unauthorized');
    const key = keyChecker.verify(m[1]!);
    if (!key) throw new ApiError(401, 'Invalid API key', 'unauthorized');
    req.apiKey = key;
    try {
      keys.touch(key.id);
    } catch (e) {
      // "Last used" is a courtesy: a full disk (SQLITE_FULL) must not turn every call into an error.
      log.warn(`could not note the key's last use: ${(e as Error).message}`);
    }
  };
}
