/**
 * The bad-input corpus, generated from tables: every route (and channel) crossed with what can be
 * wrong with a request. Each case says which statuses its answer may have; every answer must also
 * be JSON with an `error`, and come in bounded time (bad-input.test.ts checks).
 */
import { httpText } from '../helpers/raw-http.js';

export interface World {
  port: number;
  key: string;
  /** A key scoped to workspace B, used against workspace A's things. */
  keyB: string;
  wsA: string;
  wsB: string;
  computer: string;
  instance: string;
  file: string;
  /** An account-wide key other than `key` (DELETE /keys/:id must not remove the one in use). */
  otherKeyId: string;
}

export interface Case {
  group: string;
  name: string;
  request: Buffer;
  expect: number[];
  /** An `Allow` header is part of the answer (405). */
  allow?: boolean;
}

type Route = { method: string; path: (w: World) => string; body?: 'json' | 'multipart'; ids?: boolean };

const id = (w: World) => w.computer;
/** Every route of the API, with its path as a client would fill it for workspace A's things. */
export const ROUTES: Route[] = [
  ...(['workspaces', 'projects'] as const).flatMap((p): Route[] => [
    { method: 'POST', path: () => `/api/${p}`, body: 'json' },
    { method: 'GET', path: () => `/api/${p}` },
    { method: 'GET', path: (w) => `/api/${p}/${w.wsA}`, ids: true },
    // This host's rename (not in Orgo's API).
    { method: 'PATCH', path: (w) => `/api/${p}/${w.wsA}`, body: 'json', ids: true },
    { method: 'DELETE', path: (w) => `/api/${p}/${w.wsA}`, ids: true },
  ]),
  { method: 'POST', path: () => '/api/keys', body: 'json' },
  { method: 'GET', path: () => '/api/keys' },
  { method: 'DELETE', path: (w) => `/api/keys/${w.otherKeyId}`, ids: true },
  { method: 'POST', path: () => '/api/computers', body: 'json' },
  { method: 'GET', path: () => '/api/computers' },
  { method: 'GET', path: (w) => `/api/computers/${id(w)}`, ids: true },
  { method: 'DELETE', path: (w) => `/api/computers/${id(w)}`, ids: true },
  { method: 'GET', path: (w) => `/api/computers/${id(w)}/vnc-password`, ids: true },
  ...['start', 'stop', 'restart'].map((a): Route => ({ method: 'POST', path: (w) => `/api/computers/${id(w)}/${a}`, ids: true })),
  { method: 'GET', path: (w) => `/api/computers/${id(w)}/auto-stop`, ids: true },
  { method: 'PATCH', path: (w) => `/api/computers/${id(w)}/auto-stop`, body: 'json', ids: true },
  // Clone with a valid key and an empty body would clone: only key, method and scope cases here.
  { method: 'POST', path: (w) => `/api/computers/${id(w)}/clone`, ids: true },
  { method: 'PATCH', path: (w) => `/api/computers/${id(w)}/resize`, body: 'json', ids: true },
  { method: 'PATCH', path: (w) => `/api/computers/${id(w)}/move`, body: 'json', ids: true },
  { method: 'GET', path: (w) => `/api/computers/${id(w)}/screenshot`, ids: true },
  // POST .../move is the pointer (Orgo's SDK), PATCH .../move the workspace move above.
  ...['click', 'move', 'drag', 'type', 'key', 'scroll', 'wait', 'bash', 'exec', 'clipboard'].map((a): Route => ({ method: 'POST', path: (w) => `/api/computers/${id(w)}/${a}`, body: 'json', ids: true })),
  { method: 'GET', path: (w) => `/api/computers/${id(w)}/clipboard`, ids: true },
  { method: 'GET', path: (w) => `/api/computers/${id(w)}/events`, ids: true },
  { method: 'POST', path: () => '/api/files/upload', body: 'multipart' },
  { method: 'GET', path: () => '/api/files' },
  { method: 'GET', path: (w) => `/api/files/download?id=${w.file}` },
  { method: 'POST', path: () => '/api/files/export', body: 'json' },
  { method: 'DELETE', path: (w) => `/api/files/delete?id=${w.file}` },
  // The agent endpoint (OpenAI's error shape: `error` is an object with a message).
  { method: 'GET', path: () => '/api/v1/models' },
  { method: 'POST', path: () => '/api/v1/chat/completions', body: 'json' },
  { method: 'GET', path: () => '/api/v1/threads' },
  { method: 'GET', path: () => '/api/v1/threads/no-such-thread' },
  { method: 'DELETE', path: () => '/api/v1/threads/no-such-thread' },
  ...['cancel', 'pause', 'resume'].map((a): Route => ({ method: 'POST', path: () => `/api/v1/threads/no-such-thread/${a}` })),
  { method: 'GET', path: () => '/api/v1/agent/events' },
];

