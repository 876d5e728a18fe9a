/**
 * Electron's main process: lifecycle, windows, tray and IPC, kept thin over the app's core in
 * app/ (which also runs browser mode in plain Node). Pages come from app://orgo/ (../pages). Closing every window leaves the app
 * in the tray; "Quit" ends it. The built-in host and its computers keep running either way; only
 * a signal (SIGINT, SIGTERM) stops the host this app started.
 */
import { app, protocol, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpc } from './ipc.js';
import { createAppServices } from '../../app/app-services.js';
import { cliEntry } from '../../app/cli-install.js';
import { createHandlers } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import { APP_PRIVILEGES, APP_SCHEME, appSchemeHandler } from '../pages/app-scheme.js';
import { harden } from './harden.js';
import { permissionHandlers } from './permissions.js';
import { AppTray } from './tray.js';
import { AppWindows } from './windows.js';

const log = logger('main');
/** out/main, where this file runs from once built. */
const here = dirname(fileURLToPath(import.meta.url));

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// The pages' scheme (app://orgo/): privileged before the app is ready, as Electron requires.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_PRIVILEGES }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main();
}

async function main(): Promise<void> {
  await app.whenReady();
  const root = app.getAppPath();
  const services = createAppServices({ mode: 'electron', projectRoot: root });
  await services.gate.listen();

  protocol.handle(APP_SCHEME, appSchemeHandler(join(root, 'out', 'electron-renderer')));

  const windows = new AppWindows(join(here, '../preload/index.cjs'), (ctx) => services.feed.unwatch(ctx.id));
  app.on('web-contents-created', (_e, contents) => harden(contents, windows.isAppUrl, windows.openExternal, (s) => log.warn(s)));
  // Only the app's own pages get anything, and only what permissions.ts lists.
  const permissions = permissionHandlers(windows.origin);
  session.defaultSession.setPermissionRequestHandler(permissions.request);
  session.defaultSession.setPermissionCheckHandler(permissions.check);

  const unregister = registerIpc(createHandlers(services, windows), windows, services);
  let tray: AppTray | null = null;
  let quitting = false;
  const quit = () => {
    quitting = true;
    app.quit();
  };
  try {
    tray = new AppTray(services, windows, join(root, 'resources', 'tray'), quit, cliEntry(root));
  } catch (e) {
    log.warn(`no tray on this desktop (${e}); closing the last window quits`);
  }

  // Quit from the window or tray: the built-in host keeps running with its computers. Ended by a
  // signal (Ctrl-C in the terminal that ran `npm start`, `timeout`, `kill`): the host this app
  // started stops too, cleanly, first. (A handler here replaces Electron's own quit on SIGINT/SIGTERM.)
  let signalled = false;
  const onSignal = () => {
    if (signalled) return app.exit(130);
    signalled = true;
    void services.session.localHost.stopStarted().finally(quit);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  app.on('second-instance', () => windows.openMain());
  app.on('activate', () => windows.openMain());
  app.on('window-all-closed', () => {
    // With a tray the app stays reachable there; without one, the last window is the app.
    if (!tray || quitting) app.quit();
  });
  app.on('before-quit', () => {
    quitting = true;
    tray?.destroy();
    unregister();
    services.close();
  });
  // The window takes a while to appear: fetch the list meanwhile.
  services.warm();
  windows.openMain();
}
