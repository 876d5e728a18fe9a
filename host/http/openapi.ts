/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document of the whole API, made from the routes the
 * host actually registered (so a route cannot be served and missing from it) and the zod schemas
 * the routes validate with (shared/api), converted by zod itself. A route without an entry in
 * DOCS still appears, marked `x-undocumented` (tests/host/openapi.test.ts fails on that).
 */
import { z, type ZodType } from 'zod';
import { cloneBody, moveBody, resizeBody } from '../../shared/api/manage.js';
import {
  autoStopBody,
  bashBody,
  clickBody,
  clipboardBody,
  createComputerBody,
  createKeyBody,
  createWorkspaceBody,
  dragBody,
  execBody,
  exportFileBody,
  keyBody,
  screenshotQuery,
  scrollBody,
  typeBody,
  waitBody,
} from '../../shared/api/schemas.js';

interface Doc {
  summary: string;
  body?: ZodType;
  query?: ZodType;
  /** Query parameters by name, for routes that read them without a schema. */
  params?: string[];
  multipart?: boolean;
  status?: number;
}

const ws = (p: string): Record<string, Doc> => ({
  [`POST /api/${p}`]: { summary: 'Create a workspace', body: createWorkspaceBody, status: 201 },
  [`GET /api/${p}`]: { summary: 'List workspaces' },
  [`GET /api/${p}/:id`]: { summary: 'Get a workspace' },
  [`DELETE /api/${p}/:id`]: { summary: 'Delete a workspace', params: ['force'] },
});

const action = (summary: string, body: ZodType): Doc => ({ summary, body });

export const DOCS: Record<string, Doc> = {
  ...ws('workspaces'),
  ...ws('projects'),
  'POST /api/keys': { summary: 'Create an API key', body: createKeyBody, status: 201 },
  'GET /api/keys': { summary: 'List API keys' },
  'DELETE /api/keys/:id': { summary: 'Delete an API key' },
  'POST /api/computers': { summary: 'Create a computer', body: createComputerBody, status: 201 },
  'GET /api/computers': { summary: "List computers (a workspace's with workspace_id)", params: ['workspace_id', 'project_id'] },
  'GET /api/computers/:id': { summary: 'Get a computer' },
  'DELETE /api/computers/:id': { summary: 'Delete a computer and its disk' },
  'GET /api/computers/:id/vnc-password': { summary: "The computer's VNC password" },
  'POST /api/computers/:id/start': { summary: 'Start a computer' },
  'POST /api/computers/:id/stop': { summary: 'Stop a computer (its disk stays)' },
  'POST /api/computers/:id/restart': { summary: 'Restart a computer' },
  'GET /api/computers/:id/auto-stop': { summary: 'Auto-stop setting' },
  'PATCH /api/computers/:id/auto-stop': { summary: 'Change auto-stop', body: autoStopBody },
  'PATCH /api/computers/:id/resize': { summary: 'Resize a computer (cpu, ram, disk)', body: resizeBody },
  'PATCH /api/computers/:id/move': { summary: 'Move a computer to another workspace', body: moveBody },
  'POST /api/computers/:id/clone': { summary: 'Clone a computer', body: cloneBody, status: 201 },
  'GET /api/computers/:id/screenshot': { summary: 'Screenshot (base64 in JSON, or the image bytes)', query: screenshotQuery },
  'POST /api/computers/:id/click': action('Click at a point', clickBody),
  'POST /api/computers/:id/drag': action('Drag from a point to another', dragBody),
  'POST /api/computers/:id/type': action('Type text', typeBody),
  'POST /api/computers/:id/key': action('Press keys (e.g. "ctrl+c")', keyBody),
  'POST /api/computers/:id/scroll': action('Scroll', scrollBody),
  'POST /api/computers/:id/wait': action('Wait, holding the computer\'s turn', waitBody),
  'POST /api/computers/:id/bash': action('Run a bash command', bashBody),
  'POST /api/computers/:id/exec': action('Run Python code', execBody),
  'GET /api/computers/:id/clipboard': { summary: "The desktop's clipboard text" },
  'POST /api/computers/:id/clipboard': action("Set the desktop's clipboard text", clipboardBody),
  'GET /api/computers/:id/events': { summary: 'The events the events websocket delivers' },
  'POST /api/files/upload': { summary: 'Upload a file (multipart, field "file")', multipart: true, params: ['workspaceId', 'desktopId'], status: 201 },
  'GET /api/files': { summary: "List a workspace's files", params: ['workspace_id', 'desktop_id'] },
  'GET /api/files/download': { summary: 'A signed download link for a file', params: ['id'] },
  'POST /api/files/export': { summary: "Copy a file out of a computer's /home/user", body: exportFileBody, status: 201 },
  'DELETE /api/files/delete': { summary: "Delete a workspace's file", params: ['id'] },
  'GET /api/openapi.json': { summary: 'This document' },
};

/** Routes outside the Orgo API proper (OpenAI-compatible agent endpoint, device login, links). */
const ELSEWHERE = /^\/(api\/v1\/|oauth\/|device|downloads\/|health$)/;

const ERROR = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, request_id: { type: 'string' } },
};

const jsonSchema = (schema: ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

export function openApiDocument(routes: Array<{ url: string; methods: string[] }>, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (!r.url.startsWith('/api') || ELSEWHERE.test(r.url)) continue;
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const pathParams = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } }));
    for (const method of r.methods) {
      if (method === 'HEAD') continue;
      const doc = DOCS[`${method} ${r.url}`];
      const op: Record<string, unknown> = {
        summary: doc?.summary ?? r.url,
        ...(doc ? {} : { 'x-undocumented': true }),
        security: [{ bearer: [] }],
        parameters: [
          ...pathParams,
          ...(doc?.params ?? []).map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          ...(doc?.query ? queryParams(doc.query) : []),
        ],
        responses: {
          [String(doc?.status ?? 200)]: { description: 'Done', content: { 'application/json': { schema: { type: 'object' } } } },
          default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
      if (doc?.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } };
      if (doc?.multipart) {
        op.requestBody = {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, workspaceId: { type: 'string' }, desktopId: { type: 'string' } } } } },
        };
      }
      (paths[path] ??= {})[method.toLowerCase()] = op;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Orgo-compatible host API', version },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: ERROR } },
    paths,
  };
}

function queryParams(schema: ZodType): Array<Record<string, unknown>> {
  const s = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({ name, in: 'query', required: s.required?.includes(name) ?? false, schema: p }));
}
