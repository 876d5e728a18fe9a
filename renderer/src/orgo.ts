/** The app's API as the renderer sees it: `window.orgo`, put there by the preload or the bridge. */
import type { OrgoApi } from '../../shared/ipc/api';

declare global {
  interface Window {
    orgo: OrgoApi;
  }
}

export const orgo: OrgoApi = window.orgo;
export { OrgoIpcError } from '../../shared/ipc/api';
