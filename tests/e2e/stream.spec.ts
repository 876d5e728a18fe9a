/**
 * Streaming from the app, end to end, in browser mode: a connection added in Settings (its key
 * shown only as a hint), then the viewer's Stream toggle sends the computer to a real RTMP server
 * (nginx-rtmp in a stand-in internet, tests/helpers/rtmp-server.ts). What a user checks: the
 * toggle says Live to that connection, the server receives H.264 at the computer's size and
 * AAC (ffprobe of what arrived), the host says streaming; Stop ends it there and on the server.
 * No window logs a console error (fixtures.ts).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { startRtmpServer, type RtmpServer } from '../helpers/rtmp-server.js';
import { expect, test } from './fixtures.js';
import { openBrowserApp, openViewer, rowOf, shooter, type LaunchedApp } from './launch.js';

test.describe.configure({ mode: 'serial' });

const KEY = 'e2e_stream_key_5c1d9a7b';
let host: TestHost;
let rtmp: RtmpServer;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let computer: Computer;

const shot = shooter('stream');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.beforeAll(async ({ browser }) => {
  rtmp = await startRtmpServer();
  host = await startTestHost();
  const ws = await host.client.createWorkspace('stream-e2e');
  computer = await host.client.createComputer({ workspace_id: ws.id, name: 'streamer' });
  ({ app, context, main } = await openBrowserApp(browser, host.api));
  await expect(rowOf(main, 'streamer')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
  rtmp?.close();
});

test('a connection added in Settings is listed with its key hidden', async () => {
  await main.getByTestId('open-settings').click();
  const dialog = main.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByTestId('no-connections')).toBeVisible();
  await dialog.getByLabel('Connection name').fill('e2e-server');
  await dialog.getByLabel('Stream key').fill(KEY);
  await dialog.getByLabel('Server URL').fill(rtmp.url);
  await dialog.getByTestId('add-connection').click();
  const listed = dialog.locator('.connection[data-name="e2e-server"]');
  await expect(listed).toContainText(`${rtmp.url} · key ••••9a7b`);
  await expect(dialog).not.toContainText(KEY);
  await shot(main, 'settings');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test("the viewer's Stream toggle sends the computer to the RTMP server, and stops it", async () => {
  // At the width of a laptop's viewer, where the toolbar shows its tools as icons.
  const viewer = await openViewer(context, main, 'streamer', { width: 1180, height: 760 });
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/, { timeout: 30_000 });
  const toggle = viewer.getByTestId('stream-toggle');
  await expect(toggle).toHaveAttribute('data-status', 'idle');
  await toggle.click();
  await expect(viewer.getByTestId('stream-words')).toHaveText('Not streaming');
  await expect(viewer.getByLabel('Connection')).toHaveValue('e2e-server');
  await viewer.getByTestId('stream-start').click();

  // Live, to that connection, as the toggle and the host both say.
  await expect(toggle).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toContainText('Live');
  // The red dot says so at any width (a narrow viewer hides the tools' labels).
  await expect(toggle.locator('.stream-live')).toBeVisible();
  await expect(viewer.getByTestId('stream-words')).toHaveText(/^Live to “e2e-server” since /);
  expect(await host.client.streamStatus(computer.id)).toMatchObject({ status: 'streaming', connection_name: 'e2e-server' });
  await shot(viewer, 'live');

  // The server receives it, under the key, and keeps receiving while it is live.
  await expect.poll(() => rtmp.recordings(KEY)[0]?.bytes ?? 0, { timeout: 20_000 }).toBeGreaterThan(200_000);
  const rec = rtmp.recordings(KEY)[0]!.path;
  const probed = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', rec]).toString()) as {
    streams: Array<Record<string, unknown>>;
  };
  expect(probed.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
  expect(probed.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });

  await viewer.getByTestId('stream-stop').click();
  await expect(toggle).toHaveAttribute('data-status', 'idle', { timeout: 20_000 });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(viewer.getByTestId('stream-words')).toHaveText('Not streaming');
  expect(await host.client.streamStatus(computer.id)).toEqual({ status: 'idle' });
  // Nothing more arrives once stopped (the server closes the recording as the publisher leaves).
  await sleep(1500);
  const stopped = statSync(rec).size;
  await sleep(3000);
  expect(statSync(rec).size).toBe(stopped);
  expect(rtmp.recordings(KEY)).toHaveLength(1);
  await shot(viewer, 'stopped');
  await viewer.close();
});
