/**
 * Viewers people already have, unmodified, in Chromium against a computer over WSS with only its
 * VNC password: Orgo's embed (`orgo-vnc` from npm, rendered with React) and a plain noVNC page.
 * Each is served from a site of its own (another origin, as an embed is), connects through the
 * host's RFB gate and paints the desktop: the canvas shows what the API's screenshot shows. A
 * wrong password is refused in words the viewer shows, then the address is rate-limited.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPTS_PER_ADDRESS } from '../../host/http/channels/rfb-gate.js';
import type { Computer } from '../../shared/api/types.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { decodePng } from '../helpers/png.js';

const SHOTS = 'test-results/compat-viewers';
const W = 1024;
const H = 768;

let t: TestHost;
let pc: Computer;
let site: Server;
let siteUrl: string;
let browser: Browser;
let dir: string;

type Seen = Array<{ type: string; reason?: string; detail?: unknown }>;

/** The two pages bundled as their authors would ship them, served by a plain static server. */
async function buildSite(out: string): Promise<void> {
  await build({
    entryPoints: { novnc: join(import.meta.dirname, 'viewers/novnc-page.js'), embed: join(import.meta.dirname, 'viewers/embed-page.jsx') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    outdir: out,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  for (const page of ['novnc', 'embed']) {
    writeFileSync(join(out, `${page}.html`), `<!doctype html><meta charset="utf-8"><style>body{margin:0}#screen{width:${W}px;height:${H}px}</style><div id="screen"></div><script type="module" src="${page}.js"></script>`);
  }
}

async function open(page: string, hash: Record<string, string>): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: W + 40, height: H + 40 } });
  const p = await context.newPage();
  await p.goto(`${siteUrl}/${page}.html#${new URLSearchParams(hash)}`);
  return p;
}

// The page's own code runs in the browser (this file's types have no DOM): given as source.
const seen = (p: Page) => p.evaluate('window.seen ?? []') as Promise<Seen>;
const CANVAS_BASE64 = `(() => {
  const c = document.querySelector('canvas');
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
})()`;

/** The viewer's canvas against the API's screenshot: all but the panel's clock, to 1 pixel in 1000. */
async function paintsTheDesktop(p: Page): Promise<boolean> {
  const rgba = Buffer.from((await p.evaluate(CANVAS_BASE64)) as string, 'base64');
  if (rgba.length !== W * H * 4) return false;
  const shot = decodePng(await t.client.screenshotBytes(pc.id));
  const rows = H - 40;
  let differ = 0;
  for (let i = 0; i < W * rows; i++) if (rgba[i * 4] !== shot.rgb[i * 3] || rgba[i * 4 + 1] !== shot.rgb[i * 3 + 1] || rgba[i * 4 + 2] !== shot.rgb[i * 3 + 2]) differ++;
  return differ <= (W * rows) / 1000;
}

beforeAll(async () => {
  t = await startTestHost({ tls: true });
  expect(t.host.url).toMatch(/^https:/);
  const ws = await t.client.createWorkspace('viewers');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'viewers', resolution: `${W}x${H}x24` });
  dir = mkdtempSync('/tmp/orgo-viewers-');
  await buildSite(dir);
  site = createServer((req, res) => {
    const name = (req.url ?? '/').split(/[?#]/)[0]!.replace(/^\//, '');
    if (!/^(novnc|embed)\.(html|js)$/.test(name)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': name.endsWith('.html') ? 'text/html' : 'text/javascript' }).end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: process.env.ORGO_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

describe('viewers with only the VNC password, over WSS, from another site', () => {
  it("Orgo's embed (orgo-vnc, unmodified) connects to wss://{hostname}/websockify and paints the desktop", async () => {
    const p = await open('embed', { hostname: pc.hostname, password: pc.vnc_password });
    await eventually(() => seen(p), (s) => s.some((e) => e.type === 'connect' || e.type === 'error'), 20_000, 'the embed to connect');
    expect(await seen(p)).toEqual([{ type: 'connect' }]);
    await eventually(() => paintsTheDesktop(p), (ok) => ok, 15_000, 'the embed to show the desktop');
    await p.screenshot({ path: `${SHOTS}/embed.png` });
    await p.context().close();
  });

  it('a plain noVNC page connects to /desktops/{id}/ws/websockify and paints the desktop', async () => {
    const p = await open('novnc', { url: `${pc.connection_url.replace(/^https/, 'wss')}/ws/websockify`, password: pc.vnc_password });
    await eventually(() => seen(p), (s) => s.length > 0, 20_000, 'noVNC to connect');
    expect(await seen(p)).toEqual([{ type: 'connect' }]);
    await eventually(() => paintsTheDesktop(p), (ok) => ok, 15_000, 'noVNC to show the desktop');
    await p.screenshot({ path: `${SHOTS}/novnc.png` });
    await p.context().close();
  });

  it('a wrong password is refused in words each viewer shows, then the address is rate-limited', async () => {
    const failure = async (page: 'embed' | 'novnc', password: string) => {
      const p = await open(page, page === 'embed' ? { hostname: pc.hostname, password } : { url: `wss://${pc.hostname}/websockify`, password });
      const s = await eventually(() => seen(p), (e) => e.some((x) => x.type === 'error' || x.type === 'securityfailure'), 20_000, 'a refusal');
      await p.context().close();
      return s.find((x) => x.type === 'error' || x.type === 'securityfailure');
    };
    expect(await failure('embed', 'wrong-password')).toEqual({ type: 'error', detail: 'Security failure: Authentication failed: wrong VNC password' });
    for (let i = 1; i < ATTEMPTS_PER_ADDRESS.limit; i++) {
      expect(await failure('novnc', `wrong-${i}`)).toEqual({ type: 'securityfailure', reason: 'Authentication failed: wrong VNC password' });
    }
    expect((await failure('novnc', pc.vnc_password))?.reason).toMatch(/^Too many attempts, try again in \d+ s$/);
    expect((await failure('embed', pc.vnc_password))?.detail).toMatch(/^Security failure: Too many attempts, try again in \d+ s$/);
  });
});
