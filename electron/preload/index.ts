/**
 * The preload script (sandboxed): exposes `window.orgo`, small named functions built from the
 * shared IPC contract, and nothing else. ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildApi, type Transport } from '../../shared/ipc/api.js';
import { IPC_EVENT, IPC_INVOKE, type EventName, type IpcResult } from '../../shared/ipc/channels.js';

// The one place the typed contract meets Electron's transport (the lint rule guards the rest).
const transport: Transport = {
  // eslint-disable-next-line no-restricted-syntax -- the contract's only call channel
  invoke: (channel, input) => ipcRenderer.invoke(IPC_INVOKE, channel, input) as Promise<IpcResult<unknown>>,
  listen: (listener) => {
    const handler = (_e: IpcRendererEvent, event: EventName, payload: unknown) => listener(event, payload);
    // eslint-disable-next-line no-restricted-syntax -- the contract's only event channel
    ipcRenderer.on(IPC_EVENT, handler);
    // eslint-disable-next-line no-restricted-syntax -- and its removal
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('orgo', buildApi(transport));

// Dropped files go to main by path (main streams them from disk); the page never reads their bytes.
contextBridge.exposeInMainWorld('orgoFiles', { pathFor: (file: File) => webUtils.getPathForFile(file) });
