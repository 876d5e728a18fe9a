/**
 * The same path in Electron, driven by Playwright's _electron: sign in by device code, create a
 * computer, view it, click in it, a second viewer, the grid, stop from the list. It runs where
 * Electron's binary exists; where it does not (since Electron 42 an install never downloads it;
 * these machines cannot) it reports itself as not run, with the reason. Browser mode (app.spec.ts)
 * covers the path there.
 */
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { startKeyring, type Keyring } from '../helpers/keyring.js';
import { root, shooter, rowOf } from './launch.js';
import { expect, test } from './fixtures.js';

function electronBinary(): { path: string | null; reason: string } {
  // Since Electron 42, require('electron') tries a download when none happened yet (path.txt is
  // written by one): not from a test run.
  const pathTxt = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathTxt) && !process.env.ELECTRON_OVERRIDE_DIST_PATH) return { path: null, reason: 'never downloaded (no node_modules/electron/path.txt)' };
  try {
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    return existsSync(p) ? { path: p, reason: '' } : { path: null, reason: `${p} does not exist` };
  } catch (e) {
    return { path: null, reason: (e as Error).message.split('\n')[0]! };
  }
}

const bin = electronBinary();

test.describe('Electron', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!bin.path, `not run: Electron's binary is absent (${bin.reason}); browser mode covers this path in app.spec.ts`);

  let host: TestHost;
  let keyring: Keyring;
  let home: string;
  let app: ElectronApplication;
  let main: Page;
  const shot = shooter('electron');
  const row = (name: string) => rowOf(main, name);

  test.beforeAll(async ({ consoleRegistry }) => {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('electron-vite build failed');
    host = await startTestHost();
    keyring = await startKeyring();
    home = mkdtempSync('/tmp/orgo-e2e-electron-');
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(join(home, 'config', 'profiles.json'), JSON.stringify({ active: 'cloud' }));
    app = await electron.launch({
      executablePath: bin.path!,
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, ...keyring.env, ORGO_DESKTOP_HOME: home, ORGO_LOCAL_HOST_PORT: '17998' },
    });
    await consoleRegistry.watch(app.context());
    main = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    await keyring?.close();
    await host?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('the page holds no Node, only the named functions of the contract', async () => {
    const page = await main.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown> & { orgo: Record<string, unknown> };
      return { require: typeof g.require, process: typeof g.process, ipc: typeof g.ipcRenderer, orgo: Object.keys(g.orgo).sort() };
    });
    expect(page).toMatchObject({ require: 'undefined', process: 'undefined', ipc: 'undefined' });
    expect(page.orgo).toEqual(expect.arrayContaining(['computers', 'login', 'viewer', 'on']));
    // A page of ours cannot open windows or leave the app.
    await main.evaluate(() => void window.open('https://example.com/'));
    await main.waitForTimeout(300);
    expect(app.windows()).toHaveLength(1);
  });

  test('signs in by device code', async ({ browser }) => {
    await expect(main.getByRole('heading', { name: 'Sign in to Orgo cloud' })).toBeVisible();
    await main.getByTestId('profile-switcher').click();
    await main.getByTestId('add-profile').click();
    await main.getByLabel('Address').fill(host.host.url);
    await main.getByLabel('Profile name').fill('Test host');
    await main.getByTestId('add-profile-submit').click();
    await main.getByTestId('sign-in-code').click();
    const code = (await main.getByTestId('user-code').textContent())!.trim();
    await shot(main, 'device-code');
    // Electron hands the page to the system browser; the test plays that browser.
    const page = await browser.newPage();
    await page.goto(`${host.host.url}/device?user_code=${code}`);
    await page.getByLabel('Owner API key').fill(TEST_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('[data-code]')).toHaveText(code);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: 'Device approved' })).toBeVisible();
    await page.close();
    await expect(main.getByTestId('empty-state')).toBeVisible({ timeout: 20_000 });
    await expect(main.getByText('Key in keychain')).toBeVisible();
  });

  test('creates a computer, views it and clicks in it', async () => {
    await main.getByTestId('new-computer').click();
    await main.getByLabel('Name', { exact: true }).fill('el-one');
    await main.getByTestId('create-submit').click();
    await expect(row('el-one')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
    await shot(main, 'list');
    const [viewer] = await Promise.all([app.waitForEvent('window'), row('el-one').getByTestId('open-viewer').click()]);
    await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
    const computer = (await host.client.listComputers()).find((c) => c.name === 'el-one')!;
    const box = (await viewer.locator('[data-testid=viewer-screen] canvas').boundingBox())!;
    const before = await host.client.screenshotBytes(computer.id);
    await viewer.mouse.click(box.x + (300 / 1280) * box.width, box.y + (200 / 720) * box.height, { button: 'right' });
    await expect.poll(async () => Buffer.compare(Buffer.from(await host.client.screenshotBytes(computer.id)), Buffer.from(before)) !== 0).toBe(true);
    await shot(viewer, 'viewer');
    await viewer.keyboard.press('Escape');
  });

  test('a second viewer, the grid, and stop from the list', async () => {
    const ws = (await host.client.listWorkspaces())[0]!;
    await host.client.createComputer({ workspace_id: ws.id, name: 'el-two' });
    await expect(row('el-two')).toHaveAttribute('data-status', 'running');
    const [second] = await Promise.all([app.waitForEvent('window'), row('el-two').getByTestId('open-viewer').click()]);
    await expect(second.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
    await shot(second, 'viewer-two');
    const [grid] = await Promise.all([app.waitForEvent('window'), main.getByTestId('open-grid').click()]);
    await expect(grid.locator('.tile-canvas[data-first-frame]')).toHaveCount(2);
    await shot(grid, 'grid');
    await row('el-two').getByTestId('stop').click();
    await expect(row('el-two')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
    await expect(second.getByRole('heading', { name: '“el-two” is stopped' })).toBeVisible();
    await shot(main, 'after-stop');
  });
});
