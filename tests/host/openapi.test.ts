/**
 * `GET /api/openapi.json`: the whole API as OpenAPI 3.1, made from the routes the host serves and
 * the zod schemas they validate with. Every route under /api is in it and documented; request
 * bodies carry the schemas' required fields; and what the schemas say is what the host does (a
 * body the document calls invalid is refused, in Orgo's error shape).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { call, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { startOpenAIDouble, type OpenAIDouble } from '../helpers/openai-double.js';
import { startRtmpServer, type RtmpServer } from '../helpers/rtmp-server.js';

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
      'POST /api/v1/chat/completions',
      'GET /api/v1/models',
      'GET /api/v1/threads/{id}',
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
    // The agent endpoint checks its body itself (OpenAI's error codes); the document still says it.
    expect(bodySchema('post', '/api/v1/chat/completions')!.required).toEqual(['computer_id', 'messages']);
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
    uploadLimit: () => sdk.uploadLimit('c1'),
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

/** One answer the host gave the SDK: where, its status, its media type and its bytes. */
interface Answer {
  call: string;
  method: string;
  path: string;
  status: number;
  type: string;
  body: Buffer;
}

/** A fetch that sends for real and keeps a copy of every answer, named by the SDK call that asked. */
function keeper(answers: Answer[], current: () => string): typeof fetch {
  return (async (input: string | URL, init: RequestInit = {}) => {
    const res = await fetch(input, init);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
    // A live feed of events does not end: its media type is what the document can be held to.
    const body = type === 'text/event-stream' ? Buffer.alloc(0) : Buffer.from(await res.clone().arrayBuffer());
    answers.push({ call: current(), method: init.method ?? 'GET', path: new URL(String(input)).pathname, status: res.status, type, body });
    return res;
  }) as typeof fetch;
}

type Response_ = { content?: Record<string, { schema: object }> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validators = new Map<object, ValidateFunction>();
const validatorOf = (schema: object) => validators.get(schema) ?? validators.set(schema, ajv.compile(schema)).get(schema)!;

/** The document's schema for an answer: its status's, or the default (errors); where it is not declared, why. */
function declared(a: Pick<Answer, 'method' | 'path' | 'status' | 'type'>): { schema?: object; problem?: string } {
  const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(a.path));
  if (!template) return { problem: 'no such path in the document' };
  const responses = (doc.paths[template]![a.method.toLowerCase()] as unknown as { responses?: Record<string, Response_> })?.responses;
  if (!responses) return { problem: `${a.method} is not in the document` };
  const answer = responses[a.status] ?? (a.status >= 400 ? responses.default : undefined);
  if (!answer) return { problem: `status ${a.status} is not in the document (it has ${Object.keys(responses).join(', ')})` };
  const content = answer.content?.[a.type];
  if (!content) return { problem: `the document has no ${a.type} answer for status ${a.status}` };
  return { schema: content.schema };
}

