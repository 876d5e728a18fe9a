/**
 * The machine's addresses changing while the app works (Wi-Fi roaming, a VPN coming up, another
 * container's network): Chromium then aborts every load waiting for a connection, loopback ones
 * included (net::ERR_NETWORK_CHANGED). Provoked here for real: an address added to and removed from
 * an interface of this test's own (a veth pair: this machine's kernel has no dummy module), over and over, while the main window loads and while a
 * file is dropped onto a viewer. The user must see the list and the upload land, never an error
 * (the bridge reloads a page whose code failed, IPC waits for the next connection, an upload
 * aborted before a byte left goes again). The interface is removed after, even on failure.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { expect, test } from './fixtures.js';
import { openBrowserApp, openViewer, rowOf, shooter, type OpenedApp } from './launch.js';

test.describe.configure({ mode: 'serial' });

/** Unique on this shared machine (15 characters at most, the kernel's limit); its peer goes with it. */
const IFACE = 'orgo-nc-appfast';
const PEER = 'orgo-ncp-appfst';
/** A documentation address (TEST-NET-2) on an interface nothing is plugged into: routes nothing anyone uses. */
const ADDR = '198.51.100.77/32';

let host: TestHost;
let opened: OpenedApp;
let computer: Computer;
let flapper: ChildProcess | null = null;
const shot = shooter('network-change');

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

function removeInterface(): void {
  try {
    ip('link', 'del', IFACE);
  } catch {
    /* not there */
  }
}

/** Adds and removes the address as fast as `ip` goes, until stopped: a storm of address changes. */
function flap(): () => Promise<void> {
  const child = spawn('bash', ['-c', `while :; do ip addr add ${ADDR} dev ${IFACE}; ip addr del ${ADDR} dev ${IFACE}; done`], { stdio: 'ignore' });
  flapper = child;
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    flapper = null;
    try {
      ip('addr', 'del', ADDR, 'dev', IFACE);
    } catch {
      /* not there at the moment it stopped */
    }
  };
}

/** Loads Chromium aborted for an address change on `page`, counted from now. */
function abortedLoads(page: Page): () => string[] {
  const seen: string[] = [];
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText === 'net::ERR_NETWORK_CHANGED') seen.push(new URL(r.url()).pathname);
  });
  return () => seen;
}

/** What a person would read as something gone wrong, anywhere in the window. */
async function expectNoErrorShown(page: Page): Promise<void> {
  // Error toasts, form errors and an upload's error are all role=alert.
  await expect(page.locator('[role=alert]')).toHaveCount(0);
  await expect(page.getByText(/lost the connection|could not|failed|network:/i)).toHaveCount(0);
}

test.beforeAll(async ({ browser }) => {
  removeInterface(); // a previous run killed before its afterAll
  ip('link', 'add', IFACE, 'type', 'veth', 'peer', 'name', PEER);
  ip('link', 'set', IFACE, 'up');
  host = await startTestHost();
  const ws = await host.client.createWorkspace('netchange');
  computer = await host.client.createComputer({ workspace_id: ws.id, name: 'nc-1' });
  opened = await openBrowserApp(browser, host.api);
  await expect(rowOf(opened.main, 'nc-1')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
});

test.afterAll(async () => {
  if (flapper?.exitCode === null) flapper.kill('SIGKILL');
  removeInterface();
  await opened?.close();
  await host?.close();
});

test('the main window loads while the addresses change: the list, no error', async () => {
  const { main } = opened;
  const aborted = abortedLoads(main);
  // Every load from the launcher, none from the cache, and slow as over a busy link: more of the
  // window's loads wait for a connection (six at a time per server), as on a first launch.
  const cdp = await main.context().newCDPSession(main);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: -1, uploadThroughput: -1 });
  // Each reload under the storm; until Chromium has aborted some of the window's loads.
  for (let i = 0; i < 8 && aborted().length === 0; i++) {
    const stop = flap();
    try {
      await main.reload({ waitUntil: 'commit' }).catch(() => {});
      await main.waitForTimeout(1500);
    } finally {
      await stop();
    }
  }
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  expect(aborted().length, 'Chromium aborted none of the window\'s loads: the address changes provoked nothing').toBeGreaterThan(0);
  console.log(`loads aborted by the address changes: ${aborted().length} (${[...new Set(aborted())].join(', ')})`);
  // What the person sees once the storm has passed: the list, live, and no error.
  await expect(rowOf(main, 'nc-1')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(main.getByTestId('computer-row')).toHaveCount(1);
  await expectNoErrorShown(main);
  await shot(main, 'main-after');
});

test('files dropped onto a viewer while the addresses change all land whole, with no error', async () => {
  const { main, context } = opened;
  const viewer = await openViewer(context, main, 'nc-1');
  await expect(viewer.getByTestId('conn-state')).toHaveAttribute('data-state', 'connected');
  const aborted = abortedLoads(viewer);
  // Ten at once, on a link of 16 MB/s: six go, four wait for a connection, as a dropped folder's would.
  const cdp = await context.newCDPSession(viewer);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 * 1024 });
  const N = 10;
  const MB = 2;
  const stop = flap();
  try {
    // A real drop event carrying files built in the page, each its own bytes.
    const dt = await viewer.evaluateHandle(
      ({ n, mb }) => {
        const d = new DataTransfer();
        for (let f = 0; f < n; f++) {
          const bytes = new Uint8Array(mb * 1024 * 1024);
          for (let i = 0; i < bytes.length; i++) bytes[i] = (i + f) % 251;
          d.items.add(new File([bytes], `storm-${f}.bin`, { type: 'application/octet-stream' }));
        }
        return d;
      },
      { n: N, mb: MB },
    );
    await viewer.getByTestId('viewer-screen').dispatchEvent('dragenter', { dataTransfer: dt });
    await expect(viewer.getByTestId('drop-overlay')).toBeVisible();
    await viewer.getByTestId('viewer-screen').dispatchEvent('drop', { dataTransfer: dt });
    await viewer.waitForTimeout(2500);
  } finally {
    await stop();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
  for (let f = 0; f < N; f++) await expect(viewer.locator(`[data-testid=upload][data-name="storm-${f}.bin"]`)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expectNoErrorShown(viewer);
  await shot(viewer, 'viewer-after-uploads');
  console.log(`uploads aborted by the address changes before a byte left (and sent again): ${aborted().length}`);
  expect(aborted().length, 'Chromium aborted none of the uploads: the address changes provoked nothing').toBeGreaterThan(0);
  // Byte for byte on the computer's desktop.
  const check = await host.client.bash(
    computer.id,
    `python3 -c "import os
for f in range(${N}):
    d = open('/home/user/Desktop/storm-%d.bin' % f, 'rb').read()
    print(len(d) == ${MB * 1024 * 1024} and all(b == (i + f) % 251 for i, b in enumerate(d)))"`,
  );
  expect(check.output.trim().split('\n')).toEqual(Array(N).fill('True'));
  const files = await host.client.listFiles({ desktopId: computer.id });
  expect(files.filter((f) => /^storm-\d+\.bin$/.test(f.name)).length).toBe(N);
});
