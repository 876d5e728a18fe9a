/**
 * `GET /api/openapi.json`: the whole API as OpenAPI 3.1, made from the routes the host serves and
 * the zod schemas they validate with. Every route under /api is in it and documented; request
 * bodies carry the schemas' required fields; and what the schemas say is what the host does (a
 * body the document calls invalid is refused, in Orgo's error shape).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
type Op = { summary: string; 'x-undocumented'?: boolean; requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }; parameters: Array<{ name: string; in: string }> };
let doc: { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: { Error: { required: string[] } } } };

beforeAll(async () => {
  t = await startTestHost();
  const r = await call(t, 'GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body as unknown as typeof doc;
});
afterAll(() => t?.close());

const op = (method: string, path: string) => doc.paths[path]?.[method];
const bodySchema = (method: string, path: string) => op(method, path)?.requestBody?.content['application/json']?.schema;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and needs the API key like the rest of /api', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((await call(t, 'GET', '/openapi.json', undefined, null)).status).toBe(401);
  });

  it('lists every route of the API, each documented', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, o]) => ({ at: `${m.toUpperCase()} ${p}`, o })));
    expect(ops.filter((x) => x.o['x-undocumented']).map((x) => x.at)).toEqual([]);
    const at = ops.map((x) => x.at);
    for (const expected of [
      'POST /api/workspaces',
      'GET /api/projects/{id}',
      'POST /api/computers',
      'DELETE /api/computers/{id}',
      'GET /api/computers/{id}/screenshot',
      'POST /api/computers/{id}/bash',
      'PATCH /api/computers/{id}/resize',
      'POST /api/files/upload',
      'POST /api/files/export',
    ]) expect(at).toContain(expected);
    expect(ops.length).toBeGreaterThanOrEqual(40);
    // Path parameters are declared wherever a path has one.
    for (const [p, methods] of Object.entries(doc.paths)) {
      if (!p.includes('{id}')) continue;
      for (const o of Object.values(methods)) expect(o.parameters.some((x) => x.name === 'id' && x.in === 'path')).toBe(true);
    }
  });

  it("carries each body's schema: its fields and which are required", () => {
    expect(bodySchema('post', '/api/computers')!.required).toEqual(expect.arrayContaining(['workspace_id', 'name']));
    expect(Object.keys(bodySchema('post', '/api/computers/{id}/click')!.properties!)).toEqual(expect.arrayContaining(['x', 'y', 'button', 'double']));
    expect(bodySchema('post', '/api/computers/{id}/bash')!.required).toEqual(['command']);
    expect(op('get', '/api/computers/{id}/screenshot')!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'format', 'quality']));
    expect(op('post', '/api/files/upload')!.requestBody!.content['multipart/form-data']!.schema.required).toEqual(['file']);
    expect(doc.components.schemas.Error.required).toEqual(['error']);
  });

  it('says what the host does: a body missing a required field is refused with 400 and {"error"}', async () => {
    const r = await call(t, 'POST', '/workspaces', {});
    expect(bodySchema('post', '/api/workspaces')!.required).toEqual(['name']);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: expect.stringContaining('name'), code: 'invalid_request' });
  });
});
