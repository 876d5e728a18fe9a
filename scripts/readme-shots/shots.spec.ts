/**
 * Takes the README's newcomer pictures from the real app (browser mode, Debian's Chromium) as a
 * newcomer first meets it: on "This computer", the built-in host the app starts itself, with
 * real desktops: the main window's list, a computer's viewer, the grid, and "Connect to this
 * host". No key is on them: the Connect view is photographed before one is made. PNGs at 1x, one
 * window each, into docs/images.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LOCAL_HOST_PORT } from '../../app/local-host.js';
import type { OrgoClient } from '../../shared/api/client.js';
import { expect, test } from '../../tests/e2e/fixtures.js';
import { openBuiltInApp, openViewer, root, rowOf, type BuiltInApp } from '../../tests/e2e/launch.js';

const OUT = join(root, 'docs', 'images');
const save = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

let opened: BuiltInApp;
let client: OrgoClient;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  mkdirSync(OUT, { recursive: true });
  // The built-in host's own port where it is free, so the Connect picture shows the address a newcomer's app shows.
  opened = await openBuiltInApp(browser, { viewport: { width: 1180, height: 720 }, port: (await portFree(LOCAL_HOST_PORT)) ? LOCAL_HOST_PORT : undefined });
  client = opened.client;
  const research = await client.createWorkspace('research');
  const demos = await client.createWorkspace('demos');
  await client.createComputer({ workspace_id: research.id, name: 'research-1', ram: 4, cpu: 2 });
  await client.createComputer({ workspace_id: research.id, name: 'research-2' });
  await client.createComputer({ workspace_id: demos.id, name: 'demo-1' });
  const stopped = await client.createComputer({ workspace_id: demos.id, name: 'demo-2' });
  await client.stopComputer(stopped.id);
});

test.afterAll(async () => {
  // A signal ends the app, and with it the built-in host it started (its computers stop first).
  await opened?.close();
});

test('the README pictures', async () => {
  test.setTimeout(240_000);
  const { main, context } = opened;
  await expect(rowOf(main, 'research-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(rowOf(main, 'demo-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(rowOf(main, 'demo-2')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await save(main, 'main-window');

  // A terminal and Chromium on the desktop, so the viewer shows a computer at work.
  const id = (await client.listComputers()).find((c) => c.name === 'research-1')!.id;
  const viewer = await openViewer(context, main, 'research-1', { width: 1280, height: 800 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/, { timeout: 30_000 });
  await client.bash(id, 'mkdir -p ~/Desktop && echo "notes for the agent" > ~/Desktop/notes.txt');
  await client.bash(id, `DISPLAY=\${DISPLAY:-:0} setsid xterm -geometry 84x22+240+90 -e bash -c 'uname -sr; echo; ls -l ~/Desktop; echo; exec bash' >/dev/null 2>&1 < /dev/null &`);
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
