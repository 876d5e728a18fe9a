/** The request's own origin, as the client reached us (requests themselves are validated by their routes' schemas: validation.ts). */
import type { FastifyRequest } from 'fastify';

/** The request's own origin, as the client reached us (for connection_url and hostname). */
export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
