/**
 * Electron's side of the IPC contract: one handler for every call, wrapped once (sender.ts): it
 * refuses any sender that is not the top frame of one of our windows showing our page, then goes
 * through the same dispatch (validation, handler, error in words) as browser mode.
 */
import { ipcMain } from 'electron';
import { IPC_INVOKE } from '../../shared/ipc/channels.js';
import type { AppServices } from '../../app/app-services.js';
import type { Handlers } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import { invokeHandler } from './sender.js';
import type { AppWindows } from './windows.js';

const log = logger('ipc');

export function registerIpc(handlers: Handlers, windows: AppWindows, services: AppServices): () => void {
  ipcMain.handle(IPC_INVOKE, invokeHandler(handlers, windows, (s) => log.warn(s)));
  const unsubscribe = services.subscribe((event, payload) => windows.broadcast(event, payload));
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
