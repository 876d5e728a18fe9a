/**
 * Starts Orgo Desktop in browser mode as a user's session would have it: its own process, its
 * own home, and a real gnome-keyring on its own D-Bus session (dbus-run-session), so keys land
 * in a real Secret Service. Answers the printed address; close() ends the whole process group.
 * Also the steps every spec repeats: the app signed in to a test host in its own browser context,
 * a computer's row, its viewer, and screenshots.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { OrgoClient } from '../../shared/api/client.js';
import { eventually, TEST_KEY } from '../helpers/host.js';
import { freePort } from '../helpers/ports.js';
import { hostsOn, mountsUnder } from '../helpers/procs.js';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHOTS = join(root, 'test-results', 'e2e-screenshots');

export interface LaunchedApp {
  url: string;
  home: string;
  output: () => string;
  close(): Promise<void>;
}

/** Builds the renderer and the launcher bundle when their sources changed (once per run in practice). */
export function buildApp(): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-app.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the app failed');
}

export async function launchBrowserMode(options: { profiles?: unknown; env?: NodeJS.ProcessEnv } = {}): Promise<LaunchedApp> {
  buildApp();
  const home = mkdtempSync('/tmp/orgo-e2e-');
  if (options.profiles) {
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'profiles.json'), JSON.stringify(options.profiles));
  }
  const script =
    'printf e2e-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ' +
    'exec node out/browser-mode/cli.mjs --no-open';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: join(home, 'xdg-data'),
      XDG_RUNTIME_DIR: home,
      ORGO_DESKTOP_HOME: home,
      // Never the user's default host port: a stray local host here would be the test's own.
      ORGO_LOCAL_HOST_PORT: '17999',
      DISPLAY: '',
      ...options.env,
    },
  });
  // Whatever ends this test process (a failure, a timeout, Ctrl-C) ends the app with it.
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', killGroup);
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`the app did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        res(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => rej(new Error(`the app exited (${code}):\n${out}`)));
  });
  return {
    url,
    home,
    output: () => out,
    async close() {
      process.off('exit', killGroup);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      // The app stops a built-in host it started (its computers, then their disks) before it
      // exits: give them the time to, then make sure.
      const settled = () => child.exitCode !== null || child.signalCode !== null ? hostsOn(join(home, 'host')).length === 0 : false;
      for (let i = 0; i < 600 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      for (const m of mountsUnder(home).reverse()) spawnSync('umount', ['-l', m]);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `(page, name)` writes test-results/e2e-screenshots/PREFIX-NAME.png, for a person to look at. */
export function shooter(prefix: string): (page: Page, name: string) => Promise<Buffer> {
  mkdirSync(SHOTS, { recursive: true });
  return (page, name) => page.screenshot({ path: join(SHOTS, `${prefix}-${name}.png`) });
}

/** A computer's row in the main window's list. */
export const rowOf = (main: Page, name: string): Locator => main.locator(`[data-testid=computer-row][data-name="${name}"]`);

export interface OpenedApp {
  app: LaunchedApp;
  context: BrowserContext;
  main: Page;
  close(): Promise<void>;
}

/**
 * Browser mode signed in to the host at `apiBase` (its /api) through the environment
 * (ORGO_API_BASE_URL, ORGO_API_KEY: the test host's owner key unless another is given), its main
 * window open in a fresh context of `browser` (so the console watch is on it).
 */
export async function openBrowserApp(
  browser: Browser,
  apiBase: string,
  options: { env?: NodeJS.ProcessEnv; viewport?: { width: number; height: number }; key?: string } = {},
): Promise<OpenedApp> {
  const app = await launchBrowserMode({ env: { ORGO_API_BASE_URL: apiBase, ORGO_API_KEY: options.key ?? TEST_KEY, ...options.env } });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1180, height: 760 } });
  const main = await context.newPage();
  await main.goto(app.url);
  return {
    app,
    context,
    main,
    async close() {
      await context.close();
      await app.close();
    },
  };
}

export interface BuiltInApp extends OpenedApp {
  /** The built-in host's API (its /api), as the app started it, and a client with its owner key. */
  api: string;
  client: OrgoClient;
}

/**
 * Browser mode as a newcomer first meets it: no server in the environment, so the active profile
 * is "This computer" and the app starts its built-in host (on a free port, data under the app's
 * home). close() ends the app by a signal, which stops that host too.
 */
export async function openBuiltInApp(browser: Browser, options: { viewport?: { width: number; height: number }; port?: number } = {}): Promise<BuiltInApp> {
  const port = options.port ?? (await freePort());
  const app = await launchBrowserMode({ env: { ORGO_LOCAL_HOST_PORT: String(port), ORGO_API_BASE_URL: '', ORGO_API_KEY: '', ORGO_PROFILE: '' } });
  const close = async () => {
    await context?.close();
    await app.close();
  };
  let context: BrowserContext | undefined;
  try {
    const url = `http://127.0.0.1:${port}`;
    await eventually(() => fetch(`${url}/health`).then((r) => r.ok, () => false), (ok) => ok, 90_000, 'the built-in host answering');
    const client = new OrgoClient({ baseUrl: `${url}/api`, apiKey: readFileSync(join(app.home, 'host', 'api-key'), 'utf8').trim() });
    context = await browser.newContext({ viewport: options.viewport ?? { width: 1180, height: 760 } });
    const main = await context.newPage();
    await main.goto(app.url);
    return { app, context, main, api: `${url}/api`, client, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Opens `name`'s viewer from its row and answers its window, loaded and at a roomy size. */
export async function openViewer(context: BrowserContext, main: Page, name: string, viewport = { width: 1440, height: 820 }): Promise<Page> {
  await expect(rowOf(main, name)).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  const [viewer] = await Promise.all([context.waitForEvent('page'), rowOf(main, name).getByTestId('open-viewer').click()]);
  await viewer.waitForLoadState();
  await viewer.setViewportSize(viewport);
  return viewer;
}
