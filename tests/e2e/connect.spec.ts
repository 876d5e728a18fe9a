/**
 * "Connect to this host", in browser mode against a real host with real desktops: the view
 * shows the host's address, mints a key (for one workspace, or account-wide) shown once, and its
 * four snippets, read from the window as a person would copy them, run as shown with that key:
 * curl and the orgo CLI in bash, the Python one with python3, the openai one with node and the
 * `openai` package (the model behind the agent endpoint is the Anthropic test double, a third
 * party unreachable here, which checks the key the snippet sent it). The text is
 * shared/ipc/connect-snippets.ts's, which this spec checks too.
 */
import type { Page } from '@playwright/test';
import { decodePng } from '../helpers/png.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectSnippets, type Snippet } from '../../shared/ipc/connect-snippets.js';
import type { Computer } from '../../shared/api/types.js';
import { startAnthropicDouble, type AnthropicDouble } from '../helpers/anthropic-double.js';
import { call, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { runSnippet } from '../helpers/run-snippet.js';
import { expect, test } from './fixtures.js';
import { openBrowserApp, rowOf, shooter, type OpenedApp } from './launch.js';

test.describe.configure({ mode: 'serial' });

const shot = shooter('connect');
let double: AnthropicDouble;
let host: TestHost;
let opened: OpenedApp;
let main: Page;
let alpha: Computer;
let beta: Computer;

test.beforeAll(async ({ browser }) => {
  double = await startAnthropicDouble(() => ({ text: 'I wrote hello into ~/hello.txt.' }));
  // No model key of the host's own: the one the openai snippet sends is the one the model gets.
  host = await startTestHost({ agents: { anthropicBaseUrl: double.url, maxRetries: 0 } });
  const a = await host.client.createWorkspace('alpha');
  const b = await host.client.createWorkspace('beta');
  alpha = await host.client.createComputer({ workspace_id: a.id, name: 'alpha-1' });
  beta = await host.client.createComputer({ workspace_id: b.id, name: 'beta-1' });
  opened = await openBrowserApp(browser, host.api);
  main = opened.main;
  await expect(rowOf(main, 'alpha-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
});

test.afterAll(async () => {
  await opened?.close();
  await host?.close();
  await double?.close();
});

/** Mints from the open view and answers the key the window shows, once. */
async function mint(): Promise<string> {
  await main.getByTestId('mint-key-button').click();
  const line = (await main.getByTestId('minted-key').textContent())!;
  expect(line).toMatch(/^export ORGO_API_KEY=sk_live_\S+$/);
  return line.slice('export ORGO_API_KEY='.length);
}

/** The snippet the view shows under `id`, as text, checked to be the shared module's. */
async function shown(id: Snippet['id'], c: Computer): Promise<Snippet> {
  await main.getByTestId(`connect-tab-${id}`).click();
  const code = main.getByTestId('connect-code');
  await expect(code).toHaveAttribute('data-snippet', id);
  const expected = connectSnippets(host.api, c.id, c.name).find((s) => s.id === id)!;
  expect(await code.textContent()).toBe(expected.code);
  await expect(main.getByTestId('connect-run')).toHaveText(expected.run);
  return { ...expected, code: (await code.textContent())! };
}

test('the view shows the address and mints a workspace key with which all four snippets run as shown', async () => {
  await main.getByTestId('open-host-connect').click();
  const view = main.getByTestId('host-connect');
  await expect(view.getByTestId('connect-base')).toHaveText(host.api);
  await main.getByLabel('Key for').selectOption({ label: 'alpha' });
  await main.getByLabel('Snippets drive').selectOption({ label: 'alpha-1' });
  await expect(view.getByTestId('connect-id')).toHaveAttribute('data-id', alpha.id);
  const key = await mint();
  await expect(main.getByTestId('minted-scope')).toContainText('A key for “alpha” only.');
  expect((await host.client.listKeys()).find((k) => key.startsWith(k.prefix))).toMatchObject({ workspace_id: alpha.workspace_id });
  await shot(main, 'host-view-minted');

  const env = { ORGO_API_KEY: key, ANTHROPIC_API_KEY: double.key };
  const curl = await runSnippet(await shown('curl', alpha), env);
  expect(JSON.parse(curl.stdout)).toMatchObject({ success: true, output: expect.stringMatching(/^hello from \S+\n$/) });
  curl.close();

  const py = await runSnippet(await shown('python', alpha), env);
  expect(py.stdout).toMatch(new RegExp(`^✓ Connected to computer: ${alpha.id}\\nhello from \\S+\\n\\n$`));
  const png = decodePng(readFileSync(join(py.dir, 'screen.png')));
  expect([png.width, png.height]).toEqual((alpha.resolution ?? '1280x720x24').split('x').slice(0, 2).map(Number));
  py.close();
  await shot(main, 'host-view-python');

  const before = double.requests.length;
  const js = await runSnippet(await shown('openai', alpha), env);
  expect(js.stdout).toBe('I wrote hello into ~/hello.txt.\n');
  js.close();
  const asked = double.requests.slice(before);
  expect(asked.length).toBeGreaterThan(0);
  expect(JSON.stringify(asked[0]!.body.messages)).toContain('write hello into ~/hello.txt');
  // The double refuses (and notes) any request that did not carry its key: the snippet's header got through.
  expect(double.problems).toEqual([]);

  const cli = await runSnippet(await shown('cli', alpha), env);
  expect(cli.stdout).toMatch(/^hello from \S+\n$/);
  cli.close();

  // The workspace key reaches nothing else: beta-1's own curl snippet, with it, is refused.
  const other = connectSnippets(host.api, beta.id, beta.name)[0]!;
  const refused = await runSnippet({ ...other, code: other.code.replace('curl -s', 'curl -s -w "\\n%{http_code}"') }, env);
  expect(refused.stdout.trim().split('\n').pop()).toBe('403');
  refused.close();
});

test('an account-wide key reaches every workspace; the view never keeps a key once closed', async () => {
  await main.getByLabel('Key for').selectOption({ label: 'All workspaces (account-wide)' });
  await expect(main.getByTestId('minted-key')).toHaveCount(0); // the alpha key went with its scope
  await main.getByLabel('Snippets drive').selectOption({ label: 'beta-1' });
  const key = await mint();
  await expect(main.getByTestId('minted-scope')).toContainText('every workspace');
  const curl = await runSnippet(await shown('curl', beta), { ORGO_API_KEY: key });
  expect(JSON.parse(curl.stdout)).toMatchObject({ success: true });
  curl.close();
  expect((await call(host, 'GET', `/computers/${alpha.id}`, undefined, key)).status).toBe(200);
  expect((await host.client.listKeys()).find((k) => key.startsWith(k.prefix))).toMatchObject({ workspace_id: null });
  await shot(main, 'host-view-account');
  await main.getByRole('button', { name: 'Done' }).click();
  await expect(main.getByTestId('host-connect')).toHaveCount(0);
  await main.getByTestId('open-host-connect').click();
  await expect(main.getByTestId('minted-key')).toHaveCount(0);
  expect(await main.content()).not.toContain(key);
  expect(opened.app.output()).not.toContain(key);
  // The app's own key never shows in the view either.
  expect(await main.content()).not.toContain(TEST_KEY);
  await main.getByRole('button', { name: 'Done' }).click();
});
