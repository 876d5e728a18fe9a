/**
 * The viewer's live panels end to end, in browser mode against a real host with a real desktop:
 * type in the terminal panel and see the shell's output; copy on the desktop (xclip) and see it
 * arrive in the app and paste into its terminal; drop two files on the viewer (a real drop event
 * carrying a DataTransfer), watch the progress and find both on the desktop; a file over the
 * host's limit is refused in words before it is sent, without harming the others; restart the computer with the viewer
 * open and see everything come back by itself; close the viewer and find no relay left in the app.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { startHost, type RunningHost } from '../../host/host.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import type { OrgoApi } from '../../shared/ipc/api.js';
import { TEST_KEY, tempDataDir } from '../helpers/host.js';
import { launchBrowserMode, type LaunchedApp, shooter, openViewer } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

const LIMIT_MB = 40;
let dataDir: string;
let host: RunningHost;
let client: OrgoClient;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let viewer: Page;
let computer: Computer;

const shot = shooter('panels');
const terminalText = (page: Page) => page.getByTestId('terminal-active').locator('.xterm-rows');
const counts = () => main.evaluate(() => (window as unknown as { orgo: OrgoApi }).orgo.channels.counts());

test.beforeAll(async ({ browser }) => {
  dataDir = tempDataDir('orgo-e2e-host-');
  host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, maxUploadMb: LIMIT_MB });
  client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  const ws = await client.createWorkspace('panels');
  computer = await client.createComputer({ workspace_id: ws.id, name: 'panels-1' });
  app = await launchBrowserMode({ env: { ORGO_API_BASE_URL: `${host.url}/api`, ORGO_API_KEY: TEST_KEY } });
  context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write', 'notifications'], { origin: new URL(app.url).origin });
  // Desktop notifications are drawn by the system, not the page: record what the page shows.
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: Array<{ title: string; body?: string }> = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recording, configurable: true, writable: true });
  });
  main = await context.newPage();
  await main.goto(app.url);
  await expect(main.locator('[data-testid=computer-row][data-name="panels-1"]')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  viewer = await openViewer(context, main, 'panels-1');
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('types in the terminal panel and sees the output, in two tabs', async () => {
  await viewer.getByTestId('panel-terminal').click();
  await expect(viewer.getByTestId('terminal-state')).toHaveAttribute('data-state', 'open');
  await expect(terminalText(viewer)).toContainText('$', { timeout: 15_000 });
  await viewer.getByTestId('terminal-active').getByTestId('terminal').click();
  await viewer.keyboard.type('echo hello-$((6*7)) && whoami\n');
  await expect(terminalText(viewer)).toContainText(/hello-42\s*user/);
  // A second tab is a second shell; the first keeps its output.
  await viewer.getByTestId('terminal-new-tab').click();
  await expect(viewer.getByTestId('terminal-tab')).toHaveCount(2);
  await expect(viewer.getByTestId('terminal-active').getByTestId('terminal-state')).toHaveAttribute('data-state', 'open');
  await expect(terminalText(viewer)).toContainText('$', { timeout: 15_000 });
  await viewer.keyboard.type('echo second-tab; ls ~\n');
  await expect(terminalText(viewer)).toContainText('second-tab');
  await expect(terminalText(viewer)).not.toContainText('hello-42');
  await viewer.getByTestId('terminal-tab').first().click();
  await expect(terminalText(viewer)).toContainText('hello-42');
  await viewer.waitForTimeout(300);
  await shot(viewer, 'terminal');
});

test('copy on the desktop arrives in the app and pastes into its terminal', async () => {
  await client.bash(computer.id, "printf 'from-desktop-4711' | xclip -selection clipboard");
  await expect(viewer.getByTestId('desktop-clipboard')).toContainText('from-desktop-4711');
  await expect.poll(() => viewer.evaluate(() => navigator.clipboard.readText())).toBe('from-desktop-4711');
  await viewer.getByTestId('terminal-active').getByTestId('terminal').click();
  await viewer.keyboard.type('echo pasted:');
  await viewer.keyboard.press('Control+Shift+V');
  await viewer.keyboard.press('Enter');
  await expect(terminalText(viewer)).toContainText('pasted:from-desktop-4711');
  // And the other way: something copied in the app reaches the desktop's clipboard.
  await viewer.evaluate(async () => {
    await navigator.clipboard.writeText('from-app-0815');
    document.dispatchEvent(new Event('copy'));
  });
  await expect.poll(() => client.getClipboard(computer.id), { timeout: 10_000 }).toBe('from-app-0815');
});

test('shows the desktop activity, filterable', async () => {
  await viewer.getByTestId('panel-activity').click();
  await expect(viewer.getByTestId('events-state')).toHaveAttribute('data-state', 'open');
  await client.bash(computer.id, 'echo x > ~/activity-probe.txt');
  const list = viewer.getByTestId('activity-list');
  await expect(list.locator('li[data-type=file_change]', { hasText: 'activity-probe.txt' }).first()).toBeVisible();
  await expect(list.locator('li[data-type=clipboard]').first()).toBeVisible();
  await viewer.getByTestId('activity-filter').fill('activity-probe');
  await expect(list.locator('li[data-type=clipboard]')).toHaveCount(0);
  await expect(list.locator('li[data-type=file_change]').first()).toBeVisible();
  await viewer.getByTestId('activity-filter').fill('');
  // A bell on a type: its events become desktop notifications.
  await viewer.getByRole('button', { name: 'Notify for file_change' }).click();
  await expect(viewer.getByRole('button', { name: 'Notify for file_change' })).toHaveAttribute('aria-pressed', 'true');
  await client.bash(computer.id, 'echo y > ~/notify-probe.txt');
  await expect
    .poll(() => viewer.evaluate(() => (window as unknown as { shownNotifications: Array<{ title: string; body?: string }> }).shownNotifications))
    .toContainEqual({ title: 'file change', body: 'created /home/user/notify-probe.txt' });
  await shot(viewer, 'activity');
});

/** Drops files built in the page onto the viewer (or another target), as a real drop event carrying a DataTransfer. */
async function drop(files: Array<{ name: string; mb?: number; text?: string }>, page: Page = viewer, target = page.getByTestId('viewer-screen'), overlay = page.getByTestId('drop-overlay')): Promise<void> {
  const dt = await page.evaluateHandle((list) => {
    const t = new DataTransfer();
    for (const f of list) {
      const body = f.text !== undefined ? [f.text] : [new Uint8Array(f.mb! * 1024 * 1024).fill(97)];
      t.items.add(new File(body, f.name, { type: f.text !== undefined ? 'text/plain' : 'application/octet-stream' }));
    }
    return t;
  }, files);
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await expect(overlay).toBeVisible();
  await target.dispatchEvent('drop', { dataTransfer: dt });
}

