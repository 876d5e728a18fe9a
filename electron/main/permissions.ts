/**
 * What a page may ask Chromium for, and who may ask. Only the app's own pages (their origin,
 * top frame), and only: full screen (the viewer's), the clipboard (the viewer's clipboard sync
 * and the terminal's copy/paste: sanitized write and read), notifications (the activity panel's,
 * for the event types the user picked), and loopback network (the pages' WebSockets to main's
 * relays on 127.0.0.1, which Chromium's Local Network Access may gate for a custom scheme's
 * origin). No camera, microphone, location, screen capture, devices, or anything else.
 * Only Electron's types here, so a test calls the handlers as Electron does.
 */
import type { Session } from 'electron';
import { originOf } from './window-options.js';

export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['fullscreen', 'clipboard-sanitized-write', 'clipboard-read', 'notifications', 'loopback-network']);

type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;

export function permissionHandlers(appOrigin: string): { request: RequestHandler; check: CheckHandler } {
  return {
    request: (_contents, permission, callback, details) => {
      const ours = details.isMainFrame && originOf(details.requestingUrl) === appOrigin;
      callback(ours && ALLOWED_PERMISSIONS.has(permission));
    },
    check: (_contents, permission, requestingOrigin, details) => {
      // embeddingOrigin is set only for a cross-origin subframe: never ours.
      const ours = originOf(requestingOrigin) === appOrigin && !details.embeddingOrigin;
      return ours && ALLOWED_PERMISSIONS.has(permission);
    },
  };
}
