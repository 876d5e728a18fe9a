/**
 * Takes the README's newcomer pictures from the real app (browser mode, Debian's Chromium)
 * against a real host with real desktops: the main window's list, a computer's viewer, the grid,
 * and "Connect to this host". No key is on them: the Connect view is photographed before one is
 * made. PNGs at 1x, one window each, into docs/images.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTestHost, type TestHost } from '../../tests/helpers/host.js';
import { expect, test } from '../../tests/e2e/fixtures.js';
import { openBrowserApp, openViewer, root, rowOf, type OpenedApp } from '../../tests/e2e/launch.js';

const OUT = join(root, 'docs', 'images');
const save = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });

let host: TestHost;
let opened: OpenedApp;

test.beforeAll(async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  host = await startTestHost();
  const research = await host.client.createWorkspace('research');
  const demos = await host.client.createWorkspace('demos');
  await host.client.createComputer({ workspace_id: research.id, name: 'research-1', ram: 4, cpu: 2 });
  await host.client.createComputer({ workspace_id: research.id, name: 'research-2' });
  await host.client.createComputer({ workspace_id: demos.id, name: 'demo-1' });
  const stopped = await host.client.createComputer({ workspace_id: demos.id, name: 'demo-2' });
  await host.client.stopComputer(stopped.id);
  opened = await openBrowserApp(browser, host.api, { viewport: { width: 1180, height: 720 } });
});

test.afterAll(async () => {
  await opened?.close();
  await host?.close();
});

test('the README pictures', async () => {
  test.setTimeout(240_000);
  const { main, context } = opened;
  await expect(rowOf(main, 'research-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(rowOf(main, 'demo-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(rowOf(main, 'demo-2')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await save(main, 'main-window');

  // A terminal and Chromium on the desktop, so the viewer shows a computer at work.
  const id = (await host.client.listComputers()).find((c) => c.name === 'research-1')!.id;
  const viewer = await openViewer(context, main, 'research-1', { width: 1280, height: 800 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/, { timeout: 30_000 });
  await host.client.bash(id, 'mkdir -p ~/Desktop && echo "notes for the agent" > ~/Desktop/notes.txt');
  await host.client.bash(id, `DISPLAY=\${DISPLAY:-:0} setsid xterm -geometry 84x22+240+90 -e bash -c 'uname -sr; echo; ls -l ~/Desktop; echo; exec bash' >/dev/null 2>&1 < /dev/null &`);
  await viewer.waitForTimeout(3000);
  await save(viewer, 'viewer');
  await viewer.close();

  const [grid] = await Promise.all([context.waitForEvent('page'), main.getByTestId('open-grid').click()]);
  await grid.waitForLoadState();
  await grid.setViewportSize({ width: 1180, height: 420 });
  await expect(grid.locator('.tile-canvas[data-first-frame]')).toHaveCount(3, { timeout: 30_000 });
  await grid.waitForTimeout(1000);
  await save(grid, 'grid');
  await grid.close();

  await main.getByTestId('open-host-connect').click();
  await main.getByLabel('Key for').selectOption({ label: 'research' });
  await main.getByTestId('connect-tab-python').click();
  await save(main, 'connect');
});
