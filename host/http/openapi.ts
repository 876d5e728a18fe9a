/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document of the whole API, made by @fastify/swagger
 * from the routes the host actually registered and the zod schemas on them (the same schemas that
 * validate the requests: validation.ts), converted by zod itself. So a route cannot be served and
 * missing from it, nor validate differently from what it says. A route under /api without a
 * `summary` still appears, marked `x-undocumented` (tests/host/openapi.test.ts fails on that).
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z, type ZodType } from 'zod';

/** Routes outside the Orgo API proper (OpenAI-compatible agent endpoint, device login, links). */
const ELSEWHERE = /^\/(api\/v1\/|oauth\/|device|downloads\/|health$)/;

/** Orgo's error shape (shared/api/types.ts ApiErrorBody), as every error answer has it. */
const ERROR = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, request_id: { type: 'string' } },
} as { type: 'object'; required: string[]; properties: Record<string, { type: 'string' }> };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The multipart form a route reads itself (it has no body schema: the parts are streamed). */
    multipartForm?: ZodType;
    /** The status a success answers, when it is not 200 (for the document). */
    status?: number;
  }
}

const isZod = (v: unknown): v is ZodType => v instanceof z.ZodType;
const jsonSchema = (schema: ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
const answerSchema = (schema: unknown) => (isZod(schema) ? z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) : schema);

type Doc = FastifySchema & { hide?: boolean; summary?: string; consumes?: readonly string[]; 'x-undocumented'?: boolean };

/** Each route's zod schemas as JSON Schema, its answers and errors, and the API's own routes only. */
function transform({ schema, url, route }: { schema: FastifySchema; url: string; route: { config?: { multipartForm?: ZodType; status?: number } } }): { schema: Doc; url: string } {
  if (!url.startsWith('/api') || ELSEWHERE.test(url)) return { schema: { hide: true }, url };
  const { params, querystring, body, response, ...rest } = (schema ?? {}) as Doc;
  const doc: Doc = { ...rest };
  if (!doc.summary) Object.assign(doc, { summary: url, 'x-undocumented': true });
  if (isZod(params)) doc.params = jsonSchema(params);
  if (isZod(querystring)) doc.querystring = jsonSchema(querystring);
  if (isZod(body)) doc.body = jsonSchema(body);
  const form = route.config?.multipartForm;
  if (form) Object.assign(doc, { body: jsonSchema(form), consumes: ['multipart/form-data'] });
  const answers = Object.entries((response ?? { [route.config?.status ?? 200]: { type: 'object' } }) as Record<string, unknown>);
  doc.response = { ...Object.fromEntries(answers.map(([status, s]) => [status, { description: 'Done', ...(answerSchema(s) as object) }])), default: { description: 'An error', ...ERROR } };
  return { schema: doc, url };
}

/** Registers the document's generator (before any route, so it sees them all) and its route. */
export function openApi(app: FastifyInstance, version: string): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Orgo-compatible host API', version },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: ERROR } },
      security: [{ bearer: [] }],
    },
    transform: transform as never,
  });
  app.register(async (scope) => {
    scope.get('/api/openapi.json', { schema: { summary: 'This document' } }, async () => app.swagger());
  });
}
