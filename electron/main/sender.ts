/**
 * Electron's side of the IPC door, without Electron: a call is answered only when it comes from
 * the top frame of one of our windows, showing one of our pages; anything else gets the
 * `untrusted_sender` refusal and never reaches validation or a handler. Only Electron's types
 * here, so a test drives it with the event objects ipcMain.handle passes.
 */
import type { IpcMainInvokeEvent } from 'electron';
import type { IpcResult } from '../../shared/ipc/channels.js';
import { dispatch } from '../../app/dispatch.js';
import type { ClientContext, Handlers } from '../../app/handlers.js';

/** The part of an invoke event (IpcMainInvokeEvent) this reads: who sent it, and from which frame. */
export type InvokeEvent = { sender: { id: number; mainFrame: unknown }; senderFrame: { url: string } | null };
// Electron's own event must fit it.
export type _Fits = IpcMainInvokeEvent extends InvokeEvent ? true : never;

export interface SenderCheck {
  /** The context of a window this app created, by its web contents' id. */
  contextOf(webContentsId: number): ClientContext | undefined;
  isAppUrl(url: string): boolean;
}

export function isTrustedSender(event: InvokeEvent, windows: SenderCheck): boolean {
  const frame = event.senderFrame;
  // mainFrame is the same object as senderFrame for the top frame (Electron keeps one per frame).
  return !!frame && frame === event.sender.mainFrame && windows.contextOf(event.sender.id) !== undefined && windows.isAppUrl(frame.url);
}

export const UNTRUSTED: IpcResult<never> = { ok: false, error: { message: 'Refused: this page is not part of Orgo Desktop', code: 'untrusted_sender' } };

/** What ipcMain.handle(IPC_INVOKE, …) runs. */
export function invokeHandler(handlers: Handlers, windows: SenderCheck, warn: (s: string) => void = () => {}) {
  return async (event: InvokeEvent, channel: unknown, input: unknown): Promise<IpcResult<unknown>> => {
    if (!isTrustedSender(event, windows)) {
      warn(`refused a call from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
      return UNTRUSTED;
    }
    return dispatch(handlers, channel, input, windows.contextOf(event.sender.id)!);
  };
}
