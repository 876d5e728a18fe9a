/**
 * `GET /api/openapi.json`: the whole API as OpenAPI 3.1, made from the routes the host serves and
 * the zod schemas they validate with. Every route under /api is in it and documented; request
 * bodies carry the schemas' required fields; and what the schemas say is what the host does (a
 * body the document calls invalid is refused, in Orgo's error shape).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
type Op = { summary: string; 'x-undocumented'?: boolean; requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }; parameters?: Array<{ name: string; in: string }> };
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
      for (const o of Object.values(methods)) expect(o.parameters!.some((x) => x.name === 'id' && x.in === 'path')).toBe(true);
    }
  });

  it("carries each body's schema: its fields and which are required", () => {
    expect(bodySchema('post', '/api/computers')!.required).toEqual(expect.arrayContaining(['workspace_id', 'name']));
    expect(Object.keys(bodySchema('post', '/api/computers/{id}/click')!.properties!)).toEqual(expect.arrayContaining(['x', 'y', 'button', 'double']));
    expect(bodySchema('post', '/api/computers/{id}/bash')!.required).toEqual(['command']);
    expect(op('get', '/api/computers/{id}/screenshot')!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'format', 'quality']));
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

/** One request the SDK sent: where, and the names of what it carried. */
interface Sent {
  method: string;
  path: string;
  query: string[];
  contentType: string;
  fields: string[];
}

