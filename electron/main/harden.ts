/**
 * Applied to every web contents the app ever creates (app.on('web-contents-created')): no
 * window.open (http(s) goes to the system browser), no navigation away from the app's pages
 * (http(s) goes out the same way, anything else is dropped), no <webview>. Only Electron's types
 * here, with openExternal passed in, so a test drives it with the objects Electron passes.
 */
import type { WebContents } from 'electron';
import { isHttpUrl } from './window-options.js';

/** The part of WebContents this uses. */
export type Hardenable = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export function harden(contents: Hardenable, isAppUrl: (url: string) => boolean, openExternal: (url: string) => unknown, warn: (s: string) => void = () => {}): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isHttpUrl(url)) void openExternal(url);
    return { action: 'deny' };
  });
  // Electron 45 passes the address on the event (details.url); the positional url is deprecated.
  const stay = (details: { url: string; preventDefault(): void }) => {
    if (isAppUrl(details.url)) return;
    details.preventDefault();
    if (isHttpUrl(details.url)) void openExternal(details.url);
    else warn(`blocked navigation to ${details.url.slice(0, 100)}`);
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  // Subframes (the pages have none: frame-src 'none'): never anywhere but our pages, and never
  // opened outside either (will-navigate above already handles the main frame's, once).
  contents.on('will-frame-navigate', (details) => {
    if (details.isMainFrame || isAppUrl(details.url)) return;
    details.preventDefault();
    warn(`blocked a frame's navigation to ${details.url.slice(0, 100)}`);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
