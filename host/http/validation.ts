/**
 * How the routes' zod schemas (`schema: { params, querystring, body }`, mostly from shared/api)
 * validate a request, in one way for every route: Fastify calls this compiler for each part, and
 * a part that does not fit is answered in Orgo's shape, `{"error": ..., "code": ...}`, naming the
 * first field at fault (never Fastify's own validation message or a 5xx). Fastify checks params,
 * then the body, then the query; routes that must find their resource first (404/403 before a
 * 400 about the body) do so in a preValidation hook (computers.ts `computerRoute`).
 */
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z, type ZodType } from 'zod';
import { firstIssue } from '../../shared/api/schemas.js';
import { ApiError, badRequest, notFound } from '../errors.js';

/** Schemas of bodies that may be left out (an empty body reads as `{}`). */
const OPTIONAL_BODIES = new WeakSet<ZodType>();

/** A body that may be left out: no body, or JSON `null`, is taken as `{}`. */
export function optionalBody<T extends ZodType>(schema: T): T {
  OPTIONAL_BODIES.add(schema);
  return schema;
}

/** What an id the host mints can look like (UUIDs, and the ids of Orgo's cloud): anything else names nothing. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** `:id` of a thing (`Computer`, `Workspace`, `API key`): an id that cannot be one is that thing's 404. */
export const idParams = (what: string) =>
  z.object({ id: z.string().regex(ID_PATTERN, `${what} not found`).meta({ description: `The ${what.toLowerCase()}'s id` }) });

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

export const validatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema, httpPart }) =>
  (input: unknown) => {
    let data = input;
    if (httpPart === 'body') {
      if (data == null && OPTIONAL_BODIES.has(schema)) data = {};
      if (!isObject(data)) return { error: badRequest('The request body must be a JSON object') };
    }
    const r = schema.safeParse(data ?? {});
    if (r.success) return { value: r.data };
    if (httpPart === 'params') return { error: new ApiError(404, r.error.issues[0]?.message ?? 'Not found', 'not_found') };
    return { error: badRequest(firstIssue(r.error)) };
  };

/**
 * A route that takes no body (start, stop, restart, DELETE ...) ignores an object sent anyway, as
 * the other routes ignore unknown fields; anything else (a JSON array, string, number, text) is
 * the 400 a route with a body answers, and the route does not act: `[1]` once deleted a computer.
 * A preHandler hook, so a route's own 404 and 403 (its preValidation) still come first.
 */
export async function bodylessRouteBody(req: FastifyRequest): Promise<void> {
  // The API only: the device-login routes answer in OAuth's error shape and HTML pages.
  if (req.method === 'GET' || req.method === 'HEAD' || !req.routeOptions.url?.startsWith('/api/')) return;
  const documented = (req.routeOptions.config as { documented?: { body?: unknown } } | undefined)?.documented;
  if (req.routeOptions.schema?.body || documented?.body) return; // checked by its schema or by the route
  const body: unknown = req.body;
  if (body === undefined || body === null || body === '' || isObject(body)) return;
  throw badRequest('The request body must be a JSON object');
}

/** `notFound` for a route's own checks of the same ids. */
export const idOf = (what: string, id: string): string => {
  if (!ID_PATTERN.test(id)) throw notFound(what);
  return id;
};
