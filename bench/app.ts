/**
 * The app, in browser mode, against a real host with real desktops:
 *   launch → computers list visible: the launcher process starts, Chromium starts, the page loads
 *     and shows the list (target ≤ 1.5 s). Peer: the floor of the same shape, a bare Node HTTP
 *     server plus Chromium showing a static page. Once with a fresh Chromium profile each time,
 *     once as a person relaunches: the app window's profile kept from the launch before.
 *   viewer open → first frame: the click on "Open" to desktop pixels in the new window, through
 *     main's VNC relay (target ≤ 500 ms). Peer: noVNC's own way (an unbundled ES-module page, as
 *     its vnc_lite.html, in a new tab) connecting straight to the host's websocket with the password.
 * Both ends are taken inside the pages (the click event's own time, the frame in which the list or
 * the pixels appeared), the same way for ours and the peer, so Playwright's polling is not timed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { OrgoClient } from '../shared/api/client.js';
import { TEST_KEY, tempDataDir } from '../tests/helpers/host.js';
import { startHostProcess } from '../tests/helpers/host-process.js';
import { startLauncher } from '../tests/helpers/launcher.js';
import { printTable } from './stats.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const N_LAUNCH = Number(process.env.BENCH_APP_LAUNCH_N ?? 5);
const N_VIEWER = Number(process.env.BENCH_APP_VIEWER_N ?? 10);
// Local-network-access checks off: the peer's page is answered by Playwright, so Chromium cannot
// tell it came from loopback and would block its websocket to the host. Same flags for both sides.
const CHROMIUM = {
  executablePath: process.env.ORGO_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu', '--disable-features=LocalNetworkAccessChecks'],
};

/**
 * The same first-frame rule as the app's viewer (useRfb.ts): noVNC's canvas is transparent until
 * drawn; each animation frame scales it into one 8x8 willReadFrequently canvas and reads that once.
 */
const FIRST_FRAME_JS = `
(() => {
  const resolve = (t) => (window.__firstFrameAt = t);
  const sample = document.createElement('canvas');
  sample.width = sample.height = 8;
  const sampler = sample.getContext('2d', { willReadFrequently: true });
  const tick = () => {
    const c = document.querySelector('#screen canvas');
    if (c && c.width > 0 && c.height > 0) {
      sampler.clearRect(0, 0, 8, 8);
      sampler.drawImage(c, 0, 0, 8, 8);
      const px = sampler.getImageData(0, 0, 8, 8).data;
      for (let a = 3; a < px.length; a += 4) if (px[a] > 0) return resolve(performance.now());
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/**
 * Marks the frame in which a selector's element first shows, for list-visible on both sides: the
 * animation frame after the DOM mutation that added it (a frame runs only once the page may
 * render, its stylesheets in; the element must have a box then), not the mutation itself, which
 * can come well before anything is drawn.
 */
const SEEN_JS = (selector: string) => `
new MutationObserver((_, o) => {
  if (!document.querySelector(${JSON.stringify(selector)})) return;
  o.disconnect();
  const frame = () => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (el && el.getClientRects().length) window.__seenAt = performance.timeOrigin + performance.now();
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}).observe(document, { subtree: true, childList: true, attributes: true });`;
const ROW = '[data-testid=computer-row]';

/** The launch floor's server: bare Node answering one static element (port 0: any free one). */
async function startBare(port: number): Promise<{ child: ChildProcess; url: string }> {
  const js = `require('http').createServer((q,s)=>s.end('<div id=ok>ready</div>')).listen(${port},'127.0.0.1',function(){console.log('http://127.0.0.1:'+this.address().port+'/')})`;
  const child = spawn(process.execPath, ['-e', js], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((r) => child.stdout!.once('data', (d) => r(String(d).trim())));
  return { child, url };
}

/** Opens url in page; answers when the selector first matched there, on this process' performance.now() clock. */
async function seenAt(page: Page, url: string, selector: string): Promise<number> {
  await page.addInitScript(SEEN_JS(selector));
  await page.goto(url);
  await page.waitForSelector(selector);
  await page.waitForFunction('window.__seenAt !== undefined');
  return ((await page.evaluate('window.__seenAt')) as number) - performance.timeOrigin;
}

/** The click's own time on the main page: what the person did, not when Playwright returned. */
const CLICK_JS = `document.addEventListener('click', (e) => (window.__clickAt = performance.timeOrigin + e.timeStamp), true);`;

/**
 * The peer's page and noVNC's modules, served at the host's own origin (Playwright answers those
 * requests; the host never sees them), so the host's Origin check lets noVNC in as it would a
 * page of its own.
 */
async function routePeer(context: BrowserContext, hostUrl: string): Promise<void> {
  const novnc = join(root, 'node_modules', '@novnc', 'novnc');
  await context.route(`${hostUrl}/__peer/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/__peer/vnc.html') {
      return route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>noVNC</title><style>html,body,#screen{margin:0;height:100%}</style><div id="screen"></div>
