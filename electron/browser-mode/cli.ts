/**
 * Browser mode: `npm start -- --web` (or `npm start` where Electron's binary is absent).
 * Runs the app's main-side services in plain Node, serves the renderer on 127.0.0.1 behind a
 * per-launch token, prints the address and opens it in Chromium's app mode.
 *   --no-open     only print the address
 *   --port PORT   listen on this port (default: 7392 when free, else any free one)
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AppServices } from '../../app/app-services.js';
import { ensureRendererBuilt, firstViewModule, rendererDir } from './build.js';
import { openAppWindow } from './chromium.js';
import { startBrowserModeServer, type BrowserModeServer } from './server.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Beside the built-in host's 7391. */
const BROWSER_MODE_PORT = 7392;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'no-open': { type: 'boolean' }, port: { type: 'string' }, web: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('Usage: npm start -- [--web] [--no-open] [--port PORT]\n');
    return;
  }
  ensureRendererBuilt(root, (s) => process.stdout.write(`${s}\n`));

  // The services (the host's client, the keychain, the relays, the IPC handlers and most of this
  // launcher's code) load once the address is out: Chromium starts meanwhile, and what the
  // page needs of them waits for them in the server.
  let begin!: () => void;
  const loading = new Promise<void>((r) => (begin = r)).then(async () => (await import('../../app/app-services.js')).createAppServices({ mode: 'browser', projectRoot: root }));
  loading.catch(() => {});
  const start = (port: number) => startBrowserModeServer({ services: loading, rendererDir: rendererDir(root), firstView: firstViewModule(root), port });
  let server: BrowserModeServer;
  if (values.port) server = await start(Number(values.port));
  else {
    // The same address every launch lets the app window's Chromium profile keep the app's code
    // cached (its files are immutable), which took 0.2-0.3 s off a relaunch here. Another launch
    // (or program) on it: any free port.
    server = await start(BROWSER_MODE_PORT).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE') throw e;
      return start(0);
    });
  }
  process.stdout.write(`Orgo Desktop (browser mode) is running at:\n  ${server.launchUrl}\n`);
  begin();
  const services: AppServices = await loading;
  // Chromium takes the better part of a second to start: fetch the list meanwhile.
  services.warm();

  let stopping = false;
  /**
   * Closing the app window quits the app and the built-in host keeps running with its computers
   * (they run continuously). A signal (Ctrl-C in the terminal that ran `npm start`, `timeout`,
   * `kill`) also stops the host this launch started, cleanly, as a terminal command's children go.
   */
  const stop = async (signal?: NodeJS.Signals) => {
    // A second Ctrl-C does not wait for the host any longer.
    if (stopping) return void (signal && process.exit(130));
    stopping = true;
    services.close();
    await server?.close();
    if (signal) {
      if (services.session.localHost.pid) process.stdout.write(`${signal}: stopping the built-in host this launch started (its computers stop; their disks stay)...\n`);
      await services.session.localHost.stopStarted();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (!values['no-open']) {
    const child = openAppWindow(server.launchUrl, join(services.dirs.config, 'chromium'));
    if (typeof child === 'string') process.stdout.write(`${child}\n`);
    else {
      // The app window closed: the app quits, as a desktop app does.
      child.once('exit', () => void stop());
      process.stdout.write('Opened it in a Chromium app window; closing that window quits Orgo Desktop.\n');
    }
  }
}

main().catch((e) => {
  process.stderr.write(`orgo desktop: ${(e as Error).message}\n`);
  process.exit(1);
});
