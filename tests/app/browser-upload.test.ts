/**
 * Browser mode's upload endpoint, as the viewer's drop uses it: the launch cookie, our own
 * Origin and a one-time ticket from IPC are all required; the body goes on to the host and
 * lands on the computer's Desktop; a refused upload answers the host's words and status.
 * And the live-channel relay on the launcher's origin: the same guards as the IPC socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureRendererBuilt, rendererDir } from '../../electron/browser-mode/build.js';
import { startBrowserModeServer, type BrowserModeServer } from '../../electron/browser-mode/server.js';
import type { Computer } from '../../shared/api/types.js';
import { projectRoot, startTestApp, type TestApp } from '../helpers/app.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let app: TestApp;
let server: BrowserModeServer;
let cookie: string;
let computer: Computer;

beforeAll(async () => {
  ensureRendererBuilt(projectRoot);
  t = await startTestHost();
  app = startTestApp({ host: t });
  server = await startBrowserModeServer({ services: app.services, rendererDir: rendererDir(projectRoot) });
  const ws = await t.client.createWorkspace('bu');
  computer = await t.client.createComputer({ workspace_id: ws.id, name: 'bu-1' });
  const res = await fetch(server.launchUrl, { redirect: 'manual' });
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
}, 120_000);
afterAll(async () => {
  await server?.close();
  app?.close();
  await t?.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(server.url + path, { method: 'POST', body, headers: { cookie, origin: server.url, 'content-type': 'text/plain', ...headers } });

describe('browser-mode upload endpoint', () => {
  it('puts the posted file on the Desktop, once per ticket', async () => {
    const path = app.services.files.ticket(computer.id);
    const res = await post(`${path}?name=dropped.txt`, 'dropped bytes\n');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'dropped.txt', size: 14, desktop_id: computer.id });
    expect((await t.client.bash(computer.id, 'cat ~/Desktop/dropped.txt')).output).toBe('dropped bytes\n');
    const again = await post(`${path}?name=dropped.txt`, 'x');
    expect(again.status).toBe(403);
    expect(((await again.json()) as { error: string }).error).toMatch(/expired/);
  });

  it('refuses another origin, or no launch cookie', async () => {
    const path = app.services.files.ticket(computer.id);
    expect((await post(`${path}?name=a.txt`, 'x', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await fetch(server.url + `${path}?name=a.txt`, { method: 'POST', body: 'x', headers: { origin: server.url } })).status).toBe(403);
    // The ticket was not used up by the refusals above... and a bad name is refused in words.
    const bad = await post(`${path}?name=${encodeURIComponent('../x')}`, 'x');
    expect(bad.status).toBe(400);
  });

  it('answers the host’s refusal: a deleted computer is a 404 in words', async () => {
    const ws = await t.client.createWorkspace('bu-gone');
    const gone = await t.client.createComputer({ workspace_id: ws.id, name: 'gone' });
    const path = app.services.files.ticket(gone.id);
    await t.client.deleteComputer(gone.id);
    const res = await post(`${path}?name=a.txt`, 'x');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/^The computer no longer exists/);
  });

  it('serves the channel relay on its origin only with the cookie and Origin', async () => {
    const url = app.services.channels.ticket(computer.id, 'events');
    expect(url.startsWith(server.url.replace('http', 'ws') + '/ch/')).toBe(true);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie, origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(refused).toBe(403);
    const ok = new WebSocket(app.services.channels.ticket(computer.id, 'events'), { headers: { cookie, origin: server.url } });
    await new Promise((r, j) => ok.once('open', r).once('error', j));
    ok.send(JSON.stringify({ type: 'subscribe', event_types: ['file_change'] }));
    const m = await new Promise<{ type: string }>((r) => ok.once('message', (d) => r(JSON.parse(String(d)))));
    expect(m.type).toBe('subscribed');
    ok.close();
  });
});
