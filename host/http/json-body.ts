/**
 * The API's JSON bodies: strict UTF-8 (invalid bytes are refused, not turned into U+FFFD and
 * stored), JSON or a 400 that says so, no `__proto__` keys, and an empty body is no body (clients
 * such as Python's requests send `Content-Type: application/json` on every call).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw badRequest('The request body is not valid UTF-8', 'invalid_json');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('a "__proto__" key is not allowed');
      return value;
    });
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`, 'invalid_json');
  }
}

export function jsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
