/**
 * The app tells the truth about its host, in browser mode against a real host with real desktops:
 * a restart shows its progress on the row and in the viewer; the host status box (browser mode's
 * tray) says the host answers and stops all computers after asking how many; and when the host
 * stops answering, a banner says so, rows show "Unknown" instead of "Running", the viewer and its
 * activity feed say it, and all of it clears by itself once the host is back.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { type LaunchedApp, shooter, rowOf, openBrowserApp } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

let host: TestHost;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let viewer: Page;
let first: Computer;

const shot = shooter('host');
const row = (name: string) => rowOf(main, name);

test.beforeAll(async ({ browser }) => {
  host = await startTestHost();
  const ws = await host.client.createWorkspace('host-truth');
  first = await host.client.createComputer({ workspace_id: ws.id, name: 'steady-1' });
  await host.client.createComputer({ workspace_id: ws.id, name: 'steady-2' });
  ({ app, context, main } = await openBrowserApp(browser, host.api));
  await expect(row('steady-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(row('steady-2')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
});

test('a restart shows its progress on the row and in the viewer', async () => {
  [viewer] = await Promise.all([context.waitForEvent('page'), row('steady-1').getByTestId('open-viewer').click()]);
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d+/, { timeout: 30_000 });
  // Every status the row shows, as it shows it (polling would miss a short one).
  await main.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const el = document.querySelector('[data-testid=computer-row][data-name="steady-1"]')!;
    new MutationObserver(() => {
      const s = el.getAttribute('data-status')!;
      if (seen.at(-1) !== s) seen.push(s);
    }).observe(el, { attributes: true, attributeFilter: ['data-status'] });
  });
  await row('steady-1').getByRole('button', { name: 'Restart' }).click();
  // How long each phase lasts is the machine's business; what it shows while it lasts is ours.
  await expect.poll(() => main.evaluate(() => (window as unknown as { seen: string[] }).seen.length)).toBeGreaterThan(0);
  await shot(main, 'restart-row');
  await shot(viewer, 'restart-viewer');
  await expect.poll(() => main.evaluate(() => (window as unknown as { seen: string[] }).seen.at(-1)), { timeout: 60_000 }).toBe('running');
  const seen = await main.evaluate(() => (window as unknown as { seen: string[] }).seen);
  // It shows the restart from the click (restarting: stopping, then starting) and never
  // claims "running" half-way: once it says running, the restart is over.
  expect(seen[0]).toBe('restarting');
  expect(seen.slice(0, -1).every((x) => x === 'restarting' || x === 'starting')).toBe(true);
  expect(seen.at(-1)).toBe('running');
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d+/, { timeout: 30_000 });
  await expect(viewer.locator('.viewer-overlay')).toHaveCount(0, { timeout: 30_000 });
});

test('the host status box says the host answers and stops all computers after saying how many', async () => {
  const status = main.getByTestId('host-status');
  await expect(status.getByTestId('host-state')).toHaveText('Host answering');
  await expect(status.getByTestId('host-running')).toHaveText('2 of 2 computers running');
  await status.getByTestId('stop-all').click();
  const dialog = main.getByRole('dialog');
  await expect(dialog).toContainText('Stop all 2 running computers?');
  await shot(main, 'stop-all-question');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // Asking stopped nothing.
  expect((await host.client.listComputers()).map((c) => c.status)).toEqual(['running', 'running']);
  await status.getByTestId('stop-all').click();
  await main.getByRole('button', { name: 'Stop 2 running computers' }).click();
  await expect(main.locator('.toast', { hasText: 'Stopped 2 computers.' })).toBeVisible({ timeout: 60_000 });
  await expect(row('steady-1')).toHaveAttribute('data-status', 'stopped');
  await expect(row('steady-2')).toHaveAttribute('data-status', 'stopped');
  await expect(status.getByTestId('host-running')).toHaveText('0 of 2 computers running');
  await expect(status.getByTestId('stop-all')).toBeDisabled();
  expect((await host.client.listComputers()).map((c) => c.status)).toEqual(['stopped', 'stopped']);
  await shot(main, 'stop-all-done');
  // The next test needs a running desktop in the viewer.
  await host.client.startComputer(first.id);
  await expect(row('steady-1')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d+/, { timeout: 30_000 });
});

test('the host stops answering: a banner, unknown rows, the viewer and its activity feed say so; it all clears when it is back', async ({ consoleWatch }) => {
  // noVNC logs its refused reconnects (the host was gone on purpose; the viewer says so in words): nothing else.
  consoleWatch.allow(/^\/viewer\.html: Failed when connecting: Security negotiation failed on no security types \(reason: /);
  await viewer.getByTestId('panel-activity').click();
  const port = host.host.port;
  await host.host.close();
  const banner = main.getByTestId('host-banner');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText(`The host at http://127.0.0.1:${port} stopped answering`);
  await expect(banner).toContainText('nothing answers at that address (connection refused)');
  await expect(row('steady-1')).toHaveAttribute('data-status', 'unknown');
  await expect(row('steady-1').locator('.pill')).toHaveText('Unknown');
  await expect(row('steady-2')).toHaveAttribute('data-status', 'unknown');
  await expect(main.getByTestId('host-state')).toHaveText('Host not answering');
  await expect(viewer.getByTestId('viewer-host-down')).toContainText('The host of “steady-1” does not answer');
  await expect(viewer.locator('[data-testid=activity-host][data-kind=down]')).toContainText(`The host at http://127.0.0.1:${port} stopped answering`);
  await shot(main, 'down-main');
  await shot(viewer, 'down-viewer');

  await host.restart();
  await expect(banner).toBeHidden({ timeout: 30_000 });
  await expect(main.getByTestId('host-state')).toHaveText('Host answering');
  // The computer that ran comes back with its host; the stopped one stays stopped.
  await expect(row('steady-1')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(row('steady-2')).toHaveAttribute('data-status', 'stopped');
  await expect(viewer.locator('[data-testid=activity-host][data-kind=back]')).toContainText('The host answers again');
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d+/, { timeout: 30_000 });
  await expect(viewer.locator('.viewer-overlay')).toHaveCount(0, { timeout: 30_000 });
  await shot(main, 'back-main');
  await shot(viewer, 'back-viewer');
});