test('drops two files onto the viewer: progress, then both on the desktop', async () => {
  await viewer.getByTestId('panel-files').click();
  // Throttled so the progress is there to see (loopback is otherwise done in a blink).
  const cdp = await context.newCDPSession(viewer);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 8 * 1024 * 1024 });
  await drop([
    { name: 'big-drop.bin', mb: 30 },
    { name: 'notes-drop.txt', text: 'dropped from the app\n' },
  ]);
  const big = viewer.locator('[data-testid=upload][data-name="big-drop.bin"]');
  await expect(big).toHaveAttribute('data-state', 'uploading');
  await expect.poll(async () => Number(await big.getAttribute('data-percent')), { timeout: 20_000 }).toBeGreaterThan(10);
  await shot(viewer, 'mid-upload');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(big).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(viewer.locator('[data-testid=upload][data-name="notes-drop.txt"]')).toHaveAttribute('data-state', 'done');
  const ls = await client.bash(computer.id, 'ls -l ~/Desktop; cat ~/Desktop/notes-drop.txt');
  expect(ls.output).toContain('big-drop.bin');
  expect(ls.output).toMatch(new RegExp(`${30 * 1024 * 1024}\\s.*big-drop\\.bin`));
  expect(ls.output).toContain('dropped from the app');
  // The files panel lists them with size and date.
  await expect(viewer.locator('[data-testid=file-row][data-name="big-drop.bin"]')).toContainText('30 MB');
  await expect(viewer.locator('[data-testid=file-row][data-name="notes-drop.txt"]')).toBeVisible();
  await shot(viewer, 'files');
});

