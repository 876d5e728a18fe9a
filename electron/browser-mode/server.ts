/**
 * Browser mode's front: serves the built renderer on 127.0.0.1 behind a per-launch token and
 * carries the IPC contract over a WebSocket. The launch address carries the token; the page
 * answered there sets an HttpOnly, SameSite=Strict cookie holding a session secret of its own
 * (not the token), and bridge.js drops the token from the address bar. Every request must name
 * this server as its Host (no DNS rebinding); every WebSocket upgrade checks the cookie and that
 * Origin is this server (a page elsewhere cannot drive the app), and every message goes through
 * the same dispatch as Electron's IPC.
 */
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../../shared/node/secrets.js';
import { refuseUpgrade } from '../../shared/node/upgrade.js';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { EventName, Events } from '../../shared/ipc/channels.js';
import type { AppServices } from '../../app/app-services.js';
import type { ClientContext, Handlers, WindowHost } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import { firstDataScript, type FirstData } from '../../shared/ipc/first-data.js';
import { loadFirstView, rootWith, splitAtRoot, type RenderFirstView } from './first-view.js';
import { CSP, IMMUTABLE, PAGE_HEADERS } from '../pages/csp.js';
import { inlineStylesheets, withStyleHashes } from './inline-styles.js';
import { resolveTarget, type Page } from '../pages/table.js';

const log = logger('browser-mode');

/** The one CSP of the app's pages (electron/pages/csp.ts), re-exported for browser mode's tests. */
export { CSP };

type Control = { control: 'open'; url: string; name: string; features: string } | { control: 'external'; url: string };

interface Client extends ClientContext {
  ws: WebSocket;
  control(msg: Control): void;
}

