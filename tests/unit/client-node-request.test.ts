/**
 * The SDK's requests in Node go over node:http (shared/api/node-transfer.ts, plainRequest): against
 * a real local server they answer and fail as they did through fetch, in the words app/errors.ts reads.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { describeError } from '../../app/errors.js';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; auth?: string; type?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
      if (req.url!.startsWith('/api/slow')) return; // never answers
      if (req.url!.startsWith('/api/cut')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      if (req.url!.startsWith('/api/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'Computer not found', code: 'not_found' }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null, text: 'é✓' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/api`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the SDK over node:http', () => {
  it('sends the key and the JSON body, and reads the JSON answer', async () => {
    const c = new OrgoClient({ baseUrl: base, apiKey: 'sk_test' });
    const a = await c.request<{ echo: unknown; text: string }>('POST', '/computers/x/bash', { command: 'echo ✓' });
    expect(a).toEqual({ echo: { command: 'echo ✓' }, text: 'é✓' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/computers/x/bash', auth: 'Bearer sk_test', type: 'application/json' });
    await c.request('GET', '/computers', undefined, { workspace_id: 'w 1' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/computers?workspace_id=w+1', type: undefined, body: '' });
  });

  it('throws the API error of an error answer', async () => {
    const c = new OrgoClient({ baseUrl: base, apiKey: 'sk_test' });
    await expect(c.request('GET', '/missing')).rejects.toMatchObject({ name: 'OrgoApiError', status: 404, code: 'not_found', message: 'Computer not found' });
  });

  it('fails at its timeout as fetch does, and says so in words', async () => {
    const c = new OrgoClient({ baseUrl: base, apiKey: 'sk_test', timeoutMs: 150 });
    const e = await c.request('POST', '/slow', {}).catch((x: unknown) => x);
    expect((e as Error).name).toBe('TimeoutError');
    expect(describeError(e)).toMatchObject({ code: 'timeout' });
  });

  it('fails "fetch failed" with the cause when nothing answers or the answer is cut', async () => {
    const gone = new OrgoClient({ baseUrl: 'http://127.0.0.1:1/api', apiKey: 'sk_test' });
    const refused = await gone.request('POST', '/x', {}).catch((x: unknown) => x);
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    expect(describeError(refused).message).toMatch(/connection refused/);
    const c = new OrgoClient({ baseUrl: base, apiKey: 'sk_test' });
    await expect(c.request('POST', '/cut', {})).rejects.toMatchObject({ message: 'fetch failed' });
  });

  it('goes again on a new connection when the server closed the kept-alive one as the request went out', async () => {
    // A server that answers a connection's first request with keep-alive and resets the
    // connection at its second, unread: the idle-close race a kept-alive client meets.
    const connections: Socket[] = [];
    let posts = 0;
    const tcp = createTcpServer((sock) => {
      connections.push(sock);
      let answered = 0;
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        while (buf.includes('\r\n\r\n')) {
          const head = buf.slice(0, buf.indexOf('\r\n\r\n'));
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < head.length + 4 + length) return;
          buf = buf.slice(head.length + 4 + length);
          if (answered++ >= 1) return void sock.resetAndDestroy();
          posts++;
          sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}');
        }
      });
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    try {
      const a = tcp.address();
      const c = new OrgoClient({ baseUrl: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/api`, apiKey: 'sk_test' });
      expect(await c.request('POST', '/computers/x/click', { x: 1, y: 2 })).toEqual({ ok: true });
      expect(await c.request('POST', '/computers/x/click', { x: 1, y: 2 })).toEqual({ ok: true });
      expect(connections.length).toBe(2); // the second went again, on a connection of its own
      expect(posts).toBe(2); // and was answered once
    } finally {
      for (const s of connections) s.destroy();
      tcp.close();
    }
  });
});
