/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document of the whole API, made by @fastify/swagger
 * from the routes the host actually registered and the zod schemas on them (the same schemas that
 * validate the requests: validation.ts), converted by zod itself. So a route cannot be served and
 * missing from it, nor validate differently from what it says. A route under /api without a
 * `summary` still appears, marked `x-undocumented` (tests/host/openapi.test.ts fails on that).
 * The agent endpoint (/api/v1) is in it too, with OpenAI's error shape.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z, type ZodType } from 'zod';
import { openAiError } from '../../shared/api/chat-schemas.js';

/** Routes outside the API (device login, signed links, screenshot links, the health probe). */
const ELSEWHERE = /^\/(oauth\/|device|downloads\/|screenshots\/|health$)/;

/** Orgo's error shape (shared/api/types.ts ApiErrorBody), as every error answer has it. */
const ERROR = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, request_id: { type: 'string' } },
} as { type: 'object'; required: string[]; properties: Record<string, { type: 'string' }> };

/** This document's own answer, in outline. */
const DOCUMENT = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** The parts of a request a route checks itself, in its own words (chat.ts: OpenAI's errors). */
interface Documented {
  body?: ZodType;
  querystring?: ZodType;
  params?: ZodType;
  headers?: ZodType;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The multipart form a route reads itself (it has no body schema: the parts are streamed). */
    multipartForm?: ZodType;
    /** Request parts the route checks itself: documented here, not validated by validation.ts. */
    documented?: Documented;
    /** Media types a success may come as besides JSON, with their schemas (image bytes, server-sent events). */
    otherAnswers?: Record<string, { schema: object }>;
  }
}

const isZod = (v: unknown): v is ZodType => v instanceof z.ZodType;
const jsonSchema = (schema: ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
const answerSchema = (schema: unknown) => (isZod(schema) ? z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) : schema);
/** The agent endpoint answers errors in OpenAI's shape (routes/chat.ts), the rest in Orgo's. */
const errorOf = (url: string) => (url.startsWith('/api/v1/') ? answerSchema(openAiError) : ERROR);

type Doc = FastifySchema & { hide?: boolean; summary?: string; consumes?: readonly string[]; 'x-undocumented'?: boolean };
type RouteConfig = { multipartForm?: ZodType; documented?: Documented; otherAnswers?: Record<string, { schema: object }> };

/** Each route's zod schemas as JSON Schema, its answers and errors, and the API's own routes only. */
function transform({ schema, url, route }: { schema: FastifySchema; url: string; route: { config?: RouteConfig } }): { schema: Doc; url: string } {
  if (!url.startsWith('/api') || ELSEWHERE.test(url)) return { schema: { hide: true }, url };
  const config = route.config ?? {};
  const { params, querystring, body, headers, response, ...rest } = { ...(schema ?? {}), ...config.documented } as Doc;
  const doc: Doc = { ...rest };
  if (!doc.summary) Object.assign(doc, { summary: url, 'x-undocumented': true });
  if (isZod(params)) doc.params = jsonSchema(params);
  if (isZod(querystring)) doc.querystring = jsonSchema(querystring);
  if (isZod(headers)) doc.headers = jsonSchema(headers);
  if (isZod(body)) doc.body = jsonSchema(body);
  if (config.multipartForm) Object.assign(doc, { body: jsonSchema(config.multipartForm), consumes: ['multipart/form-data'] });
  const other = config.otherAnswers;
  const answers = Object.entries((response ?? (other ? { 200: undefined } : { 200: { type: 'object' } })) as Record<string, unknown>);
  const answer = (status: string, s: unknown) => {
    const description = Number(status) < 300 ? 'Done' : 'An error';
    if (!other || Number(status) >= 300) return { description, ...(answerSchema(s) as object) };
    return { description, content: { ...(s ? { 'application/json': { schema: answerSchema(s) } } : {}), ...other } };
  };
  doc.response = { ...Object.fromEntries(answers.map(([status, s]) => [status, answer(status, s)])), default: { description: 'An error', ...(errorOf(url) as object) } };
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
    scope.get('/api/openapi.json', { schema: { summary: 'This document', response: { 200: DOCUMENT } } }, async () => app.swagger());
  });
}
