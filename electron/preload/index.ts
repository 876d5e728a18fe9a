/**
 * The preload script (sandboxed): exposes `window.orgo`, small named functions built from the
 * shared IPC contract, and nothing else. ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildApi, type Transport } from '../../shared/ipc/api.js';
import { IPC_EVENT, IPC_INVOKE, type EventName, type IpcResult } from '../../shared/ipc/channels.js';

// The one place the typed contract meets Electron's transport (eslint.config.js: ipcRenderer is
// named nowhere else, and here only ever as the object of a call).
const transport: Transport = {
  invoke: (channel, input) => ipcRenderer.invoke(IPC_INVOKE, channel, input) as Promise<IpcResult<unknown>>,
  listen: (listener) => {
    const handler = (_e: IpcRendererEvent, event: EventName, payload: unknown) => listener(event, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('orgo', buildApi(transport));

// Dropped files go to main by path (main streams them from disk); the page never reads their bytes.
contextBridge.exposeInMainWorld('orgoFiles', { pathFor: (file: File) => webUtils.getPathForFile(file) });