test('exports a file from the desktop and downloads it; deletes one after asking', async () => {
  await client.bash(computer.id, "printf 'made on the desktop' > ~/Desktop/result.txt");
  await viewer.getByTestId('export-path').fill('/home/user/Desktop/result.txt');
  const [download] = await Promise.all([viewer.waitForEvent('download'), viewer.getByTestId('export-submit').click()]);
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await download.path())!, 'utf8')).toBe('made on the desktop');
  await expect(viewer.locator('[data-testid=file-row][data-name="result.txt"]')).toBeVisible();
  const row = viewer.locator('[data-testid=file-row][data-name="notes-drop.txt"]');
  await row.getByTestId('file-delete').click();
  await row.getByTestId('file-delete-confirm').click();
  await expect(row).toHaveCount(0);
  expect((await client.listFiles({ workspaceId: computer.workspace_id ?? undefined })).map((f) => f.name)).not.toContain('notes-drop.txt');
});

test('a file over the limit is refused in words before a byte is sent; the other in the same drop still lands; cancel works', async () => {
  const uploads: string[] = [];
  const onRequest = (r: { url(): string }) => /\/upload\//.test(r.url()) && uploads.push(new URL(r.url()).searchParams.get('name') ?? '');
  viewer.on('request', onRequest);
  await drop([
    { name: 'too-big.bin', mb: LIMIT_MB + 2 },
    { name: 'fine.txt', text: 'fine\n' },
  ]);
  const tooBig = viewer.locator('[data-testid=upload][data-name="too-big.bin"]');
  await expect(tooBig).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(tooBig.getByRole('alert')).toHaveText(`too-big.bin is ${LIMIT_MB + 2} MB; this host takes files up to ${LIMIT_MB} MB`);
  await expect(viewer.locator('[data-testid=upload][data-name="fine.txt"]')).toHaveAttribute('data-state', 'done');
  viewer.off('request', onRequest);
  expect(uploads, 'only fine.txt went to the launcher').toEqual(['fine.txt']);
  await shot(viewer, 'upload-error');
  // Cancel one mid-way (throttled so it is still going).
  const cdp = await context.newCDPSession(viewer);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  await drop([{ name: 'cancel-me.bin', mb: 20 }]);
  const c = viewer.locator('[data-testid=upload][data-name="cancel-me.bin"]');
  await expect.poll(async () => Number(await c.getAttribute('data-percent')), { timeout: 20_000 }).toBeGreaterThan(0);
  await c.getByTestId('upload-cancel').click();
  await expect(c).toHaveAttribute('data-state', 'cancelled');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect.poll(async () => (await client.bash(computer.id, 'ls ~/Desktop')).output).not.toContain('cancel-me.bin');
});

test('plays the desktop sound when the audio toggle is on', async () => {
  await viewer.getByTestId('audio-toggle').click();
  const button = viewer.getByTestId('audio-toggle');
  await expect(button).toHaveAttribute('data-audio', 'running');
  const py = 'import math,struct,sys; r=48000; sys.stdout.buffer.write(b"".join(struct.pack("<h", int(16000*math.sin(2*math.pi*440*i/r))) for i in range(r*2)))';
  const playing = client.bash(computer.id, `python3 -c '${py}' > /tmp/tone.raw && pacat --format=s16le --rate=48000 --channels=1 /tmp/tone.raw`, 30);
  // 16000/32768 ≈ 0.49 at full tone: the frames the page schedules carry it.
  await expect.poll(async () => Number(await button.getAttribute('data-peak')), { timeout: 15_000 }).toBeGreaterThan(0.3);
  expect(Number(await button.getAttribute('data-frames'))).toBeGreaterThan(10);
  await playing;
  await button.click();
  await expect(button).toHaveAttribute('data-audio', 'off');
});

