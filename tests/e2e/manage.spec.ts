/**
 * Managing computers from the app, in browser mode against a real host with real desktops: the
 * limits on a row, resize from its menu with the API's result per field, clone and move; a
 * workspace renamed and deleted (asking first, saying what goes); the viewer's picture quality,
 * remembered per computer; the Stream toggle and the streaming connections in Settings. No window
 * logs a console error or CSP violation.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Computer, Workspace } from '../../shared/api/types.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { type LaunchedApp, shooter, rowOf, openViewer, openBrowserApp } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

let host: TestHost;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let computer: Computer;
let wsA: Workspace;
let wsB: Workspace;

const shot = shooter('manage');
const row = (name: string) => rowOf(main, name);
const limits = (name: string) => row(name).getByTestId('limits');

test.beforeAll(async ({ browser }) => {
  host = await startTestHost();
  wsA = await host.client.createWorkspace('manage-a');
  wsB = await host.client.createWorkspace('manage-b');
  computer = await host.client.createComputer({ workspace_id: wsA.id, name: 'manage-1', cpu: 1, ram: 4, disk_size_gb: 8 });
  ({ app, context, main } = await openBrowserApp(browser, host.api));
  await expect(row('manage-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  for (const c of (await host?.client.listComputers().catch(() => [])) ?? []) await host.client.deleteComputer(c.id).catch(() => {});
  await host?.close();
});

test("a row shows its limits; Resize in its menu shows what the API applied, per field", async () => {
  await expect(limits('manage-1')).toHaveText('1 vCPU4 GB RAM8 GB disk');
  await row('manage-1').getByTestId('computer-menu').click();
  await expect(main.getByRole('menu')).toBeVisible();
  await shot(main, 'menu');
  await main.getByTestId('menu-resize').click();
  const dialog = main.getByRole('dialog', { name: 'Resize “manage-1”' });
  await expect(dialog.getByTestId('resize-why')).toHaveText('Change a value to resize');
  await dialog.getByLabel('Disk').fill('6');
  await expect(dialog.getByTestId('resize-why')).toHaveText('A disk only grows: it is 8 GB now');
  await dialog.getByLabel('vCPUs').selectOption('2');
  await dialog.getByLabel('Disk').fill('12');
  await dialog.getByLabel('Auto-stop').selectOption('30');
  await shot(main, 'resize-dialog');
  await dialog.getByTestId('resize-submit').click();
  const done = main.getByRole('dialog', { name: 'Resized “manage-1”' });
  await expect(done.getByTestId('resize-results')).toBeVisible({ timeout: 60_000 });
  await shot(main, 'resize-results');

  // What the dialog says of each field is what the host now holds.
  const after = await host.client.getComputer(computer.id);
  const outcome = async (field: string) => done.locator(`[data-field=${field}]`).getAttribute('data-outcome');
  const vcpus = await outcome('vcpus');
  expect(vcpus === 'failed' ? after.cpu === 1 : after.cpu === 2, `vcpus ${vcpus}, host has ${after.cpu}`).toBe(true);
  if (vcpus === 'failed') await expect(done.locator('[data-field=vcpus]')).toContainText('Not changed (still 1 vCPU): ');
  else await expect(done.locator('[data-field=vcpus]')).toHaveText('vCPUs2 vCPUs, in effect now');
  const disk = await outcome('disk_size_gb');
  expect(disk === 'failed' ? after.disk_size_gb === 8 : after.disk_size_gb === 12).toBe(true);
  if (disk !== 'failed') await expect(done.locator('[data-field=disk_size_gb]')).toContainText(disk === 'now' ? '12 GB, in effect now' : '12 GB from the next start');
  await expect(done.locator('[data-field=auto_stop_minutes]')).toHaveText('Auto-stopafter 30 idle min, in effect now');
  expect(after.auto_stop_minutes).toBe(30);
  await done.getByTestId('resize-done').click();
  await expect(limits('manage-1')).toHaveText(`${after.cpu} vCPU${after.cpu === 1 ? '' : 's'}${after.ram} GB RAM${after.disk_size_gb} GB disk`);
  await expect(row('manage-1')).toContainText('auto-stop 30 min');
});

test('Clone in the menu makes a running copy named as Orgo names it', async () => {
  await host.client.bash(computer.id, 'echo from-the-source > /home/user/clone-proof.txt');
  await row('manage-1').getByTestId('computer-menu').click();
  await main.getByTestId('menu-clone').click();
  const dialog = main.getByRole('dialog', { name: 'Clone “manage-1”' });
  await expect(dialog.getByLabel('Clone name')).toHaveAttribute('placeholder', 'manage-1 (clone)');
  await shot(main, 'clone-dialog');
  await dialog.getByTestId('clone-submit').click();
  await expect(main.getByText('“manage-1 (clone)” is running')).toBeVisible({ timeout: 90_000 });
  await expect(row('manage-1 (clone)')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  const clone = (await host.client.listComputers()).find((c) => c.name === 'manage-1 (clone)')!;
  expect(clone.workspace_id).toBe(wsA.id);
  expect((await host.client.bash(clone.id, 'cat /home/user/clone-proof.txt')).output.trim()).toBe('from-the-source');
});

test('Move in the menu puts the computer in another workspace', async () => {
  await row('manage-1 (clone)').getByTestId('computer-menu').click();
  await main.getByTestId('menu-move').click();
  const dialog = main.getByRole('dialog', { name: 'Move “manage-1 (clone)”' });
  await expect(dialog.getByLabel('To workspace')).toHaveValue(wsB.id);
  await dialog.getByTestId('move-submit').click();
  await expect(main.getByText('Moved “manage-1 (clone)” to “manage-b”')).toBeVisible();
  await expect(main.locator('.workspace-section', { has: main.getByRole('heading', { name: 'manage-b' }) }).locator('[data-testid=computer-row]')).toHaveAttribute('data-name', 'manage-1 (clone)');
  const moved = (await host.client.listComputers()).find((c) => c.name === 'manage-1 (clone)')!;
  expect(moved.workspace_id).toBe(wsB.id);
});

test('a workspace is renamed, and deleting it asks first and says what goes with it', async () => {
  await main.locator('.nav-item', { hasText: 'manage-b' }).click();
  await main.getByTestId('rename-workspace').click();
  const rename = main.getByRole('dialog', { name: 'Rename “manage-b”' });
  await rename.getByLabel('Workspace name').fill('manage-a');
  await expect(rename.getByTestId('rename-why')).toHaveText('A workspace named “manage-a” already exists');
  await rename.getByLabel('Workspace name').fill('Clones 日本');
  await rename.getByTestId('rename-submit').click();
  await expect(main.locator('.nav-item', { hasText: 'Clones 日本' })).toBeVisible();
  await expect(main.locator('h1')).toHaveText('Clones 日本');
  expect((await host.client.getWorkspace(wsB.id)).name).toBe('Clones 日本');

  await main.getByTestId('delete-workspace').click();
  const del = main.getByRole('dialog', { name: 'Delete “Clones 日本”?' });
  await expect(del.getByTestId('delete-workspace-words')).toHaveText(
    '“Clones 日本” and its 1 computer (stopped and deleted, with everything on their disks) are removed, with the files uploaded to it. This cannot be undone.',
  );
  await shot(main, 'delete-workspace');
  await del.getByRole('button', { name: 'Cancel' }).click();
  expect((await host.client.listWorkspaces()).map((w) => w.id)).toContain(wsB.id);
  await main.getByTestId('delete-workspace').click();
  await main.getByRole('button', { name: 'Delete workspace and 1 computer' }).click();
  await expect(main.getByText('Deleted “Clones 日本”')).toBeVisible({ timeout: 60_000 });
  await expect(main.locator('.nav-item', { hasText: 'Clones 日本' })).toHaveCount(0);
  await expect(main.locator('h1')).toHaveText('Computers');
  expect((await host.client.listWorkspaces()).map((w) => w.id)).not.toContain(wsB.id);
  expect((await host.client.listComputers()).map((c) => c.name)).toEqual(['manage-1']);
});

test("the viewer's picture quality is set from its toolbar and remembered for that computer", async () => {
  const open = async () => {
    const viewer = await openViewer(context, main, 'manage-1');
    await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/, { timeout: 30_000 });
    return viewer;
  };
  let viewer = await open();
  const tool = viewer.getByTestId('picture-tool');
  await expect(tool).toHaveAttribute('data-preset', 'balanced');
  await tool.click();
  await viewer.getByTestId('picture-slow').click();
  await expect(tool).toHaveAttribute('data-quality', '2');
  await expect(tool).toHaveAttribute('data-compression', '9');
  await viewer.getByLabel('Compression').fill('7');
  await expect(viewer.getByTestId('compression-value')).toHaveText('7');
  await shot(viewer, 'picture');
  // The desktop still draws at the new settings (noVNC asked for them on the live connection).
  await expect(viewer.getByTestId('conn-state')).toHaveAttribute('data-state', 'connected');
  await viewer.close();
  const kept = JSON.parse(readFileSync(join(app.home, 'config', 'viewer.json'), 'utf8')) as Record<string, { quality: number; compression: number }>;
  expect(kept[computer.id]).toMatchObject({ quality: 2, compression: 7 });
  viewer = await open();
  await expect(viewer.getByTestId('picture-tool')).toHaveAttribute('data-quality', '2');
  await expect(viewer.getByTestId('picture-tool')).toHaveAttribute('data-compression', '7');
  await expect(viewer.getByTestId('picture-tool')).toHaveAttribute('data-preset', 'custom');

  // Streaming: this host as it is has no streaming routes, and the toggle says so.
  const stream = viewer.getByTestId('stream-toggle');
  await expect(stream).toHaveAttribute('data-status', /unavailable|idle/);
  await stream.click();
  if ((await stream.getAttribute('data-status')) === 'unavailable') {
    await expect(viewer.getByTestId('stream-words')).toHaveText('This host does not offer streaming');
    await expect(viewer.getByTestId('stream-start')).toHaveCount(0);
  }
  await shot(viewer, 'stream');
  await viewer.close();
});

test('Settings lists the streaming connections, or says the host has none to offer', async () => {
  await main.getByTestId('open-settings').click();
  const dialog = main.getByRole('dialog', { name: 'Settings' });
  const has = await fetch(`${host.api}/streaming/connections`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
  if (has.status === 404) {
    await expect(dialog.getByTestId('streaming-unavailable')).toHaveText('This host does not offer streaming: its API has no /streaming/connections');
  } else {
    await expect(dialog.getByTestId('no-connections')).toBeVisible();
  }
  await shot(main, 'settings');
  await dialog.getByRole('button', { name: 'Close' }).click();
});
