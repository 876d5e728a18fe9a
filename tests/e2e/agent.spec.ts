/**
 * The Agent panel end to end, in browser mode against a real host with a real desktop and the
 * loopback stand-in for Anthropic's API: the key goes into Model providers (the real keychain),
 * a task runs and its steps stream in while the desktop changes (the model finds the magenta
 * terminal in the screenshots it is sent, clicks it and types), a hanging run is stopped, and a
 * past thread is reopened; the key goes to this host (the environment's, not the built-in one)
 * only after the person allows it in the panel; an OpenAI-compatible provider is added in Model providers (its key to
 * the keychain, never into the page) and a task runs on one of its models, the loopback stand-in
 * speaking OpenAI's wire format. Screenshots go to test-results/e2e-screenshots/agent-*.png.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { startHost, type RunningHost } from '../../host/host.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { findColour } from '../helpers/anthropic-double.js';
import { MAGENTA, magentaScript, magentaTerminal } from '../helpers/agent.js';
import { startOpenAIDouble, type OpenAIDouble } from '../helpers/openai-double.js';
import { TEST_KEY, tempDataDir } from '../helpers/host.js';
import { type LaunchedApp, shooter, openViewer, openBrowserApp } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

let dataDir: string;
let host: RunningHost;
let client: OrgoClient;
let model: AnthropicDouble;
let local: OpenAIDouble;
const LOCAL_KEY = 'ollama-key-e2e-5151';
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let viewer: Page;
let computer: Computer;
let script: (req: SeenRequest, i: number) => Reply = () => ({ text: 'no script' });

const shot = shooter('agent');
const sh = async (command: string) => (await client.bash(computer.id, command)).output;

test.beforeAll(async ({ browser }) => {
  model = await startAnthropicDouble((req, i) => script(req, i));
  local = await startOpenAIDouble((r) => {
    if (!r.answering) return { tool: { name: 'computer', args: { action: 'screenshot' } } };
    if (r.answering === 'screenshot') {
      const box = r.screenshots[0] && findColour(r.screenshots[0], MAGENTA);
      return box ? { tool: { name: 'computer', args: { action: 'left_click', coordinate: [box.cx, box.cy] } } } : { text: 'no magenta window' };
    }
    if (r.answering === 'left_click') return { tool: { name: 'computer', args: { action: 'type', text: 'echo local-$((3+4)) > ~/local.txt\n' } } };
    return { text: 'Typed it with the local model.' };
  }, LOCAL_KEY);
  dataDir = tempDataDir('orgo-e2e-agent-');
  host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, agents: { anthropicBaseUrl: model.url, maxRetries: 1 } });
  client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  const ws = await client.createWorkspace('agent');
  computer = await client.createComputer({ workspace_id: ws.id, name: 'agent-1', resolution: '1280x720x24' });
  await sh(magentaTerminal(420, 240));
  ({ app, context, main } = await openBrowserApp(browser, `${host.url}/api`));
  const row = main.locator('[data-testid=computer-row][data-name="agent-1"]');
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  viewer = await openViewer(context, main, 'agent-1', { width: 1500, height: 860 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
  await model?.close();
  await local?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the Anthropic key goes into Model providers and stays out of the page', async () => {
  await viewer.getByTestId('panel-agent').click();
  await expect(viewer.getByTestId('agent-panel')).toBeVisible();
  await expect(viewer.getByTestId('agent-threads')).toContainText('No agent has worked on this computer yet');
  await viewer.getByTestId('agent-providers').click();
  await expect(viewer.getByTestId('model-providers')).toContainText('No key yet');
  await viewer.getByTestId('anthropic-key').fill(model.key);
  await viewer.getByTestId('anthropic-key-save').click();
  await expect(viewer.getByTestId('model-providers')).toContainText(`ending …${model.key.slice(-4)}`);
  await expect(viewer.getByTestId('model-providers')).toContainText('system keychain');
  await shot(viewer, 'providers');
  // The page learned only that a key is set.
  expect(await viewer.content()).not.toContain(model.key);
  await viewer.getByTestId('providers-back').click();
  // This host is the environment's (not the built-in one): the key goes there only once allowed.
  const host = viewer.getByTestId('agent-host');
  await expect(host).toHaveAttribute('data-allowed', 'no');
  await expect(host).toContainText(`Runs go to Environment ${host_url()}. Your model keys stay in this app`);
  await shot(viewer, 'host-not-allowed');
  await viewer.getByTestId('agent-allow-host').click();
  await expect(host).toHaveAttribute('data-allowed', 'yes');
  await expect(host).toContainText('Your model keys go with them.');
  await expect(viewer.getByTestId('agent-revoke-host')).toBeVisible();
});

const host_url = () => `${host.url}/api`;

test('runs a task: the steps stream in and the desktop changes', async () => {
  await sh('rm -f ~/agent.txt');
  const inner = magentaScript();
  // A moment per model answer, so the steps can be watched arriving (longer before the last).
  script = (req) => ({ ...(inner(req) as object), delayMs: req.answering[0]?.action === 'left_click' ? 2500 : 600 });
  await viewer.getByTestId('agent-model').selectOption('claude-opus-4-7');
  await viewer.getByTestId('agent-task').fill('Run the command in the magenta terminal');
  await viewer.getByTestId('agent-run').click();
  await expect(viewer.getByTestId('agent-status')).toHaveText('Working…');
  await expect(viewer.locator('[data-testid=agent-steps] [data-action=left_click]')).toBeVisible();
  // The click is marked on the desktop where it landed.
  await expect(viewer.getByTestId('agent-mark')).toHaveAttribute('data-action', 'left_click');
  await shot(viewer, 'running');
  await expect(viewer.getByTestId('agent-thread')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(viewer.getByTestId('agent-final')).toHaveText('Done: the command ran in the magenta terminal.');
  await expect(viewer.locator('[data-testid=agent-steps] .step-thumb').first()).toBeVisible();
  await expect(viewer.getByTestId('agent-figures')).toContainText('3 steps');
  await shot(viewer, 'done');
  expect(model.problems).toEqual([]);
  // The key the app sent was the one saved in the keychain.
  expect(model.requests.length).toBeGreaterThanOrEqual(4);
  expect(await sh('cat ~/agent.txt')).toBe('agent-42\n');
  // The click step says where it landed, in the terminal's part of the screen.
  await expect(viewer.locator('[data-testid=agent-steps] [data-action=left_click]')).toContainText(/left click at \d+, \d+/);
});

test('Stop ends a run that hangs, and the desktop is free again', async () => {
  await viewer.getByTestId('agent-close').click();
  script = (req) => (req.answering.length ? { fault: 'hang' } : { text: 'Looking first.', tool: { name: 'computer', input: { action: 'screenshot' } } });
  await viewer.getByTestId('agent-task').fill('Wait for ever');
  await viewer.getByTestId('agent-run').click();
  await expect(viewer.locator('[data-testid=agent-steps] [data-action=screenshot]')).toBeVisible();
  await expect(viewer.getByTestId('agent-stop')).toBeVisible();
  await viewer.getByTestId('agent-stop').click();
  await expect(viewer.getByTestId('agent-thread')).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  await expect(viewer.getByTestId('agent-status')).toHaveText('Stopped');
  await shot(viewer, 'stopped');
  await client.screenshot(computer.id);
});

test('Take over holds the agent while a person works; Resume hands it back', async () => {
  await viewer.getByTestId('agent-close').click();
  let noted = false;
  script = (req, i) => {
    const last = req.body.messages[req.body.messages.length - 1]!.content;
    if (Array.isArray(last) && last.some((b) => b.type === 'text' && String(b.text).includes('A person took over'))) {
      noted = true;
      return { text: 'Carrying on from what you did.' };
    }
    return { tool: { name: 'computer', input: { action: 'screenshot' } }, delayMs: i === model.requests.length - 1 ? 1200 : 0 };
  };
  await viewer.getByTestId('agent-task').fill('Keep looking');
  await viewer.getByTestId('agent-run').click();
  await viewer.getByTestId('agent-takeover').click();
  await expect(viewer.getByTestId('agent-status')).toHaveText('Paused: you have the computer');
  // The run's time counts from its start, never below zero (it once read "-2.0 s" here).
  await expect(viewer.getByTestId('agent-figures')).toHaveText(/ tokens · \d+\.\d s$/);
  const asked = model.requests.length;
  await shot(viewer, 'paused');
  await new Promise((r) => setTimeout(r, 2000));
  expect(model.requests.length).toBeLessThanOrEqual(asked + 1); // at most the request already in flight
  await viewer.getByTestId('agent-resume').click();
  await expect(viewer.getByTestId('agent-thread')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(viewer.getByTestId('agent-final')).toHaveText('Carrying on from what you did.');
  await expect(viewer.locator('[data-testid=agent-steps] [data-kind=note]')).toContainText('A person took over');
  expect(noted).toBe(true);
});

test('a past thread reopens with its steps', async () => {
  await viewer.getByTestId('agent-close').click();
  const rows = viewer.getByTestId('agent-thread-row');
  await expect(rows).toHaveCount(3);
  await shot(viewer, 'threads');
  await rows.filter({ hasText: 'Run the command in the magenta terminal' }).click();
  await expect(viewer.getByTestId('agent-thread')).toHaveAttribute('data-status', 'done');
  await expect(viewer.locator('[data-testid=agent-steps] [data-action=type]')).toContainText('echo agent-');
  await expect(viewer.getByTestId('agent-final')).toHaveText('Done: the command ran in the magenta terminal.');
  await shot(viewer, 'reopened');
});

test('an OpenAI-compatible provider added in Model providers runs a task; its key stays in main', async () => {
  await viewer.getByTestId('agent-close').click();
  await sh('rm -f ~/local.txt');
  await viewer.getByTestId('agent-providers').click();
  await viewer.getByTestId('provider-name').fill('Ollama here');
  await viewer.getByTestId('provider-url').fill(`${local.url}/v1`);
  await viewer.getByTestId('provider-models').fill('qwen-vision:7b');
  await viewer.getByTestId('provider-key').fill(LOCAL_KEY);
  await viewer.getByTestId('provider-save').click();
  const row = viewer.locator('[data-testid=app-provider][data-name="Ollama here"]');
  await expect(row).toContainText('qwen-vision:7b');
  await expect(row).toContainText(`key ending …${LOCAL_KEY.slice(-4)}, in the keychain`);
  await shot(viewer, 'provider-added');
  expect(await viewer.content()).not.toContain(LOCAL_KEY);
  await viewer.getByTestId('providers-back').click();
  await viewer.getByTestId('agent-model').selectOption('qwen-vision:7b');
  await viewer.getByTestId('agent-task').fill('Type in the magenta terminal with the local model');
  await viewer.getByTestId('agent-run').click();
  await expect(viewer.getByTestId('agent-thread')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(viewer.getByTestId('agent-final')).toHaveText('Typed it with the local model.');
  await shot(viewer, 'provider-run');
  // The stand-in checked every request's key (Bearer LOCAL_KEY) and tool calls.
  expect(local.problems).toEqual([]);
  expect(local.requests.length).toBe(4);
  expect(local.requests.every((q) => q.body.model === 'qwen-vision:7b')).toBe(true);
  expect(await sh('cat ~/local.txt')).toBe('local-7\n');
  expect(await viewer.content()).not.toContain(LOCAL_KEY);
});
