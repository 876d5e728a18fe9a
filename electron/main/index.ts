/**
 * Electron's main process: lifecycle, windows, tray and IPC, kept thin over the services in
 * ./services (which also run browser mode in plain Node). Closing every window leaves the app
 * in the tray; "Quit" ends it. The built-in host and its computers keep running either way.
 */
import { app, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpc } from './ipc.js';
import { createAppServices } from '../../app/app-services.js';
import { createHandlers } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import { AppTray } from './tray.js';
import { AppWindows, harden } from './windows.js';

const log = logger('main');
/** out/main, where this file runs from once built. */
const here = dirname(fileURLToPath(import.meta.url));

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

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

  const windows = new AppWindows(join(here, '../preload/index.cjs'), join(root, 'out', 'electron-renderer'), (ctx) => services.feed.unwatch(ctx.id));
  app.on('web-contents-created', (_e, contents) => harden(contents, windows.isAppUrl));
  // No camera, microphone, location from pages: full screen, the clipboard (the viewer's clipboard
  // sync and terminal copy/paste) and notifications (the activity panel's, for types the user picked).
  const allowed = new Set(['fullscreen', 'clipboard-sanitized-write', 'clipboard-read', 'notifications']);
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowed.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowed.has(permission));

  const unregister = registerIpc(createHandlers(services, windows), windows, services);
  let tray: AppTray | null = null;
  let quitting = false;
  const quit = () => {
    quitting = true;
    app.quit();
  };
  try {
    tray = new AppTray(services, windows, join(root, 'resources', 'tray'), quit);
  } catch (e) {
    log.warn(`no tray on this desktop (${e}); closing the last window quits`);
  }

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