<script type="module">
import RFB from '/__peer/novnc/core/rfb.js';
${FIRST_FRAME_JS}
const p = new URLSearchParams(location.search);
const rfb = new RFB(document.getElementById('screen'), p.get('ws'), { credentials: { password: p.get('password') } });
rfb.scaleViewport = true;
</script>`,
      });
    }
    const file = join(novnc, url.pathname.slice('/__peer/novnc/'.length));
    if (!file.startsWith(novnc) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream', body: readFileSync(file) });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

export async function run(): Promise<void> {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-app.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the app failed');
  const dataDir = tempDataDir('orgo-bench-app-');
  const appHome = mkdtempSync('/tmp/orgo-bench-home-');
  // The host in its own process, as a person's would be (not sharing this process' event loop).
  const host = await startHostProcess(dataDir);
  const client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  // The environment profile: no keychain or login in the timed path.
  const env = { ORGO_DESKTOP_HOME: appHome, ORGO_API_BASE_URL: `${host.url}/api`, ORGO_API_KEY: TEST_KEY, ORGO_LOCAL_HOST_PORT: '17997', ORGO_LOG_LEVEL: 'warn' };
  const launch = { ours: [] as number[], peer: [] as number[], server: [] as number[], browser: [] as number[], page: [] as number[] };
  const viewer = { ours: [] as number[], peer: [] as number[] };
  const relaunch = { ours: [] as number[], peer: [] as number[] };
  let browser: Browser | null = null;
  let launcher: ChildProcess | null = null;
  try {
    const ws = await client.createWorkspace('bench');
    const computers = [await client.createComputer({ workspace_id: ws.id, name: 'bench-a' }), await client.createComputer({ workspace_id: ws.id, name: 'bench-b' })];

    // Launch → list visible, interleaved with the floor so both see the same machine.
    for (let i = 0; i < N_LAUNCH; i++) {
      const t0 = performance.now();
      const l = await startLauncher(env);
      const t1 = performance.now();
      const b = await chromium.launch(CHROMIUM);
      const t2 = performance.now();
      const page = await b.newPage();
      const t3 = await seenAt(page, l.url, ROW);
      launch.ours.push(t3 - t0);
      launch.server.push(t1 - t0);
      launch.browser.push(t2 - t1);
      launch.page.push(t3 - t2);
      await b.close();
      await stop(l.child);

      const p0 = performance.now();
      const { child: bare, url: bareUrl } = await startBare(0);
      const pb = await chromium.launch(CHROMIUM);
      const pp = await pb.newPage();
      launch.peer.push((await seenAt(pp, bareUrl, '#ok')) - p0);
      await pb.close();
      await stop(bare);
    }

    // Relaunch: the app window's Chromium keeps its profile between launches (as browser mode's
    // does, and Electron's); the floor is the bare server on a fixed port with a kept profile too.
    const profiles = { ours: mkdtempSync('/tmp/orgo-bench-profile-'), peer: mkdtempSync('/tmp/orgo-bench-profile-') };
    for (let i = 0; i <= N_LAUNCH; i++) {
      // The first of each is the profile's first launch: not timed.
      const t0 = performance.now();
      const l = await startLauncher(env);
      const oc = await chromium.launchPersistentContext(profiles.ours, CHROMIUM);
      const op = oc.pages()[0] ?? (await oc.newPage());
      const seen = await seenAt(op, l.url, ROW);
      if (i) relaunch.ours.push(seen - t0);
      await oc.close();
      await stop(l.child);

      const p0 = performance.now();
      const { child: bare, url: bareUrl } = await startBare(17393);
      const pc = await chromium.launchPersistentContext(profiles.peer, CHROMIUM);
      const pp = pc.pages()[0] ?? (await pc.newPage());
      const peerSeen = await seenAt(pp, bareUrl, '#ok');
      if (i) relaunch.peer.push(peerSeen - p0);
      await pc.close();
      await stop(bare);
    }
    for (const d of Object.values(profiles)) rmSync(d, { recursive: true, force: true });

    // Viewer open → first frame, one app and browser kept open, as a person would have it.
    const l = await startLauncher(env);
    launcher = l.child;
    browser = await chromium.launch(CHROMIUM);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await routePeer(context, host.url);
    const main = await context.newPage();
    await main.addInitScript(CLICK_JS);
    await main.goto(l.url);
    await main.waitForSelector('[data-testid=computer-row][data-status=running]');
    const rows = main.locator('[data-testid=computer-row]');
    const epoch = (page: Page, expr: string) => page.evaluate(`performance.timeOrigin + (${expr})`) as Promise<number>;
    for (let i = 0; i < N_VIEWER; i++) {
      const [viewerPage] = await Promise.all([context.waitForEvent('page'), rows.nth(i % 2).getByTestId('open-viewer').click()]);
      await viewerPage.waitForSelector('[data-first-frame]');
      const clickAt = (await main.evaluate('window.__clickAt')) as number;
      const frameAt = await epoch(viewerPage, `Number(document.querySelector('[data-first-frame]').dataset.firstFrame)`);
      viewer.ours.push(frameAt - clickAt);
      await viewerPage.close();

      const c = computers[i % 2]!;
      const wsUrl = `${c.connection_url.replace(/^http/, 'ws')}/ws/websockify?token=${encodeURIComponent(c.vnc_password)}`;
      // A new tab is part of the peer's path, as a new window is part of ours.
      const p0 = performance.timeOrigin + performance.now();
      const peerPage: Page = await context.newPage();
      await peerPage.goto(`${host.url}/__peer/vnc.html?ws=${encodeURIComponent(wsUrl)}&password=${encodeURIComponent(c.vnc_password)}`);
      // Page code as a string: this file is type-checked without the DOM's types.
      await peerPage.waitForFunction('window.__firstFrameAt !== undefined', undefined, { timeout: 20_000 });
      viewer.peer.push((await epoch(peerPage, 'window.__firstFrameAt')) - p0);
      await peerPage.close();
    }

    // Other work on the machine moves these numbers a lot (Chromium's own start among them).
    const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
    printTable(`app in browser mode (n=${N_LAUNCH} launches, ${N_VIEWER} viewers; this machine: 2 cores, load average ${load})`, [
      { what: 'launch → computers list visible', ours: launch.ours, peer: launch.peer, peerName: 'bare Node server + Chromium, static page', target: '≤ 1500 ms' },
      { what: '  of which: launcher ready (URL printed)', ours: launch.server },
      { what: '  of which: Chromium started', ours: launch.browser },
      { what: '  of which: page → list visible', ours: launch.page },
      { what: 'relaunch → computers list visible (Chromium profile kept)', ours: relaunch.ours, peer: relaunch.peer, peerName: 'the same floor, its profile kept', target: '≤ 1500 ms' },
      { what: 'viewer open → first frame', ours: viewer.ours, peer: viewer.peer, peerName: 'noVNC page in a new tab, direct to host (no relay, no app)', target: '≤ 500 ms' },
    ]);
  } finally {
    await browser?.close();
    if (launcher) await stop(launcher);
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(appHome, { recursive: true, force: true });
  }
}
