/**
 * The whole path a person takes, in browser mode against a real host with real desktops:
 * sign in by device code (approved on the host's page in a second window), create a computer
 * and see it running, open its viewer and see the desktop, click in it and see the effect
 * through the screenshot API, open a second viewer at once, use the grid, stop a computer from
 * the list. Every window is photographed into test-results/e2e-screenshots.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '../helpers/png.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { launchBrowserMode, type LaunchedApp, shooter, rowOf } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

let host: TestHost;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
const viewers: Page[] = [];

const shot = shooter('browser');
const row = (name: string) => rowOf(main, name);

/** Console warnings of each window the app opened, from its first line. */
const warnings = new Map<Page, string[]>();

/** A new window the app opens (viewer, grid, approval page). */
async function nextWindow(action: () => Promise<unknown>): Promise<Page> {
  const [page] = await Promise.all([
    context.waitForEvent('page').then((p) => {
      const seen: string[] = [];
      warnings.set(p, seen);
      p.on('console', (m) => m.type() === 'warning' && seen.push(m.text()));
      return p;
    }),
    action(),
  ]);
  await page.waitForLoadState();
  return page;
}

/** Share of pixels in a region of a screenshot that are light (a menu, not the dark desktop). */
function lightShare(png: Uint8Array, x0: number, y0: number, x1: number, y1: number): number {
  const img = decodePng(png);
  let light = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      if (img.rgb[i]! > 200 && img.rgb[i + 1]! > 200 && img.rgb[i + 2]! > 200) light++;
    }
  return light / ((x1 - x0) * (y1 - y0));
}

test.beforeAll(async ({ browser }) => {
  host = await startTestHost();
  // Start on Orgo cloud (not signed in) so the app does not start a built-in host of its own.
  app = await launchBrowserMode({ profiles: { active: 'cloud' } });
  context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  main = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
});

test('signs in to a host by device code, approved on its page', async () => {
  await main.goto(app.url);
  await expect(main.getByRole('heading', { name: 'Sign in to Orgo cloud' })).toBeVisible();
  expect(new URL(main.url()).search).toBe(''); // the launch token left the address bar

  await main.getByTestId('profile-switcher').click();
  await main.getByTestId('add-profile').click();
  await main.getByLabel('Address').fill(host.host.url);
  await main.getByLabel('Profile name').fill('Test host');
  await shot(main, 'add-server');
  await main.getByTestId('add-profile-submit').click();
  await expect(main.getByRole('heading', { name: 'Sign in to Test host' })).toBeVisible();
  await shot(main, 'sign-in');

  const approval = await nextWindow(() => main.getByTestId('sign-in-code').click());
  const code = (await main.getByTestId('user-code').textContent())!.trim();
  expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
  await expect(main.getByTestId('login-status')).toContainText('Waiting for approval');
  await shot(main, 'device-code');

  expect(approval.url()).toBe(`${host.host.url}/device?user_code=${code}`);
  await approval.getByLabel('Owner API key').fill(TEST_KEY);
  await shot(approval, 'approval-sign-in');
  await approval.getByRole('button', { name: 'Sign in' }).click();
  await expect(approval.getByRole('heading', { name: 'Approve this device?' })).toBeVisible();
  await expect(approval.locator('[data-code]')).toHaveText(code);
  await shot(approval, 'approval-confirm');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(approval.getByRole('heading', { name: 'Device approved' })).toBeVisible();
  await shot(approval, 'approval-done');
  await approval.close();

  // The app polls at the server's interval (5 s) and signs in by itself.
  await expect(main.getByTestId('empty-state')).toBeVisible({ timeout: 20_000 });
  await expect(main.getByText('Key in keychain')).toBeVisible();
  await expect(main.getByTestId('keychain-banner')).toHaveCount(0);
  await shot(main, 'signed-in-empty');
});