/** Routes that change nothing when they succeed: safe to send with a valid key in every form. */
const READS = ROUTES.filter((r) => r.method === 'GET' && !/\/threads\/|agent\/events/.test(r.path({} as World)));

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const json = (w: World, key = w.key) => ({ host: `127.0.0.1:${w.port}`, ...auth(key), 'content-type': 'application/json' });
const req = (w: World, method: string, path: string, headers: Record<string, string>, body?: string | Buffer) => httpText(method, path, { host: `127.0.0.1:${w.port}`, ...headers }, body);

/** Bad values for each JSON route's fields: [field, value] on top of a body that is otherwise right. */
function fieldCases(w: World): Array<{ path: string; method: string; base: Record<string, unknown>; bad: Array<[string, unknown]>; expect?: number[] }> {
  const mb = 'x'.repeat(1024 * 1024 - 100);
  const strings: unknown[] = [123, null, [], {}, true, '', '   ', 'x'.repeat(101), 'a\u0000b', '\u001b[31mred', 'lone \ud800'];
  const numbers: unknown[] = ['2', null, [], {}, -1, 1e308, 0.5, true];
  const coord: unknown[] = ['10', null, [], -1, 1e9, 99999, {}];
  const c = `/api/computers/${w.computer}`;
  return [
    { method: 'POST', path: '/api/workspaces', base: {}, bad: strings.map((v) => ['name', v] as [string, unknown]) },
    { method: 'POST', path: '/api/keys', base: { name: 'k' }, bad: [...strings.map((v) => ['name', v] as [string, unknown]), ['workspace_id', 123], ['workspace_id', 'no-such-workspace'], ['workspace_id', []]], expect: [400, 404] },
    {
      method: 'POST',
      path: '/api/computers',
      base: { workspace_id: w.wsA, name: 'bad' },
      bad: [
        ...strings.map((v) => ['name', v] as [string, unknown]),
        ...numbers.map((v) => ['cpu', v] as [string, unknown]),
        ...['4', -4, 1e9, 3, null].map((v) => ['ram', v] as [string, unknown]),
        ...['4', -4, 1e9, 0, 1.5].map((v) => ['disk_size_gb', v] as [string, unknown]),
        ...['100x100x24', '7681x4321x24', 'abc', 1280, '1280x720x7', ''].map((v) => ['resolution', v] as [string, unknown]),
        ['workspace_id', 123],
        ['workspace_id', 'no-such-workspace'],
        ['workspace_id', '../../etc'],
        ['auto_stop_minutes', -5],
        ['auto_stop_minutes', 'soon'],
      ],
      expect: [400, 404],
    },
    { method: 'PATCH', path: `${c}/auto-stop`, base: {}, bad: ['5', -1, 1e12, null, [], {}, 1.5].map((v) => ['auto_stop_minutes', v]) },
    { method: 'POST', path: `${c}/click`, base: { x: 10, y: 10 }, bad: [...coord.map((v) => ['x', v] as [string, unknown]), ...coord.map((v) => ['y', v] as [string, unknown]), ['button', 'nope'], ['button', 3], ['double', 'yes']] },
    { method: 'POST', path: `${c}/move`, base: { x: 10, y: 10 }, bad: [...coord.map((v) => ['x', v] as [string, unknown]), ...coord.map((v) => ['y', v] as [string, unknown])] },
    { method: 'POST', path: `${c}/drag`, base: { start_x: 1, start_y: 1, end_x: 5, end_y: 5 }, bad: [['start_x', 'a'], ['end_y', 1e9], ['end_x', -3], ['duration', 61], ['duration', -1], ['duration', 'slow'], ['button', {}]] },
    { method: 'POST', path: `${c}/type`, base: {}, bad: [['text', 123], ['text', ''], ['text', null], ['text', 'x'.repeat(100_001)], ['text', 'lone \udc00'], ['text', ['a']]] },
    { method: 'POST', path: `${c}/key`, base: {}, bad: [['key', ''], ['key', 123], ['key', 'ctrl+nosuchkey'], ['key', 'x'.repeat(1001)], ['key', null], ['key', '+++']] },
    { method: 'POST', path: `${c}/scroll`, base: { direction: 'down' }, bad: [['direction', 'sideways'], ['direction', 1], ['amount', 0], ['amount', 101], ['amount', 1.5], ['amount', '3'], ['x', 10], ['x', 1e9]] },
    { method: 'POST', path: `${c}/wait`, base: {}, bad: [['seconds', -1], ['seconds', 61], ['seconds', '1'], ['seconds', null], ['duration', 1e9]] },
    {
      method: 'POST',
      path: `${c}/bash`,
      base: { command: 'true' },
      bad: [['command', ''], ['command', 123], ['command', 'echo a\u0000b'], ['command', 'echo \ud800'], ['command', 'x'.repeat(128 * 1024)], ['command', mb], ['timeout', 0], ['timeout', -1], ['timeout', 3601], ['timeout', '30'], ['command', null]],
      expect: [400, 413],
    },
    {
      method: 'POST',
      path: `${c}/exec`,
      base: { code: 'pass' },
      bad: [['code', ''], ['code', 1], ['code', 'print(1)\u0000'], ['code', '# \udfff'], ['code', '#'.repeat(128 * 1024)], ['timeout', 1e9], ['timeout', 'x']],
      expect: [400, 413],
    },
    { method: 'POST', path: `${c}/clipboard`, base: {}, bad: [['text', 1], ['text', null], ['text', 'lone \ud800'], ['text', {}], ['text', mb + mb]], expect: [400, 413] },
    {
      method: 'POST',
      path: '/api/files/export',
      base: { desktopId: w.computer, path: 'Desktop/x' },
      bad: [
        ['path', '../../etc/passwd'],
        ['path', '/etc/passwd'],
        ['path', '/home/user/../../root/.bashrc'],
        ['path', 'a'.repeat(300)],
        ['path', `${'d/'.repeat(1500)}x`],
        ['path', 'a\u0000b'],
        ['path', ''],
        ['path', 123],
        ['path', '/home/user'],
        ['path', '/proc/self/environ'],
        ['path', 'no-such-file'],
        ['desktopId', 'no-such-computer'],
        ['desktopId', 123],
        ['desktopId', '../../x'],
      ],
      expect: [400, 403, 404],
    },
  ];
}

