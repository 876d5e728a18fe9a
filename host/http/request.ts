/** Helpers every route uses to read a request: schema parsing and the request's own origin. */
import type { FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { firstIssue } from '../../shared/api/schemas.js';
import { badRequest } from '../errors.js';

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