test('remote resize: the computer takes the viewer size', async () => {
  await viewer.getByTestId('fit-resize').click();
  const stage = await viewer.locator('.viewer-stage').evaluate((e) => ({ w: e.clientWidth, h: e.clientHeight }));
  await expect.poll(async () => (await client.getComputer(computer.id)).resolution, { timeout: 15_000 }).toMatch(new RegExp(`^${stage.w}x${stage.h}`));
  await expect
    .poll(() => viewer.evaluate(() => (document.querySelector('[data-testid=viewer-screen] canvas') as HTMLCanvasElement).width))
    .toBe(stage.w);
  await viewer.waitForTimeout(500);
  await shot(viewer, 'remote-resize');
  await viewer.getByTestId('fit-scale').click();
});

test('a restart with the viewer open comes back by itself (VNC, terminal, events)', async () => {
  await viewer.getByTestId('panel-terminal').click();
  const before = (await client.getComputer(computer.id)).vnc_password;
  await client.restartComputer(computer.id);
  expect((await client.getComputer(computer.id)).vnc_password).not.toBe(before);
  await expect(terminalText(viewer)).toContainText('[reconnected', { timeout: 30_000 });
  await expect(viewer.getByTestId('terminal-active').getByTestId('terminal-state')).toHaveAttribute('data-state', 'open');
  await expect(viewer.getByTestId('conn-state')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
  // The new connection's desktop fills the screen as the first one did: nothing of the old
  // connection is left beside it (it once was, drawing the desktop at half width).
  await expect(viewer.locator('[data-testid=viewer-screen] canvas')).toHaveCount(1);
  const screenBox = (await viewer.getByTestId('viewer-screen').boundingBox())!;
  const canvasBox = (await viewer.locator('[data-testid=viewer-screen] canvas').boundingBox())!;
  expect(Math.abs(canvasBox.x + canvasBox.width / 2 - (screenBox.x + screenBox.width / 2))).toBeLessThan(3);
  expect(Math.max(canvasBox.width / screenBox.width, canvasBox.height / screenBox.height)).toBeGreaterThan(0.98);
  await viewer.getByTestId('terminal-active').getByTestId('terminal').click();
  await viewer.keyboard.type('echo after-restart-$((3*3))\n');
  await expect(terminalText(viewer)).toContainText('after-restart-9');
  await viewer.waitForTimeout(300);
  await shot(viewer, 'after-restart');
});

test('closing the viewer leaves no relay in the app', async () => {
  const open = await counts();
  expect(open.vnc).toBe(1);
  expect(open.channels).toBeGreaterThanOrEqual(3); // two terminals and the events
  await viewer.close();
  await expect.poll(counts, { timeout: 10_000 }).toEqual({ vnc: 0, channels: 0, upstream: 0 });
});

test('a file dropped on a computer in the list lands on its Desktop', async () => {
  const row = main.locator('[data-testid=row-drop]', { has: main.locator('[data-testid=computer-row][data-name="panels-1"]') });
  await drop([{ name: 'from-the-list.txt', text: 'via the row\n' }], main, row, row.locator('.row-drop-hint'));
  await expect(row.locator('[data-testid=upload][data-name="from-the-list.txt"]')).toHaveAttribute('data-state', 'done');
  await shot(main, 'row-upload');
  expect((await client.bash(computer.id, 'cat ~/Desktop/from-the-list.txt')).output).toContain('via the row');
});