describe('the real answers of every SDK call, against the response schemas of the document', () => {
  const answers: Answer[] = [];
  let current = '';
  let sdk: OrgoClient;
  let rtmp: RtmpServer;
  let model: OpenAIDouble;
  const dir = mkdtempSync(join(tmpdir(), 'orgo-answers-'));
  beforeAll(async () => {
    rtmp = await startRtmpServer();
    model = await startOpenAIDouble(() => ({ text: 'Nothing to do.' }));
    sdk = new OrgoClient({ baseUrl: t.api, apiKey: TEST_KEY, fetch: keeper(answers, () => current) });
  });
  afterAll(async () => {
    rtmp?.close();
    await model?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ran = new Set<string>();
  /** Runs one SDK call, its answers kept under its name. */
  const as = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    current = name;
    ran.add(name);
    return f();
  };

  it('every endpoint function of the SDK, on a real computer, answers what the document says, field for field', { timeout: 300_000 }, async () => {
    const ws = await as('createWorkspace', () => sdk.createWorkspace('answers'));
    const other = await as('createWorkspace', () => sdk.createWorkspace('answers elsewhere'));
    await as('listWorkspaces', () => sdk.listWorkspaces());
    await as('getWorkspace', () => sdk.getWorkspace(ws.id));
    await as('renameWorkspace', () => sdk.renameWorkspace(ws.id, 'answers here'));
    const key = await as('createKey', () => sdk.createKey({ name: 'scripts', workspace_id: ws.id }));
    await as('listKeys', () => sdk.listKeys());
    await as('deleteKey', () => sdk.deleteKey(key.id));

    const pc = await as('createComputer', () => sdk.createComputer({ workspace_id: ws.id, name: 'answers' }));
    await as('getComputer', () => sdk.getComputer(pc.id));
    await as('listComputers', () => sdk.listComputers(ws.id));
    await as('vncPassword', () => sdk.vncPassword(pc.id));
    await as('getAutoStop', () => sdk.getAutoStop(pc.id));
    await as('setAutoStop', () => sdk.setAutoStop(pc.id, 30));
    await as('bash', () => sdk.bash(pc.id, 'echo hi'));
    await as('exec', () => sdk.exec(pc.id, 'print(1)'));
    await as('screenshot', () => sdk.screenshot(pc.id));
    await as('screenshotBytes', () => sdk.screenshotBytes(pc.id, { format: 'jpeg' }));
    await as('click', () => sdk.click(pc.id, 10, 10));
    await as('drag', () => sdk.drag(pc.id, { start_x: 10, start_y: 10, end_x: 20, end_y: 20, duration: 0.1 }));
    await as('type', () => sdk.type(pc.id, 'hi'));
    await as('key', () => sdk.key(pc.id, 'Escape'));
    await as('scroll', () => sdk.scroll(pc.id, { direction: 'down', x: 5, y: 5 }));
    await as('wait', () => sdk.wait(pc.id, 0.1));
    await as('setClipboard', () => sdk.setClipboard(pc.id, 'hi'));
    await as('getClipboard', () => sdk.getClipboard(pc.id));
    await as('eventCatalog', () => sdk.eventCatalog(pc.id));

    const file = await as('uploadFile', () => sdk.uploadFile(new Blob(['hello']), { workspaceId: ws.id, desktopId: pc.id, name: 'a.txt' }));
    await as('listFiles', () => sdk.listFiles({ workspaceId: ws.id }));
    expect(await as('uploadLimit', () => sdk.uploadLimit(pc.id))).toBeGreaterThan(0);
    const exported = await as('exportFile', () => sdk.exportFile(pc.id, file.desktop_path!));
    await as('downloadUrl', () => sdk.downloadUrl(file.id));
    await as('downloadFile', () => sdk.downloadFile(file.id, join(dir, 'a.txt')));
    await as('deleteFile', () => sdk.deleteFile(exported.id));

    await as('addStreamConnection', () => sdk.addStreamConnection({ name: 'answers', server_url: rtmp.url, stream_key: 'answers-key' }));
    await as('listStreamConnections', () => sdk.listStreamConnections());
    await as('startStream', () => sdk.startStream(pc.id, 'answers'));
    await as('streamStatus', () => sdk.streamStatus(pc.id));
    await as('stopStream', () => sdk.stopStream(pc.id));
    await as('deleteStreamConnection', () => sdk.deleteStreamConnection('answers'));

    // The agent endpoint, through the openai package, with a model server of the request's own.
    const openai = new OpenAI({ baseURL: `${t.api}/v1`, apiKey: TEST_KEY, maxRetries: 0, fetch: keeper(answers, () => current), defaultHeaders: { 'x-openai-base-url': `${model.url}/v1`, 'x-openai-key': 'local-key' } });
    const task = { model: 'local-vision', messages: [{ role: 'user' as const, content: 'nothing' }], computer_id: pc.id };
    await as('openai models', () => openai.models.list());
    const done = (await as('openai chat', () => openai.chat.completions.create(task as never))) as unknown as { orgo: { thread_id: string } };
    const chunks = await as('openai chat stream', () => openai.chat.completions.create({ ...task, stream: true } as never) as unknown as Promise<AsyncIterable<{ object: string }>>);
    const kinds = new Set<string>();
    for await (const chunk of chunks) kinds.add(chunk.object);
    expect([...kinds]).toEqual(['chat.completion.chunk']);
    const v1 = (method: string, path: string) => as(`v1 ${method} ${path}`, () => keeper(answers, () => current)(`${t.api}/v1${path}`, { method, headers: { authorization: `Bearer ${TEST_KEY}` } }).then((r) => (r.headers.get('content-type')?.includes('json') ? r.json() : r.body?.cancel())));
    await v1('GET', `/threads?computer_id=${pc.id}`);
    await v1('GET', `/threads/${done.orgo.thread_id}`);
    await v1('POST', `/threads/${done.orgo.thread_id}/cancel`); // not running: OpenAI's error shape
    await v1('DELETE', `/threads/${done.orgo.thread_id}`);
    await v1('GET', `/agent/events?computer_id=${pc.id}`);
    expect(model.problems).toEqual([]);

    await as('resizeComputer', () => sdk.resizeComputer(pc.id, { auto_stop_minutes: 20 }));
    await as('moveComputer', () => sdk.moveComputer(pc.id, other.id));
    const clone = await as('cloneComputer', () => sdk.cloneComputer(pc.id, { name: 'answers (clone)' }));
    await as('deleteComputer', () => sdk.deleteComputer(clone.id));
    await as('restartComputer', () => sdk.restartComputer(pc.id));
    await as('stopComputer', () => sdk.stopComputer(pc.id));
    await as('startComputer', () => sdk.startComputer(pc.id));
    // Errors too: Orgo's {"error"} shape, as the document's default answer says.
    await expect(as('getComputer', () => sdk.getComputer('no-such-computer'))).rejects.toMatchObject({ status: 404 });
    await expect(as('bash', () => sdk.bash(pc.id, ''))).rejects.toMatchObject({ status: 400 });
    await as('deleteWorkspace', () => sdk.deleteWorkspace(other.id, { force: true }));
    await as('deleteWorkspace', () => sdk.deleteWorkspace(ws.id));

    // Every endpoint function ran and had a success answered from the API.
    const endpoints = Object.keys(sdk).filter((k) => typeof (sdk as unknown as Record<string, unknown>)[k] === 'function' && k !== 'imageBytes' && k !== 'fetchImpl');
    expect([...ran].filter((n) => !/^(openai|v1) /.test(n)).sort()).toEqual(endpoints.sort());
    const api = answers.filter((a) => a.path.startsWith('/api/'));
    for (const name of endpoints) expect(api.some((a) => a.call === name && a.status < 300), `${name}: no success answered`).toBe(true);
    expect(api.filter((a) => a.path.startsWith('/api/v1/')).map((a) => `${a.status} ${a.type}`)).toEqual([
      ...['200 application/json', '200 application/json', '200 text/event-stream', '200 application/json', '200 application/json'],
      ...['409 application/json', '200 application/json', '200 text/event-stream'],
    ]);

    const problems: string[] = [];
    for (const a of api) {
      const at = `${a.call}: ${a.method} ${a.path} ${a.status} ${a.type}`;
      const { schema, problem } = declared(a);
      if (problem) problems.push(`${at}: ${problem}`);
      else if (a.type === 'application/json') {
        const validate = validatorOf(schema!);
        if (!validate(JSON.parse(a.body.toString()))) problems.push(`${at}: ${validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ')}`);
      } else expect(schema, at).toMatchObject({ type: 'string' });
    }
    expect(problems).toEqual([]);
  });

  it('would notice an answer that grew a field, or lost one', () => {
    const computer = answers.find((a) => a.call === 'getComputer' && a.status === 200)!;
    const validate = validatorOf(declared(computer).schema!);
    const body = JSON.parse(computer.body.toString()) as Record<string, unknown>;
    expect(validate(body)).toBe(true);
    expect(validate({ ...body, undeclared: 1 })).toBe(false);
    const { name: _name, ...withoutName } = body;
    expect(validate(withoutName)).toBe(false);
  });

  it('declares a success answer with its schema for every route', () => {
    const undeclared: string[] = [];
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [m, o] of Object.entries(methods)) {
        const responses = (o as unknown as { responses: Record<string, Response_> }).responses;
        const success = Object.entries(responses).filter(([status]) => Number(status) < 300);
        // JSON with its fields, or bytes / server-sent events named as such.
        const described = success.some(([, r]) =>
          Object.entries(r.content ?? {}).some(([type, c]) => (type === 'application/json' ? 'properties' in c.schema || 'anyOf' in c.schema : (c.schema as { type?: string }).type === 'string')),
        );
        if (!described) undeclared.push(`${m.toUpperCase()} ${p}`);
      }
    }
    expect(undeclared).toEqual([]);
  });
});