test('creates a computer and sees it running in the list', async () => {
  await main.getByTestId('new-computer').click();
  await main.getByLabel('Name', { exact: true }).fill('e2e-one');
  await shot(main, 'create-dialog');
  await main.getByTestId('create-submit').click();
  await expect(row('e2e-one')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(main.getByTestId('summary')).toHaveText('1 running · 1 in total');
  await shot(main, 'list-running');
});

test('opens the viewer and sees the desktop in the canvas', async () => {
  const viewer = await nextWindow(() => row('e2e-one').getByTestId('open-viewer').click());
  viewers.push(viewer);
  await viewer.setViewportSize({ width: 1280, height: 800 });
  await expect(viewer.getByTestId('conn-state')).toHaveAttribute('data-state', 'connected');
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
  // Watching for the first frame read the canvas without Chromium's "Multiple readback
  // operations using getImageData" warning (one read of a small willReadFrequently canvas a check).
  expect(warnings.get(viewer)!.filter((w) => /getImageData|willReadFrequently/.test(w))).toEqual([]);
  const canvas = await viewer.evaluate(() => {
    const c = document.querySelector('[data-testid=viewer-screen] canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < d.length; i += 4 * 97) {
      if (d[i + 3] === 255) opaque++;
      colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    }
    return { width: c.width, height: c.height, opaque, samples: Math.ceil(d.length / (4 * 97)), colours: colours.size };
  });
  expect(canvas).toMatchObject({ width: 1280, height: 720 });
  expect(canvas.opaque).toBe(canvas.samples); // every sampled pixel drawn
  expect(canvas.colours).toBeGreaterThan(2); // background, panel, icons: a desktop, not a blank
  // The page never saw a password or key.
  const html = await viewer.content();
  const computer = (await host.client.listComputers()).find((c) => c.name === 'e2e-one')!;
  expect(html).not.toContain(computer.vnc_password);
  expect(html).not.toContain(TEST_KEY);
  await shot(viewer, 'viewer-one');
});

test('a click in the canvas reaches the computer (seen through the screenshot API)', async () => {
  const viewer = viewers[0]!;
  const computer = (await host.client.listComputers()).find((c) => c.name === 'e2e-one')!;
  const region = [302, 202, 400, 320] as const;
  expect(lightShare(await host.client.screenshotBytes(computer.id), ...region)).toBeLessThan(0.1);
  // Scale mode: canvas pixels map to the remote screen by the canvas' displayed size.
  const box = (await viewer.locator('[data-testid=viewer-screen] canvas').boundingBox())!;
  const at = { x: box.x + (300 / 1280) * box.width, y: box.y + (200 / 720) * box.height };
  await viewer.mouse.click(at.x, at.y, { button: 'right' });
  // The desktop's right-click menu opens where we clicked.
  await expect.poll(async () => lightShare(await host.client.screenshotBytes(computer.id), ...region), { timeout: 10_000 }).toBeGreaterThan(0.5);
  await viewer.waitForTimeout(300);
  await shot(viewer, 'viewer-menu-open');
  await viewer.keyboard.press('Escape');
});

test('saves a screenshot from the toolbar', async () => {
  const viewer = viewers[0]!;
  await viewer.getByTestId('screenshot').click();
  await expect(viewer.getByText('Screenshot saved')).toBeVisible();
  const dir = join(app.home, 'screenshots');
  expect(existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('e2e-one ') && f.endsWith('.png'))).toBe(true);
  await shot(viewer, 'viewer-screenshot-saved');
});

test('opens a second viewer at the same time', async () => {
  const ws = (await host.client.listWorkspaces())[0]!;
  await host.client.createComputer({ workspace_id: ws.id, name: 'e2e-two', resolution: '1024x768x24' });
  await expect(row('e2e-two')).toHaveAttribute('data-status', 'running');
  const second = await nextWindow(() => row('e2e-two').getByTestId('open-viewer').click());
  viewers.push(second);
  await second.setViewportSize({ width: 1100, height: 860 });
  await expect(second.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
  expect(warnings.get(second)!.filter((w) => /getImageData|willReadFrequently/.test(w))).toEqual([]);
  expect(await second.evaluate(() => (document.querySelector('[data-testid=viewer-screen] canvas') as HTMLCanvasElement).width)).toBe(1024);
  // Both stay connected.
  for (const v of viewers) await expect(v.getByTestId('conn-state')).toHaveAttribute('data-state', 'connected');
  await shot(second, 'viewer-two');
  // Opening the same computer again focuses its window rather than opening another.
  const before = context.pages().length;
  await row('e2e-two').getByTestId('open-viewer').click();
  await main.waitForTimeout(500);
  expect(context.pages().length).toBe(before);
});

test('shows every running computer live in the grid', async () => {
  const grid = await nextWindow(() => main.getByTestId('open-grid').click());
  await grid.setViewportSize({ width: 1240, height: 820 });
  await expect(grid.getByTestId('grid-tile')).toHaveCount(2);
  await expect(grid.locator('.tile-canvas[data-first-frame]')).toHaveCount(2);
  await shot(grid, 'grid');
  await grid.close();
});

test('stops a computer from the list; its viewer says so', async () => {
  await row('e2e-two').getByTestId('stop').click();
  await expect(row('e2e-two')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await expect(main.getByTestId('summary')).toHaveText('1 running · 2 in total');
  expect((await host.client.listComputers()).find((c) => c.name === 'e2e-two')!.status).toBe('stopped');
  await shot(main, 'list-after-stop');
  const second = viewers[1]!;
  await expect(second.getByRole('heading', { name: '“e2e-two” is stopped' })).toBeVisible();
  await shot(second, 'viewer-two-stopped');
});

test('shows API errors in words', async () => {
  // A workspace removed behind the app's back: creating a computer there fails, and the dialog says why.
  const doomed = await host.client.createWorkspace('doomed');
  await main.getByTestId('new-computer').click();
  await expect(main.getByLabel('Workspace').locator('option', { hasText: 'doomed' })).toHaveCount(1);
  await main.getByLabel('Workspace').selectOption({ label: 'doomed' });
  await host.client.deleteWorkspace(doomed.id);
  await main.getByTestId('create-submit').click();
  await expect(main.getByRole('alert')).toHaveText(/^Could not create “.+”: Workspace not found$/);
  await shot(main, 'create-error');
  await main.getByRole('button', { name: 'Cancel' }).click();
});
