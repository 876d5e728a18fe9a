/**
 * Electron's side of the IPC contract: one handler for every call, wrapped once. It refuses any
 * sender that is not the top frame of one of our windows showing our page, then goes through
 * the same dispatch (validation, handler, error in words) as browser mode.
 */
import { ipcMain } from 'electron';
import { IPC_INVOKE, type IpcResult } from '../../shared/ipc/channels.js';
import type { AppServices } from '../../app/app-services.js';
import { dispatch } from '../../app/dispatch.js';
import type { Handlers } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import type { AppWindows } from './windows.js';

const log = logger('ipc');

export function registerIpc(handlers: Handlers, windows: AppWindows, services: AppServices): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, input: unknown): Promise<IpcResult<unknown>> => {
    if (!windows.trusted(event)) {
      log.warn(`refused a call from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
      return { ok: false, error: { message: 'Refused: this page is not part of Orgo Desktop', code: 'untrusted_sender' } };
    }
    return dispatch(handlers, channel, input, windows.contextFor(event.sender));
  });
  const unsubscribe = services.subscribe((event, payload) => windows.broadcast(event, payload));
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