/** A fetch that answers every request with an empty success and keeps what the SDK sent. */
function recorder(sent: Sent[]): typeof fetch {
  return (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const contentType = headers.get('content-type') ?? '';
    const text = init.body instanceof ReadableStream ? await new Response(init.body).text() : typeof init.body === 'string' ? init.body : '';
    const fields = contentType.startsWith('multipart/form-data')
      ? [...text.matchAll(/Content-Disposition: form-data; name="([^"]+)"/g)].map((m) => m[1]!)
      : text
        ? Object.keys(JSON.parse(text) as object)
        : [];
    sent.push({ method: init.method ?? 'GET', path: url.pathname, query: [...url.searchParams.keys()], contentType, fields });
    const answer = { url: 'http://sdk.invalid/downloads/f1/a.txt', image: '', keys: [], computers: [], files: [], connections: [], password: '', text: '' };
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe("the OpenAPI document against the SDK (shared/api/client.ts)", () => {
  const sent: Sent[] = [];
  const sdk = new OrgoClient({ baseUrl: 'http://sdk.invalid/api', apiKey: 'k', fetch: recorder(sent) });
  const dir = mkdtempSync(join(tmpdir(), 'orgo-sdk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every endpoint function of the SDK, called with every optional field it can send. */
  const calls: Record<string, () => Promise<unknown>> = {
    listWorkspaces: () => sdk.listWorkspaces(),
    createWorkspace: () => sdk.createWorkspace('w'),
    getWorkspace: () => sdk.getWorkspace('w1'),
    renameWorkspace: () => sdk.renameWorkspace('w1', 'w2'),
    deleteWorkspace: () => sdk.deleteWorkspace('w1', { force: true }),
    listKeys: () => sdk.listKeys(),
    createKey: () => sdk.createKey({ name: 'k', workspace_id: 'w1' }),
    deleteKey: () => sdk.deleteKey('k1'),
    listComputers: () => sdk.listComputers('w1'),
    createComputer: () => sdk.createComputer({ workspace_id: 'w1', name: 'c', os: 'linux', ram: 4, cpu: 2, disk_size_gb: 8, resolution: '1280x720x24', auto_stop_minutes: 0, gpu: 'none' }),
    getComputer: () => sdk.getComputer('c1'),
    deleteComputer: () => sdk.deleteComputer('c1'),
    vncPassword: () => sdk.vncPassword('c1'),
    startComputer: () => sdk.startComputer('c1'),
    stopComputer: () => sdk.stopComputer('c1'),
    restartComputer: () => sdk.restartComputer('c1'),
    getAutoStop: () => sdk.getAutoStop('c1'),
    setAutoStop: () => sdk.setAutoStop('c1', 5),
    cloneComputer: () => sdk.cloneComputer('c1', { name: 'c (clone)', workspace_id: 'w1' }),
    resizeComputer: () => sdk.resizeComputer('c1', { vcpus: 2, mem_gb: 8, disk_size_gb: 16, bandwidth_limit_mbps: 10, auto_stop_minutes: 5 }),
    moveComputer: () => sdk.moveComputer('c1', 'w2'),
    bash: () => sdk.bash('c1', 'true', 5),
    exec: () => sdk.exec('c1', 'print(1)', 5),
    screenshot: () => sdk.screenshot('c1', { format: 'jpeg', quality: 50 }),
    screenshotBytes: () => sdk.screenshotBytes('c1', { format: 'jpeg', quality: 50 }),
    click: () => sdk.click('c1', 1, 2, { button: 'right', double: true }),
    drag: () => sdk.drag('c1', { start_x: 1, start_y: 2, end_x: 3, end_y: 4, button: 'left', duration: 0.1 }),
    type: () => sdk.type('c1', 'hi'),
    key: () => sdk.key('c1', 'Enter'),
    scroll: () => sdk.scroll('c1', { direction: 'down', amount: 2, x: 1, y: 2 }),
    wait: () => sdk.wait('c1', 1),
    uploadFile: () => sdk.uploadFile(new Blob(['a']), { workspaceId: 'w1', desktopId: 'c1', name: 'a.txt' }),
    listFiles: () => sdk.listFiles({ workspaceId: 'w1', desktopId: 'c1' }),
    exportFile: () => sdk.exportFile('c1', '/home/user/a.txt'),
    downloadUrl: () => sdk.downloadUrl('f1'),
    deleteFile: () => sdk.deleteFile('f1'),
    downloadFile: () => sdk.downloadFile('f1', join(dir, 'a.txt')),
    getClipboard: () => sdk.getClipboard('c1'),
    setClipboard: () => sdk.setClipboard('c1', 'hi'),
    eventCatalog: () => sdk.eventCatalog('c1'),
    listStreamConnections: () => sdk.listStreamConnections(),
    addStreamConnection: () => sdk.addStreamConnection({ name: 's', server_url: 'rtmp://127.0.0.1/live', stream_key: 'k' }),
    deleteStreamConnection: () => sdk.deleteStreamConnection('s'),
    startStream: () => sdk.startStream('c1', 's'),
    streamStatus: () => sdk.streamStatus('c1'),
    stopStream: () => sdk.stopStream('c1'),
  };

  it('has a call here for every endpoint function of the SDK', () => {
    // imageBytes decodes an answer it is given and fetchImpl is the fetch: neither is an endpoint.
    const endpoints = Object.keys(sdk).filter((k) => typeof (sdk as unknown as Record<string, unknown>)[k] === 'function' && k !== 'imageBytes' && k !== 'fetchImpl');
    expect(endpoints.sort()).toEqual(Object.keys(calls).sort());
  });

  it('serves every path the SDK calls, with its method, its query parameters and the body fields it sends', async () => {
    for (const [name, run] of Object.entries(calls)) {
      const before = sent.length;
      await run();
      expect(sent.length, `${name} sent nothing`).toBeGreaterThan(before);
      for (const r of sent.slice(before)) {
        if (!r.path.startsWith('/api/')) continue; // a signed download link (GET /downloads/...): not the API
        const at = `${name}: ${r.method} ${r.path}`;
        const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.path));
        expect(template, `${at}: no such path in the document`).toBeDefined();
        const o = op(r.method.toLowerCase(), template!);
        expect(o, `${at}: the path does not serve ${r.method}`).toBeDefined();
        const queryNames = (o!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const q of r.query) expect(queryNames, `${at}: query parameter ${q}`).toContain(q);
        if (!r.fields.length) continue;
        const type = r.contentType.split(';')[0]!;
        const schema = o!.requestBody?.content[type]?.schema;
        expect(schema, `${at}: the document takes no ${type} body`).toBeDefined();
        for (const f of r.fields) expect(Object.keys(schema!.properties ?? {}), `${at}: body field ${f}`).toContain(f);
      }
    }
  });
});
