/**
 * The packaged app's windows without Electron's binary (not downloadable here): Chromium shows
 * the pages the app:// handler answers (served to it unchanged on a loopback origin, since only
 * Electron can register a scheme), and the shipped preload (out/preload/index.cjs) runs in front
 * of them with Electron's renderer modules stood in by the three functions it calls: contextBridge
 * puts what it exposes on window (no isolated world here), ipcRenderer.invoke goes to main's real
 * IPC door (sender.ts: the sender check, dispatch, the real handlers) in this process, and main's
 * events come back through ipcRenderer.on. Electron's IPC is the one part stood in.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipc/channels.js';
import type { AppServices } from '../../app/app-services.js';
import { createHandlers, type ClientContext, type WindowHost } from '../../app/handlers.js';
import { APP_ORIGIN, appSchemeHandler } from '../../electron/pages/app-scheme.js';
import { invokeHandler, type SenderCheck } from '../../electron/main/sender.js';

declare const window: Record<string, unknown>;

/** A loopback server that answers every request with what the app:// handler answers for it. */
export async function serveAppScheme(rendererDir: string): Promise<{ origin: string; toApp(url: string): string; close(): Promise<void>; server: Server }> {
  const handle = appSchemeHandler(rendererDir);
  let origin = '';
  const server = createServer(async (req, res) => {
    const r = await handle(new Request(`${APP_ORIGIN}${req.url ?? '/'}`, { method: req.method }));
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => (headers[k] = v));
    res.writeHead(r.status, headers);
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    server,
    toApp: (url) => (url.startsWith(origin) ? APP_ORIGIN + url.slice(origin.length) : url),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The preload's stand-ins for `require('electron')` in a sandboxed renderer. */
const SHIM = `
  const listeners = new Map();
  window.__orgoExposed = [];
  window.__electronSend = (channel, ...args) => { for (const l of listeners.get(channel) ?? []) l({}, ...args); };
  const __electron = {
    contextBridge: { exposeInMainWorld: (key, api) => { window.__orgoExposed.push(key); Object.defineProperty(window, key, { value: Object.freeze(api) }); } },
    ipcRenderer: {
      invoke: (channel, ...args) => window.__electronInvoke(channel, args),
      on: (channel, l) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(l); },
      removeListener: (channel, l) => listeners.get(channel)?.delete(l),
    },
    webUtils: { getPathForFile: () => '' },
  };
  const require = (name) => { if (name === 'electron') return __electron; throw new Error('a sandboxed preload cannot require ' + name); };
`;

/** Everything that goes wrong on a page: console errors, CSP reports, uncaught errors, failed or refused requests. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => void (r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`)));
  return problems;
}

export interface ElectronWindows {
  /** What the page asked main to open (viewer, grid, main, external). */
  opened: string[];
  /** Opens `page` (index.html or viewer.html, with its hash) as a window of the app; `problems` collects what went wrong on it from the start. */
  open(page: string): Promise<{ page: Page; problems: string[] }>;
  close(): void;
}

export async function electronWindows(context: BrowserContext, served: Awaited<ReturnType<typeof serveAppScheme>>, services: AppServices, root: string): Promise<ElectronWindows> {
  const preload = readFileSync(join(root, 'out', 'preload', 'index.cjs'), 'utf8');
  await context.addInitScript({ content: `(() => { ${SHIM}\n${preload}\n})();` });
  const opened: string[] = [];
  const contexts = new Map<number, ClientContext>();
  const pages = new Map<number, Page>();
  const windows: WindowHost = {
    openViewer: (c) => void opened.push(`viewer:${c.id}`),
    openGrid: () => void opened.push('grid'),
    openMain: () => void opened.push('main'),
    openExternal: (url) => void opened.push(`external:${url}`),
  };
  const appUrl = (url: string) => ['index.html', 'viewer.html'].includes(new URL(served.toApp(url)).pathname.slice(1)) && served.toApp(url).startsWith(`${APP_ORIGIN}/`);
  const check: SenderCheck = { contextOf: (id) => contexts.get(id), isAppUrl: (url) => appUrl(url.split('#')[0]!) };
  const invoke = invokeHandler(createHandlers(services, windows), check);
  const unsubscribe = services.subscribe((event, payload) => {
    for (const p of pages.values()) void p.evaluate(([c, e, v]) => (window as unknown as { __electronSend(...a: unknown[]): void }).__electronSend(c, e, v), [IPC_EVENT, event, payload] as const).catch(() => {});
  });
  let next = 1;
  return {
    opened,
    async open(page) {
      const id = next++;
      const p = await context.newPage();
      pages.set(id, p);
      contexts.set(id, { id: `win-${id}`, emit: () => {} });
      await p.exposeBinding('__electronInvoke', async (source, channel: string, args: unknown[]) => {
        if (channel !== IPC_INVOKE) return { ok: false, error: { message: 'unknown channel' } };
        // The event Electron passes: the sender's web contents and the frame that called.
        const frame = { url: source.frame.url() };
        const event = { sender: { id, mainFrame: source.frame === p.mainFrame() ? frame : { url: p.url() } }, senderFrame: frame };
        return invoke(event, args[0], args[1]);
      });
      const problems = watch(p);
      await p.goto(`${served.origin}/${page}`);
      return { page: p, problems };
    },
    close: unsubscribe,
  };
}