function multipart(parts: Array<{ name: string; filename?: string; value: string }>, boundary = 'orgo-corpus-b'): { body: string; type: string } {
  const body =
    parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n\r\n${p.value}\r\n`).join('') + `--${boundary}--\r\n`;
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

export function buildCases(w: World): Case[] {
  const cases: Case[] = [];
  const add = (group: string, name: string, request: Buffer, expect: number[], allow = false) => cases.push({ group, name, request, expect, allow });

  for (const r of ROUTES) {
    const path = r.path(w);
    const label = `${r.method} ${path.replace(w.computer, ':id').replace(w.wsA, ':ws')}`;
    const bodyHeaders: Record<string, string> = r.body === 'json' ? { 'content-type': 'application/json' } : {};
    const body = r.body === 'json' ? '{}' : undefined;
    // Authorization: missing, garbage, another scheme, oversized, the key with junk around it.
    const bad: Array<[string, Record<string, string>]> = [
      ['no Authorization', {}],
      ['garbage key', { authorization: 'Bearer not-a-key' }],
      ['Basic scheme', { authorization: `Basic ${Buffer.from(`u:${w.key}`).toString('base64')}` }],
      ['8 KB key', { authorization: `Bearer ${'k'.repeat(8 * 1024)}` }],
      ['key twice', { authorization: `Bearer ${w.key} ${w.key}` }],
      ['empty Bearer', { authorization: 'Bearer ' }],
    ];
    for (const [what, h] of bad) add('authorization', `${label}: ${what}`, req(w, r.method, path, { ...h, ...bodyHeaders }, body), [401]);
    // The same request line in absolute form, without a key: the key check holds.
    add('absolute form', `${label}: absolute form, no key`, req(w, r.method, `http://127.0.0.1:${w.port}${path}`, bodyHeaders, body), [401]);
    // Methods the path does not serve.
    const served = new Set(ROUTES.filter((o) => o.path(w).split('?')[0] === path.split('?')[0]).map((o) => o.method));
    if (r.method === 'GET') served.add('HEAD');
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !served.has(m))) {
      if (cases.some((c) => c.name === `${m} ${path.split('?')[0]}: wrong method`)) continue;
      add('wrong method', `${m} ${path.split('?')[0]}: wrong method`, req(w, m, path, { ...auth(w.key), ...bodyHeaders }, body), [405], true);
    }
    // Huge headers.
    add('huge headers', `${label}: 64 KB header`, req(w, r.method, path, { ...auth(w.key), 'x-filler': 'f'.repeat(64 * 1024) }), [431]);
    // A scoped key of workspace B against workspace A's things.
    if (r.ids || /\?id=/.test(path) || r.path(w).includes('/keys')) {
      add('scoped key', `${label}: workspace B's key`, req(w, r.method, path, { ...auth(w.keyB), ...bodyHeaders }, body), [403]);
    }
    // JSON bodies that are not JSON objects.
    if (r.body === 'json') {
      const h = json(w);
      const bodies: Array<[string, string | Buffer, number[]]> = [
        ['malformed JSON', '{"name": ', [400]],
        ['a JSON array', '[1,2]', [400]],
        ['JSON null', 'null', [400]],
        ['a JSON string', '"text"', [400]],
        ['a JSON number', '42', [400]],
        ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]), [400]],
        ['__proto__ key', '{"__proto__": {"admin": true}, "name": "p"}', [400]],
        ['only unknown fields', '{"zzz": 1, "yyy": [1]}', [400]],
        ['1.5 MB body', `{"name":"${'n'.repeat(1.5 * 1024 * 1024)}"}`, [413]],
        ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`, [400]],
      ];
      for (const [what, b, expect] of bodies) add('malformed body', `${label}: ${what}`, req(w, r.method, path, h, b), expect);
      add('malformed body', `${label}: text/plain`, req(w, r.method, path, { ...auth(w.key), 'content-type': 'text/plain' }, 'name=x'), [400, 415]);
      add('malformed body', `${label}: unknown content type`, req(w, r.method, path, { ...auth(w.key), 'content-type': 'application/x-nope' }, '\u0001\u0002'), [415]);
    }
  }

  // Safe reads in absolute form with the key: served as the same route.
  for (const r of READS) {
    const path = r.path(w);
    add('absolute form', `GET ${path}: absolute form with key`, req(w, 'GET', `http://127.0.0.1:${w.port}${path}`, auth(w.key)), [200]);
  }

  // Wrong types, missing fields, huge and negative numbers, off-screen points, lone surrogates...
  for (const f of fieldCases(w)) {
    add('fields', `${f.method} ${f.path.replace(w.computer, ':id')}: missing fields`, req(w, f.method, f.path, json(w), JSON.stringify({})), f.path.endsWith('/wait') || f.path.endsWith('/workspaces') ? [400] : (f.expect ?? [400]));
    for (const [field, value] of f.bad) {
      const body = JSON.stringify({ ...f.base, [field]: value });
      add('fields', `${f.method} ${f.path.replace(w.computer, ':id')}: ${field}=${JSON.stringify(value)?.slice(0, 40)}`, req(w, f.method, f.path, json(w), body), f.expect ?? [400]);
    }
  }

  // Ids and paths that try to leave their place.
  const ids = ['..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e', 'x'.repeat(300), '%00', '%ff%fe', '%E2%98%83', 'no-such-id', "1'%20OR%20'1'='1", '%0d%0aX-Injected:%201'];
  for (const bad of ids) {
    for (const [method, p] of [['GET', `/api/computers/${bad}`], ['DELETE', `/api/computers/${bad}`], ['POST', `/api/computers/${bad}/bash`], ['GET', `/api/workspaces/${bad}`], ['GET', `/api/computers/${bad}/screenshot`], ['GET', `/api/files/download?id=${bad}`], ['DELETE', `/api/files/delete?id=${bad}`], ['GET', `/downloads/${bad}/name?expires=1&sig=x`]] as const) {
      add('ids', `${method} ${p.slice(0, 60)}`, req(w, method, p, method === 'POST' ? json(w) : auth(w.key), method === 'POST' ? '{"command":"true"}' : undefined), [400, 403, 404, 414]);
    }
  }
  add('ids', 'GET /api/../api/workspaces (dot segments)', req(w, 'GET', '/api/../api/workspaces', {}), [400, 401, 404]);
  add('ids', 'GET //api/workspaces (double slash)', req(w, 'GET', '//api/workspaces', {}), [400, 401, 404]);
  add('ids', 'GET /API/workspaces (case)', req(w, 'GET', '/API/workspaces', {}), [401, 404]);
  add('ids', 'GET /api/workspaces/ (trailing slash), no key', req(w, 'GET', '/api/workspaces/', {}), [401]);

  // Routes that take no body: an object is ignored (as unknown fields are), anything else is the
  // 400 a route with a body answers, and the route does not act (`[1]` once deleted a computer;
  // the test checks the computer still runs at the end).
  const pc = `/api/computers/${w.computer}`;
  for (const [method, p] of [
    ['POST', `${pc}/start`],
    ['POST', `${pc}/stop`],
    ['POST', `${pc}/restart`],
    ['POST', `${pc}/stream/stop`],
    ['DELETE', pc],
    ['DELETE', `/api/workspaces/${w.wsB}`],
    ['DELETE', `/api/keys/${w.otherKeyId}`],
    ['DELETE', `/api/files/delete?id=${w.file}`],
  ] as const) {
    const label = `${method} ${p.replace(w.computer, ':id').replace(w.wsB, ':wsB').replace(w.otherKeyId, ':key').replace(w.file, ':file')}`;
    for (const [what, b] of [['a JSON array', '[1]'], ['a JSON number', '42'], ['a JSON string', '"x"'], ['JSON true', 'true']] as const) {
      add('no body taken', `${label}: ${what}`, req(w, method, p, json(w), b), [400]);
    }
    add('no body taken', `${label}: text/plain`, req(w, method, p, { ...auth(w.key), 'content-type': 'text/plain' }, 'hello'), [400, 415]);
  }

  // A query parameter given twice.
  for (const p of [
    `/api/computers?workspace_id=${w.wsA}&workspace_id=${w.wsB}`,
    `/api/files?workspace_id=${w.wsA}&workspace_id=${w.wsA}`,
    `/api/files/download?id=${w.file}&id=${w.file}`,
    `/api/computers/${w.computer}/screenshot?format=png&format=jpeg`,
    `/api/workspaces?x=1&x=2`,
  ]) add('duplicate query', `GET ${p.replace(w.computer, ':id')}`, req(w, 'GET', p, auth(w.key)), [400]);
  add('duplicate query', 'DELETE /api/files/delete?id=&id=', req(w, 'DELETE', `/api/files/delete?id=${w.file}&id=${w.file}`, auth(w.key)), [400]);
  {
    const m = multipart([{ name: 'file', filename: 'a.txt', value: 'a' }]);
    add('duplicate query', 'POST /api/files/upload?workspaceId=&workspaceId=', req(w, 'POST', `/api/files/upload?workspaceId=${w.wsA}&workspaceId=${w.wsB}`, { ...auth(w.key), 'content-type': m.type }, m.body), [400]);
  }
  add('duplicate query', 'GET /api/computers?workspace_id[]=a (bracket array)', req(w, 'GET', '/api/computers?workspace_id[]=a&workspace_id[]=b', auth(w.key)), [400, 404]);
  // Not nested: a parameter of that literal name, unknown, ignored.
  add('duplicate query', 'GET /api/computers?workspace_id[a]=b (nested)', req(w, 'GET', '/api/computers?workspace_id[a]=b', auth(w.key)), [200]);

  // Multipart uploads that are wrong in form.
  const up = (name: string, type: string, body: string, expect: number[]) => add('multipart', name, req(w, 'POST', '/api/files/upload', { ...auth(w.key), 'content-type': type }, body), expect);
  const ws = { name: 'workspaceId', value: w.wsA };
  const file = (n = 'file', f = 'a.txt') => ({ name: n, filename: f, value: 'hello' });
  let m = multipart([ws]);
  up('no file', m.type, m.body, [400]);
  m = multipart([ws, file(), file('file', 'b.txt')]);
  up('two files', m.type, m.body, [400, 413]);
  m = multipart([ws, file('document')]);
  up('file in another field', m.type, m.body, [400]);
  m = multipart([file(), { name: 'workspaceId', value: 'no-such-workspace' }]);
  up('fields after the file, naming no workspace', m.type, m.body, [404]);
  m = multipart([file(), { name: 'desktopId', value: 'no-such-computer' }]);
  up('desktopId after the file, no such computer', m.type, m.body, [404]);
  m = multipart([file()]);
  up('no workspace at all (account key)', m.type, m.body, [400]);
  up('no boundary', 'multipart/form-data', m.body, [400]);
  up('boundary that is not in the body', 'multipart/form-data; boundary=zzz', m.body, [400]);
  up('garbage body', 'multipart/form-data; boundary=orgo-corpus-b', '\u0000\u0001garbage', [400]);
  up('cut before the closing boundary', m.type, m.body.slice(0, m.body.indexOf('hello') + 2), [400]);
  m = multipart([{ name: 'workspaceId', value: 'w'.repeat(5000) }, file()]);
  up('a 5 KB field', m.type, m.body, [400]);
  m = multipart([...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, value: 'v' })), file()]);
  up('20 fields', m.type, m.body, [413]);
  m = multipart([{ name: 'n'.repeat(200), value: 'v' }, ws, file()]);
  up('a 200-byte field name (unknown, ignored)', m.type, m.body, [201]);
  m = multipart([ws, { name: 'desktopId', value: w.computer }, file('file', '../../../etc/passwd')]);
  up('a file name with ../ (stored under a clean name)', m.type, m.body, [201]);
  m = multipart([{ name: 'workspaceId', value: w.wsB }, file()]);
  up('another workspace (account key: allowed)', m.type, m.body, [201]);
  add('multipart', "workspace A with workspace B's key", req(w, 'POST', '/api/files/upload', { ...auth(w.keyB), 'content-type': multipart([ws, file()]).type }, multipart([ws, file()]).body), [403]);
  up('JSON instead of a form', 'application/json', '{"file":"aGVsbG8="}', [415]);

  // Request lines and headers that are not HTTP as it should be.
  const line = (name: string, text: string, expect: number[]) => add('http', name, Buffer.from(text, 'latin1'), expect);
  const hostH = `Host: 127.0.0.1:${w.port}\r\n`;
  line('CONNECT', `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${hostH}\r\n`, [405]);
  line('Host: a b c', `GET /health HTTP/1.1\r\nHost: a b c\r\nConnection: close\r\n\r\n`, [400]);
  line('Host with a path', `GET /health HTTP/1.1\r\nHost: evil.example/x\r\nConnection: close\r\n\r\n`, [400]);
  line('no Host', `GET /health HTTP/1.1\r\nConnection: close\r\n\r\n`, [400]);
  line('two Hosts', `GET /health HTTP/1.1\r\n${hostH}Host: other\r\nConnection: close\r\n\r\n`, [400]);
  line('garbage request line', `HELLO WORLD\r\n\r\n`, [400, 405]);
  line('unknown method', `BREW /api/workspaces HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [400, 405]);
  line('TRACE', `TRACE /api/workspaces HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [401, 405]);
  line('HTTP/2 preface on HTTP/1', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', [400, 405]);
  line('bad %-escape', `GET /api/%E0%A4%A HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [400, 401]);
  line('bad %-escape with key', `GET /api/computers/%E0 HTTP/1.1\r\n${hostH}Authorization: Bearer ${w.key}\r\nConnection: close\r\n\r\n`, [400]);
  line('16 KB URL', `GET /api/workspaces?q=${'q'.repeat(16 * 1024)} HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [401, 414, 431]);
  line('1000 headers', `GET /health HTTP/1.1\r\n${hostH}${Array.from({ length: 1000 }, (_, i) => `x-h${i}: v`).join('\r\n')}\r\nConnection: close\r\n\r\n`, [200, 400, 431]);
  line('header with a control character', `GET /health HTTP/1.1\r\n${hostH}X-Bad: a\u0001b\r\nConnection: close\r\n\r\n`, [400]);
  line('header without a colon', `GET /health HTTP/1.1\r\n${hostH}NoColon\r\nConnection: close\r\n\r\n`, [400]);
  line('Content-Length and chunked', `POST /api/workspaces HTTP/1.1\r\n${hostH}Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`, [400]);
  line('two Content-Lengths', `POST /api/workspaces HTTP/1.1\r\n${hostH}Content-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{}`, [400]);
  line('negative Content-Length', `POST /api/workspaces HTTP/1.1\r\n${hostH}Content-Length: -1\r\nConnection: close\r\n\r\n`, [400]);
  line('bad chunk size', `POST /api/workspaces HTTP/1.1\r\n${hostH}Authorization: Bearer ${w.key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`, [400]);
  line('absolute form to another host, no key', `GET http://evil.example/api/keys HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [401]);
  line('absolute form, ftp scheme', `GET ftp://127.0.0.1/api/keys HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [400, 401, 404]);
  line('asterisk form', `OPTIONS * HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [400, 404, 405]);
  line('OPTIONS on the API', `OPTIONS /api/workspaces HTTP/1.1\r\n${hostH}Authorization: Bearer ${w.key}\r\nConnection: close\r\n\r\n`, [405]);
  line('HTTP/1.0 without Host', `GET /api/workspaces HTTP/1.0\r\n\r\n`, [400, 401]);
  line('HTTP/0.9', `GET /api/workspaces\r\n\r\n`, [400, 0]);
  line('signed link, bad signature', `GET /downloads/${w.file}/a.txt?expires=9999999999&sig=AAAA HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [403]);
  line('signed link, repeated sig', `GET /downloads/${w.file}/a.txt?expires=9999999999&sig=AAAA&sig=BBBB HTTP/1.1\r\n${hostH}Connection: close\r\n\r\n`, [400]);
  line('device code, garbage form', `POST /oauth/device/code HTTP/1.1\r\n${hostH}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\nConnection: close\r\n\r\n%%%%&&=`, [400]);
  line('token, wrong grant', `POST /oauth/token HTTP/1.1\r\n${hostH}Content-Type: application/json\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{"grant_type":"pw"}\u0020`, [400]);
  return cases;
}