/** The first view's markup; a render that throws leaves the page to render it. */
function renderedFirstView(render: RenderFirstView, data: FirstData): string | null {
  try {
    return render(data);
  } catch (e) {
    log.warn(`could not render the main window's first view (the page renders it): ${(e as Error).message}`);
    return null;
  }
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export interface BrowserModeServer {
  url: string;
  /** The address to open once: carries the launch token. */
  launchUrl: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** What answers IPC, pages' first data and uploads: loaded once the server listens (see `wire`). */
interface Wired {
  services: AppServices;
  handlers: Handlers;
  wss: WebSocketServer;
  dispatch: typeof import('../../app/dispatch.js').dispatch;
  firstData: typeof import('../../app/first-data.js').firstData;
  /** The main window's first view as markup (first-view.ts), when built. */
  firstView: RenderFirstView | null;
  unsubscribe: () => void;
}

/**
 * `services` may still be on its way (the launcher listens, prints its address and lets Chromium
 * start before it loads the app's services): the renderer's files are served at once, and what
 * needs the services (pages, IPC, uploads) waits for them.
 */
export async function startBrowserModeServer(options: {
  services: AppServices | Promise<AppServices>;
  rendererDir: string;
  /** The renderer's first view built for Node (build.ts's firstViewModule): the main page comes with its list rendered. */
  firstView?: string;
  port?: number;
  token?: string;
}): Promise<BrowserModeServer> {
  const { rendererDir } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  // What the cookie holds: not the launch token itself, so a cookie seen somewhere never doubles
  // as an address that signs in.
  const session = randomBytes(24).toString('base64url');
  const clients = new Map<string, Client>();
  let origin = '';
  let hostHeader = '';
  let cookieName = '';

  const windows: WindowHost = {
    openViewer: (c, ctx) => clients.get(ctx.id)?.control({ control: 'open', url: `/viewer.html#/viewer/${encodeURIComponent(c.id)}`, name: `orgo-viewer-${c.id}`, features: 'popup,width=1280,height=800' }),
    openGrid: (ctx) => clients.get(ctx.id)?.control({ control: 'open', url: '/?view=grid#/grid', name: 'orgo-grid', features: 'popup,width=1240,height=820' }),
    openMain: (ctx) => clients.get(ctx.id)?.control({ control: 'open', url: '/#/', name: 'orgo-main', features: '' }),
    openExternal: (url, ctx) => clients.get(ctx.id)?.control({ control: 'external', url }),
  };
  // Started once listening (a server that could not listen leaves nothing subscribed).
  let wired: Promise<Wired> | null = null;
  const wire = async (): Promise<Wired> => {
    // ws, zod (dispatch's input checks) and the handlers are most of the launcher's code: loaded
    // while Chromium starts, not before the address is printed.
    const [services, { WebSocketServer }, { dispatch }, { createHandlers }, { firstData }, firstView] = await Promise.all([
      options.services,
      import('ws'),
      import('../../app/dispatch.js'),
      import('../../app/handlers.js'),
      import('../../app/first-data.js'),
      // A first view that does not load costs the list its head start, not the page.
      loadFirstView(options.firstView).catch((e: Error) => {
        log.warn(`the main window's first view did not load (the page renders it): ${e.message}`);
        return null;
      }),
    ]);
    const w: Wired = {
      services,
      handlers: createHandlers(services, windows),
      wss: new WebSocketServer({ noServer: true, maxPayload: 40 * 1024 * 1024 }),
      dispatch,
      firstData,
      firstView,
      unsubscribe: services.subscribe(broadcastTo),
    };
    services.gate.useBase(origin.replace(/^http/, 'ws'));
    if (closed) w.unsubscribe();
    // The first render of the list compiles React's server code and ours (~20 ms here): done
    // now, while Chromium starts, with the data the first page will take, not on its request.
    if (firstView) void firstData(services, true).then((first) => renderedFirstView(firstView, first), () => {});
    return w;
  };
  let closed = false;
  /** The launch's first page may take the list read while Chromium started (app/first-data.ts). */
  let mainPageServed = false;
  const ready = () => (wired ??= wire());

  const authed = (req: IncomingMessage) => {
    const c = cookies(req)[cookieName];
    return !!c && sameSecret(c, session);
  };

  // The bridge stands in for Electron's preload: it must run before the app's own script.
  const withBridge = (html: string) => html.replace('<script type="module"', '<script type="module" src="./bridge.js"></script>\n    <script type="module"');
  /**
   * The main page (and the grid) render the list on their first pass from what is known now, the
   * main window's list rendered already (first-view.ts); a viewer needs neither. The main page's
   * head is sent before the services and the list are waited for, so its stylesheet and code are
   * on their way meanwhile; the data and the markup follow in the same response.
   */
  const sendPage = (res: ServerResponse, page: Page, url: URL, extra: Record<string, string> = {}) => {
    let parts: { head: string; tail: string };
    let csp: string;
    try {
      const html = withBridge(readFileSync(join(rendererDir, page), 'utf8'));
      if (page !== 'index.html') return send(res, 200, 'text/html; charset=utf-8', html, extra);
      const inlined = inlineStylesheets(html, rendererDir);
      csp = withStyleHashes(CSP, inlined.hashes);
      parts = splitAtRoot(inlined.html);
    } catch (e) {
      return send(res, 500, 'text/plain; charset=utf-8', `Could not read the app's page: ${(e as Error).message}`);
    }
    const { head, tail } = parts;
    res.writeHead(200, { ...PAGE_HEADERS, 'content-security-policy': csp, 'content-type': 'text/html; charset=utf-8', ...extra });
    res.write(head);
    const grid = url.searchParams.get('view') === 'grid';
    const launchPage = !mainPageServed;
    mainPageServed = true;
    void (async () => {
      const w = await ready();
      const first = await w.firstData(w.services, launchPage);
      // The grid renders its own view. The data block is never executed (first-data.ts); the
      // page's deferred module scripts read it, wherever it is, once the document is parsed.
      const markup = w.firstView && !grid ? renderedFirstView(w.firstView, first) : null;
      return `${rootWith(markup)}\n    ${firstDataScript(first)}`;
    })()
      // No services: the page without data (it asks over IPC, and says what fails).
      .catch(() => rootWith(null))
      .then((body) => res.end(body + tail));
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, ...extra });
    res.end(body);
  };

  const server = createServer((req, res) => {
    // Only ever asked for by its own address: a name that resolves here (DNS rebinding) is not it.
    if (req.headers.host !== hostHeader) return send(res, 421, 'text/plain; charset=utf-8', 'Open the address Orgo Desktop printed (http://127.0.0.1:…).');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Uploads (drag-and-drop): the launch cookie, our own Origin and a one-time ticket from IPC.
    const upload = /^\/upload\/([A-Za-z0-9_-]{20,100})$/.exec(url.pathname);
    if (req.method === 'POST' && upload) {
      if (req.headers.origin !== origin || !authed(req)) return send(res, 403, 'application/json', JSON.stringify({ error: 'Refused: not from this app' }));
      void ready().then(
        (w) => w.services.files.handleUpload(req, res, upload[1]!, url.searchParams.get('name') ?? ''),
        () => send(res, 503, 'application/json', JSON.stringify({ error: 'Orgo Desktop could not start its services' })),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    const presented = url.searchParams.get('token');
    const target = resolveTarget(rendererDir, url.pathname);
    if (target.kind === 'bad') return send(res, 400, 'text/plain; charset=utf-8', 'Bad address');
    const page = target.kind === 'page' ? target.page : undefined;
    if (presented !== null) {
      if (!sameSecret(presented, token)) return send(res, 403, 'text/plain; charset=utf-8', 'This address is from another launch of Orgo Desktop. Use the one it printed last.');
      // The page itself, with the cookie: no redirect round trip on launch. bridge.js drops the
      // token from the address bar before the app runs (no-referrer keeps it from leaving).
      const cookie = `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`;
      if (page) return sendPage(res, page, url, { 'set-cookie': cookie });
      url.searchParams.delete('token');
      return send(res, 302, 'text/plain', '', { location: url.pathname + url.search, 'set-cookie': cookie });
    }
    if (!authed(req)) {
      return send(res, 401, 'text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><title>Orgo Desktop</title><body style="font-family:sans-serif;background:#0d0f14;color:#e7e9ef;padding:40px">Open the address Orgo Desktop printed when it started: it carries a one-time token.</body>');
    }
    if (page) return sendPage(res, page, url);
    if (target.kind !== 'file') return send(res, 404, 'text/plain', 'Not found');
    try {
      if (!statSync(target.file).isFile()) throw new Error('not a file');
      return send(res, 200, target.type, readFileSync(target.file), target.immutable ? { 'cache-control': IMMUTABLE } : {});
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.headers.host !== hostHeader || req.headers.origin !== origin || !authed(req)) {
      refuseUpgrade(socket, 403);
      return;
    }
    ready().then(
      (w) => {
        if (w.services.gate.handleUpgrade(req, socket, head)) return;
        if (new URL(req.url ?? '/', 'http://x').pathname !== '/ipc') {
          refuseUpgrade(socket, 404);
          return;
        }
        w.wss.handleUpgrade(req, socket, head, (ws) => attach(ws, w));
      },
      () => refuseUpgrade(socket, 503),
    );
  });

  function attach(ws: WebSocket, { services, handlers, dispatch }: Wired): void {
    const id = `tab-${randomBytes(6).toString('hex')}`;
    const client: Client = {
      id,
      ws,
      emit: (event, payload) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ event, payload })),
      control: (msg) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg)),
    };
    clients.set(id, client);
    ws.on('message', async (data) => {
      let msg: { id?: unknown; channel?: unknown; input?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof msg.id !== 'number') return;
      const result = await dispatch(handlers, msg.channel, msg.input ?? undefined, client);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, result }));
    });
    ws.on('close', () => {
      clients.delete(id);
      services.feed.unwatch(id);
    });
  }

  const broadcastTo = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const c of clients.values()) c.emit(event, payload);
  };

  // The port is taken: the error goes to the caller (who may try another), nothing started.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;
  // Cookies ignore ports: the name carries it, so two launches do not trample each other.
  cookieName = `orgo_app_${port}`;
  log.info(`serving ${rendererDir} on ${origin}`);
  // Loads now, in the background; a failure shows when something needs it (and to the caller).
  ready().catch((e: Error) => log.error(`could not start the app's services: ${e.message}`));

  return {
    url: origin,
    launchUrl: `${origin}/?token=${token}`,
    port,
    server,
    close: async () => {
      closed = true;
      const w = await wired?.catch(() => null);
      w?.unsubscribe();
      for (const c of clients.values()) c.ws.terminate();
      w?.wss.close();
      // Kept-alive page connections would hold close() open for as long as the browser lives.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
