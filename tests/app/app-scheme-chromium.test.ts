/**
 * The packaged app's pages as the app:// scheme serves them, in Chromium, with the shipped preload
 * in front (tests/helpers/electron-page.ts) and main's real IPC door against a real host with a
 * real desktop: the list renders and a viewer paints its first frame, with no console error, no
 * failed request and no CSP violation. Screenshots: test-results/app-scheme-{list,viewer}.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchTestChromium } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc/channels.js';
import { projectRoot, startTestApp, type TestApp } from '../helpers/app.js';
import { electronRendererDir, ensureElectronBuilt } from '../helpers/electron-build.js';
import { electronWindows, serveAppScheme, type ElectronWindows } from '../helpers/electron-page.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let app: TestApp;
let served: Awaited<ReturnType<typeof serveAppScheme>>;
let browser: Browser;
let wins: ElectronWindows;
let computerId: string;
const shots = join(projectRoot, 'test-results');
// What the page-side functions below touch (they run in Chromium; the node config has no DOM types).
declare const window: Record<string, unknown>;
declare const document: {
  addEventListener(type: 'securitypolicyviolation', l: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number; columnNumber: number }) => void): void;
  createElement(tag: 'script'): { textContent: string };
  body: { append(node: unknown): void };
};

beforeAll(async () => {
  ensureElectronBuilt(projectRoot);
  t = await startTestHost();
  app = startTestApp({ host: t });
  // As Electron's main does: the loopback gate (VNC and channel relays) on its own port.
  await app.services.gate.listen();
  const ws = await t.client.createWorkspace('scheme');
  computerId = (await t.client.createComputer({ workspace_id: ws.id, name: 'scheme-1' })).id;
  served = await serveAppScheme(electronRendererDir(projectRoot));
  browser = await launchTestChromium();
  const context = await browser.newContext({ viewport: { width: 1180, height: 780 } });
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
  });
  wins = await electronWindows(context, served, app.services, projectRoot);
  mkdirSync(shots, { recursive: true });
}, 180_000);
afterAll(async () => {
  wins?.close();
  await browser?.close();
  await served?.close();
  app?.close();
  await t?.close();
});

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

describe('the pages through app://', () => {
  it('the main window lists the computers, with no console error, failed request or CSP violation', async () => {
    const { page, problems } = await wins.open('index.html#/');
    await page.waitForSelector('[data-testid=computer-row][data-name="scheme-1"]', { timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\n${problems.join('\n')}`);
    });
    await page.waitForTimeout(500); // late errors (effects after the first paint)
    await page.screenshot({ path: join(shots, 'app-scheme-list.png') });
    expect(problems).toEqual([]);
    expect(await violations(page)).toEqual([]);
    // The preload exposed what it says and nothing else: the contract's namespaces and the drop helper.
    const surface = await page.evaluate(() => {
      const w = window as unknown as { __orgoExposed: string[]; orgo: Record<string, unknown>; orgoFiles: Record<string, unknown> };
      return { exposed: w.__orgoExposed, orgo: Object.keys(w.orgo).sort(), files: Object.keys(w.orgoFiles), hasIpc: 'ipcRenderer' in window || 'require' in window };
    });
    expect(surface).toEqual({ exposed: ['orgo', 'orgoFiles'], orgo: [...new Set([...CHANNELS.map((c) => c.split('.')[0]!), 'on'])].sort(), files: ['pathFor'], hasIpc: false });
    await page.close();
  }, 60_000);

  it('a viewer paints the desktop through main\'s loopback relay, within the CSP', async () => {
    const { page, problems } = await wins.open(`viewer.html#/viewer/${encodeURIComponent(computerId)}`);
    await page.waitForSelector('[data-testid=viewer-screen][data-first-frame]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=conn-state][data-state=connected]', { timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(shots, 'app-scheme-viewer.png') });
    expect(problems).toEqual([]);
    expect(await violations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('the CSP bites: a page of the scheme cannot reach another origin or run inline script', async () => {
    const { page } = await wins.open('index.html#/');
    await page.waitForSelector('[data-testid=computer-row]', { timeout: 30_000 });
    const blocked = await page.evaluate(async () => {
      const out: string[] = [];
      try {
        await fetch('http://example.invalid/');
        out.push('fetch went out');
      } catch {
        out.push('fetch blocked');
      }
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      out.push((window as unknown as { __inline?: number }).__inline ? 'inline ran' : 'inline blocked');
      return out;
    });
    expect(blocked).toEqual(['fetch blocked', 'inline blocked']);
    expect((await violations(page)).map((v) => v.split(' ')[0])).toEqual(['connect-src', 'script-src-elem']);
    await page.close();
  }, 60_000);
});
