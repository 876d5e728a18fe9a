/**
 * The app says what is true, in words, in browser mode against a real host with a real desktop:
 * the create dialog (why Create is off, counts, no silent value changes, errors for people, a new
 * workspace needs a name), "Add a server" (the address checked in words, removing asks first),
 * long names that never overflow, the Files panel (upload button, whose files) and the activity
 * feed (noisy paths hidden, whole text on hover). No window logs a console error or CSP violation.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Computer } from '../../shared/api/types.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { type LaunchedApp, shooter, rowOf, openViewer, openBrowserApp } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

const LONG = 'an-extraordinarily-long-computer-name-that-goes-on-and-on-without-any-break-at-all-x';
let host: TestHost;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let computer: Computer;

const shot = shooter('truth');
const row = (name: string) => rowOf(main, name);

/** Every element inside `selector` stays within the window's width. */
async function fitsWindow(page: Page, selector: string): Promise<void> {
  const over = await page.evaluate((sel) => {
    const w = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll(`${sel}, ${sel} *`))
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.right > w + 1).length;
  }, selector);
  expect(over, `elements of ${selector} past the window's edge`).toBe(0);
}

test.beforeAll(async ({ browser }) => {
  host = await startTestHost();
  const ws = await host.client.createWorkspace('truth');
  computer = await host.client.createComputer({ workspace_id: ws.id, name: 'truth-1' });
  ({ app, context, main } = await openBrowserApp(browser, host.api));
  await expect(row('truth-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
});

test('the create dialog says why Create is off and never changes a value by itself', async () => {
  await main.getByTestId('new-computer').click();
  const submit = main.getByTestId('create-submit');
  await main.getByLabel('Name', { exact: true }).fill('');
  await expect(submit).toBeDisabled();
  await expect(main.getByTestId('create-why')).toHaveText('Give the computer a name');
  await main.getByLabel('Name', { exact: true }).fill('café-日本');
  await expect(main.getByText('7 / 100')).toBeVisible();
  await main.getByLabel('Disk').fill('-5');
  await expect(main.getByLabel('Disk')).toHaveValue('-5');
  await expect(main.getByTestId('create-why')).toHaveText('Disk must be at least 1 GB');
  await expect(submit).toBeDisabled();
  await main.getByLabel('Workspace').selectOption({ label: 'New workspace…' });
  await main.getByLabel('Disk').fill('2048');
  // Every problem is said beside its field; the first one also beside Create.
  await expect(main.locator('.field-problem', { hasText: 'Disk must be at most 1024 GB' })).toBeVisible();
  await expect(main.locator('.field-problem', { hasText: 'Give the new workspace a name' })).toBeVisible();
  await expect(main.getByTestId('create-why')).toHaveText('Give the new workspace a name');
  await shot(main, 'create-dialog-problems');
  await main.getByLabel('Disk').fill('8');
  await expect(main.getByTestId('create-why')).toHaveText('Give the new workspace a name');
  await main.getByLabel('New workspace name').fill('Research');
  await expect(submit).toBeEnabled();
  await expect(main.getByTestId('create-why')).toHaveCount(0);
  await shot(main, 'create-dialog');
  await submit.click();
  await expect(row('café-日本')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  expect((await host.client.listWorkspaces()).map((w) => w.name)).toContain('Research');
});

test('long names never overflow a toast, a dialog or the list', async () => {
  await host.client.createComputer({ workspace_id: computer.workspace_id, name: LONG });
  await expect(row(LONG)).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await fitsWindow(main, '.content');
  await row(LONG).getByRole('button', { name: 'Delete' }).click();
  await expect(main.getByRole('dialog')).toBeVisible();
  await fitsWindow(main, '[role=dialog]');
  await shot(main, 'long-name-dialog');
  await main.getByRole('button', { name: 'Delete computer' }).click();
  await expect(row(LONG)).toHaveCount(0, { timeout: 30_000 });
});

test('"Add a server" checks the address in words; removing a server asks first', async () => {
  await main.getByTestId('profile-switcher').click();
  await main.getByTestId('add-profile').click();
  await main.getByLabel('Address').fill('lab-server:7391');
  await main.getByTestId('add-profile-submit').click();
  await expect(main.getByTestId('address-problem')).toHaveText('Start the address with http:// or https:// (for example https://lab-server:7391)');
  await shot(main, 'add-server-problem');
  await main.getByLabel('Address').fill(host.host.url);
  await main.getByLabel('Profile name').fill('Second door');
  await main.getByTestId('add-profile-submit').click();
  await expect(main.getByTestId('profile-switcher')).toContainText('Second door');
  await main.getByTestId('profile-switcher').click();
  await main.getByTestId('remove-profile').click();
  await expect(main.getByRole('dialog', { name: 'Remove “Second door”?' })).toBeVisible();
  await shot(main, 'remove-server-confirm');
  await main.getByRole('button', { name: 'Cancel' }).click();
  await expect(main.getByTestId('profile-switcher')).toContainText('Second door');
  await main.getByTestId('profile-switcher').click();
  await main.getByTestId('remove-profile').click();
  await main.getByRole('button', { name: 'Remove server' }).click();
  await expect(main.getByTestId('profile-switcher')).not.toContainText('Second door');
  // Back to the profile the environment set up.
  await main.getByTestId('profile-switcher').click();
  await main.getByRole('menuitemradio').filter({ hasText: 'Environment' }).click();
});

test('the Files panel uploads from a picker and says whose files it lists; activity hides noisy paths', async () => {
  await expect(row('truth-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  const viewer = await openViewer(context, main, 'truth-1');
  await viewer.getByTestId('panel-files').click();
  await expect(viewer.getByTestId('files-owner')).toContainText('in workspace “truth”');
  await viewer.getByTestId('upload-input').setInputFiles({ name: 'picked.txt', mimeType: 'text/plain', buffer: Buffer.from('from the picker\n') });
  await expect(viewer.locator('[data-testid=file-row][data-name="picked.txt"]')).toBeVisible({ timeout: 20_000 });
  expect((await host.client.bash(computer.id, 'cat ~/Desktop/picked.txt')).output).toBe('from the picker\n');
  await shot(viewer, 'files-panel');

  await viewer.getByTestId('panel-activity').click();
  await expect(viewer.getByTestId('events-state')).toHaveAttribute('data-state', 'open');
  await host.client.bash(computer.id, 'mkdir -p ~/.cache/noise && for i in 1 2 3; do echo $i > ~/.cache/noise/f$i; done; echo x > ~/Desktop/kept-in-view-with-a-long-name-for-hover.txt');
  const list = viewer.getByTestId('activity-list');
  const kept = list.locator('li[data-type=file_change]', { hasText: 'kept-in-view' }).first();
  await expect(kept).toBeVisible();
  await expect(kept.locator('.ev-text')).toHaveAttribute('title', /\/home\/user\/Desktop\/kept-in-view-with-a-long-name-for-hover\.txt$/);
  await expect(list.locator('li[data-type=file_change]', { hasText: '.cache/noise' })).toHaveCount(0);
  await expect(viewer.getByTestId('noisy-paths')).toContainText(/hide noisy paths \(\d+\)/);
  await shot(viewer, 'activity-noisy-hidden');
  await viewer.getByTestId('noisy-paths').click();
  await expect(list.locator('li[data-type=file_change]', { hasText: '.cache/noise' }).first()).toBeVisible();
  await viewer.close();
});

test("the Connect panel's curl snippet works as shown against this host", async () => {
  const viewer = await openViewer(context, main, 'truth-1');
  await viewer.getByTestId('panel-connect').click();
  await expect(viewer.getByTestId('connect-id')).toHaveText(computer.id);
  await expect(viewer.getByTestId('connect-base')).toHaveText(host.api);
  const curl = (await viewer.getByTestId('connect-code').textContent())!;
  expect(curl).toContain(`${host.api}/computers/${computer.id}/bash`);
  expect(curl).not.toContain(TEST_KEY); // the key stays in the environment
  await shot(viewer, 'connect-panel');
  // Pasted into a shell as it is, with the key in the environment (not spawnSync: the host runs in this process).
  const run = await promisify(execFile)('bash', ['-c', curl], { env: { ...process.env, ORGO_API_KEY: TEST_KEY }, encoding: 'utf8', timeout: 60_000 });
  expect(JSON.parse(run.stdout)).toMatchObject({ success: true, output: expect.stringMatching(/^hello from \S+\n$/) });
  await viewer.getByTestId('connect-tab-python').click();
  await expect(viewer.getByTestId('connect-code')).toContainText(`Computer(computer_id="${computer.id}", base_api_url="${host.api}")`);
  await viewer.close();
});
