/**
 * Browser mode's server against a real host: the launch token becomes an HttpOnly SameSite
 * cookie, pages carry a strict CSP, the IPC WebSocket refuses other origins and cookieless
 * callers, validates every input, and pushes live computer changes without being asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureRendererBuilt, firstViewModule, rendererDir } from '../../electron/browser-mode/build.js';
import { createHash } from 'node:crypto';
import { CSP, startBrowserModeServer, type BrowserModeServer } from '../../electron/browser-mode/server.js';
import { FIRST_DATA_ID, type FirstData } from '../../shared/ipc/first-data.js';
import type { ComputersSnapshot } from '../../shared/ipc/types.js';
import { projectRoot, startTestApp, type TestApp } from '../helpers/app.js';
import { startTestHost, tempDataDir, TEST_KEY, type TestHost } from '../helpers/host.js';
import { rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { launchTestChromium, pageProblems } from '../helpers/chromium.js';
import { appWindowArgs } from '../../electron/browser-mode/chromium.js';

let t: TestHost;
let app: TestApp;
let server: BrowserModeServer;
let cookie: string;

beforeAll(async () => {
  ensureRendererBuilt(projectRoot);
  t = await startTestHost();
  app = startTestApp({ host: t });
  server = await startBrowserModeServer({ services: app.services, rendererDir: rendererDir(projectRoot), firstView: firstViewModule(projectRoot) });
  const ws = await t.client.createWorkspace('bm');
  await t.client.createComputer({ workspace_id: ws.id, name: 'bm-1' });
}, 120_000);
afterAll(async () => {
  await server?.close();
  app?.close();
  await t?.close();
});

function ipc(headers: Record<string, string>) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ipc`, { headers });
  const events: Array<{ event: string; payload: unknown }> = [];
  const answers = new Map<number, (r: unknown) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if ('event' in m) events.push(m);
    else answers.get(m.id)?.(m.result);
  });
  let id = 0;
  return {
    ws,
    events,
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    }),
    call: (channel: string, input?: unknown) =>
      new Promise<{ ok: boolean; value?: unknown; error?: { message: string; code?: string } }>((resolve) => {
        const n = ++id;
        answers.set(n, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ id: n, channel, input: input ?? null }));
      }),
  };
}

describe('browser mode', () => {
  it('trades the launch token for an HttpOnly SameSite=Strict cookie', async () => {
    // The launch address answers the app itself (no redirect on launch) along with the cookie.
    const res = await fetch(server.launchUrl, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<script type="module" src="\.\/bridge\.js">/);
    const set = res.headers.get('set-cookie')!;
    // The cookie is a session of its own, not the token (which would sign in wherever it is seen).
    expect(set).not.toContain(new URL(server.launchUrl).searchParams.get('token')!);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    cookie = set.split(';')[0]!;
    const page = await fetch(server.url + '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.indexOf('bridge.js')).toBeLessThan(html.indexOf('assets/index-'));
    // The one CSP of the pages (electron/pages/csp.ts), the same the app:// scheme sends; the
    // main page's stylesheet comes inline, allowed by its hash alone (never 'unsafe-inline').
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(styles[0]).toContain('.');
    expect(html).not.toMatch(/<link rel="stylesheet"/);
    const hash = `'sha256-${createHash('sha256').update(styles[0]!).digest('base64')}'`;
    expect(page.headers.get('content-security-policy')).toBe(CSP.replace("style-src 'self'", `style-src 'self' ${hash}`));
    const viewer = await fetch(server.url + '/viewer.html', { headers: { cookie } });
    expect(viewer.headers.get('content-security-policy')).toBe(CSP);
  });

  it("carries the session and the list read for it in the main page's first HTML, as data no name can break out of", async () => {
    // Made through the API just now (the app has not seen it): the page's list is read for the page.
    const ws = (await t.client.listWorkspaces())[0]!;
    const name = 'x</script><script>window.__pwned=1</script><!--';
    const tricky = await t.client.createComputer({ workspace_id: ws.id, name });
    try {
      const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
      const open = `<script type="application/json" id="${FIRST_DATA_ID}">`;
      const start = html.indexOf(open) + open.length;
      expect(start).toBeGreaterThan(open.length - 1);
      // The HTML parser ends a script element at the first `</script`: the block holds no `<` at all.
      const body = html.slice(start, html.indexOf('</script>', start));
      expect(body).not.toContain('<');
      const data = JSON.parse(body) as FirstData;
      expect(data.computers!.computers.map((c) => c.name)).toEqual(['bm-1', name]);
      expect(data.session).toMatchObject({ mode: 'browser', signedIn: true });
      // The views the renderer gets over IPC anyway: no key, no VNC password.
      expect(body).not.toContain(TEST_KEY);
      expect(body).not.toContain(tricky.vnc_password);
      // Two scripts of the app's own (bridge.js, the module) beside the block, no third one.
      expect(html.match(/<script/g)).toHaveLength(3);
      // A viewer needs neither.
      expect(await (await fetch(`${server.url}/viewer.html`, { headers: { cookie } })).text()).not.toContain(FIRST_DATA_ID);

      // In Chromium, under the pages' CSP: the row shows the name as it is and nothing ran.
      const browser = await launchTestChromium();
      try {
        const page = await browser.newPage();
        const problems = pageProblems(page);
        await page.goto(server.launchUrl);
        await expect.poll(() => page.locator('[data-testid=computer-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name'))), { timeout: 20_000 }).toEqual(['bm-1', name]);
        expect(await page.evaluate('window.__pwned')).toBeUndefined();
        // Taken out of the page once read.
        expect(await page.locator(`#${FIRST_DATA_ID}`).count()).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      await t.client.deleteComputer(tricky.id);
    }
  }, 90_000);

  it("serves the main window's list rendered, names as text, and the page takes it over as it is", async () => {
    const ws = (await t.client.listWorkspaces())[0]!;
    const name = 'y</div><script>window.__pwned=1</script><b>';
    const tricky = await t.client.createComputer({ workspace_id: ws.id, name });
    try {
      const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
      const root = html.slice(html.indexOf('<div id="root"'), html.indexOf('<script', html.indexOf('<div id="root"')));
      // The rows are in the HTML, inert until hydrated; the name is escaped text, not markup.
      expect(root).toMatch(/^<div id="root" inert>/);
      expect(root.match(/data-testid="computer-row"/g)).toHaveLength(2);
      expect(root).toContain('y&lt;/div&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;b&gt;');
      expect(root).not.toContain('<script');
      expect(html.match(/<script/g)).toHaveLength(3);
      // The grid's page renders its own view: no main window in it.
      expect(await (await fetch(`${server.url}/?view=grid`, { headers: { cookie } })).text()).toContain('<div id="root"></div>');

      const browser = await launchTestChromium();
      try {
        const page = await browser.newPage();
        const problems = pageProblems(page);
        // The first row the HTML parser made: still in the page after hydration (a render from
        // scratch, or a mismatch React recovers from, would replace it).
        await page.addInitScript(`new MutationObserver((_, o) => { const r = document.querySelector('[data-testid=computer-row]'); if (r) { window.__servedRow = r; o.disconnect(); } }).observe(document, { subtree: true, childList: true });`);
        await page.goto(server.launchUrl);
        await expect.poll(() => page.locator('#root').getAttribute('inert'), { timeout: 20_000 }).toBeNull();
        expect(await page.locator('[data-testid=computer-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual(['bm-1', name]);
        expect(await page.evaluate('window.__servedRow && window.__servedRow.isConnected')).toBe(true);
        expect(await page.evaluate('window.__pwned')).toBeUndefined();
        // Hydrated means live: a click reaches React (the settings dialog opens).
        await page.getByTestId('open-settings').click();
        await expect.poll(() => page.locator('[role=dialog]').count()).toBe(1);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      await t.client.deleteComputer(tricky.id);
    }
  }, 90_000);

  it('opens Chromium on a launch page only this user can read, never with the token in its arguments', async () => {
    const token = new URL(server.launchUrl).searchParams.get('token')!;
    const dir = tempDataDir('orgo-launch-page-');
    const browser = await launchTestChromium();
    try {
      const args = appWindowArgs(server.launchUrl, dir);
      expect(args.join(' ')).not.toContain(token); // what any user can read in /proc/PID/cmdline
      const file = args.find((a) => a.startsWith('--app='))!.slice('--app=file://'.length);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // Chromium follows the page to the app, which signs in and drops the token from the address.
      const page = await browser.newPage();
      await page.goto(`file://${file}`);
      await page.waitForSelector('[data-testid=computer-row][data-name="bm-1"]', { timeout: 20_000 });
      expect(page.url()).toBe(`${server.url}/`);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a wrong token and a caller without the cookie', async () => {
    expect((await fetch(`${server.url}/?token=nope`, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${server.url}/`)).status).toBe(401);
    expect((await fetch(`${server.url}/bridge.js`)).status).toBe(401);
    // A malformed address is a 400, and the launcher lives on (it once threw on it, and exited).
    expect((await fetch(`${server.url}/%E0`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${server.url}/`, { headers: { cookie } })).status).toBe(200);
    // Asked for by another name (DNS rebinding): refused, token or not.
    const status = await new Promise<number>((resolve, reject) =>
      request(server.launchUrl, { headers: { host: `rebind.example:${server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(421);
  });

  it('refuses IPC from another origin or without the cookie', async () => {
    await expect(ipc({ origin: server.url }).opened).rejects.toThrow(/403/);
    await expect(ipc({ origin: 'http://evil.example', cookie }).opened).rejects.toThrow(/403/);
  });

  it('answers calls, refuses bad input in words, and pushes changes live', async () => {
    const c = ipc({ origin: server.url, cookie });
    await c.opened;
    const watch = await c.call('computers.watch');
    expect(watch.ok).toBe(true);
    const snap = watch.value as ComputersSnapshot;
    expect(snap.computers.map((x) => [x.name, x.status])).toEqual([['bm-1', 'running']]);
    expect(JSON.stringify(snap)).not.toMatch(/vnc_password/);

    expect(await c.call('computers.stop', { id: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/id/) } });
    expect(await c.call('shell.exec', { cmd: 'id' })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await c.call('computers.stop', { id: 'no-such-computer' })).toMatchObject({ ok: false, error: { status: 404, message: 'Computer not found' } });

    // Stopped by someone else (the API directly): the list learns it without asking.
    await t.client.stopComputer(snap.computers[0]!.id);
    const deadline = Date.now() + 10_000;
    while (!c.events.some((e) => e.event === 'computers.changed' && (e.payload as ComputersSnapshot).computers[0]?.status === 'stopped')) {
      if (Date.now() > deadline) throw new Error('no live update');
      await new Promise((r) => setTimeout(r, 50));
    }
    c.ws.close();
  });

  it('stops every running computer at once (the tray’s Stop all computers)', async () => {
    const ws = (await t.client.listWorkspaces())[0]!;
    await t.client.createComputer({ workspace_id: ws.id, name: 'bm-2' });
    await t.client.createComputer({ workspace_id: ws.id, name: 'bm-3' });
    const c = ipc({ origin: server.url, cookie });
    await c.opened;
    const r = await c.call('computers.stopAll');
    expect(r).toEqual({ ok: true, value: { stopped: 2, failed: [] } });
    expect((await t.client.listComputers()).map((x) => x.status)).toEqual(['stopped', 'stopped', 'stopped']);
    c.ws.close();
  });
});
