/** The app's API as the renderer sees it: `window.orgo`, put there by the preload or the bridge. */
import type { OrgoApi } from '../../shared/ipc/api';

declare global {
  interface Window {
    orgo: OrgoApi;
  }
}

// Absent where the main window's first view is rendered on the server (first-view.tsx), which
// calls none of it: only effects and handlers do.
export const orgo: OrgoApi = typeof window === 'undefined' ? (undefined as unknown as OrgoApi) : window.orgo;
export { OrgoIpcError } from '../../shared/ipc/api';
