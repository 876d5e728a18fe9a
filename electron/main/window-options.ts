/**
 * The one options factory every window comes from, and the rule for what may leave the app.
 * Pure (only Electron's types), so it is unit-tested without Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from '../pages/app-scheme.js';

export interface WindowSpec {
  title: string;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** Only web addresses are handed to the system browser; file:, javascript:, custom schemes never. */
export function isHttpUrl(url: string): boolean {
  try {
    const p = new URL(url).protocol;
    return p === 'http:' || p === 'https:';
  } catch {
    return false;
  }
}

/**
 * Where the windows' pages come from: app://orgo/ (electron/pages/app-scheme.ts), or the dev
 * server `electron-vite dev` names in ELECTRON_RENDERER_URL, only while developing (not packaged)
 * and only on this machine. A packaged app never honours it: whoever sets the app's environment
 * would otherwise load any page into windows that have the preload, and the sender check would
 * accept it.
 */
export function pageBase(isPackaged: boolean, env: NodeJS.ProcessEnv): string {
  const dev = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !dev) return `${APP_ORIGIN}/`;
  const url = new URL(dev);
  if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) throw new Error(`ELECTRON_RENDERER_URL must be the dev server on this machine (http://localhost:…), not ${dev}`);
  return url.href.replace(/\/?$/, '/');
}

/** A page's origin, custom schemes included (Node's URL says "null" for those). */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

/**
 * The one way out to the system browser: every call site (window.open, navigation, the IPC
 * `external.open`, device login's approval page) goes through this, and it passes only http(s).
 */
export function externalOpener(open: (url: string) => Promise<void>): (url: string) => Promise<void> {
  return async (url) => {
    if (!isHttpUrl(url)) throw new Error('Only web addresses (http, https) are opened outside the app');
    await open(url);
  };
}

export function windowOptions(spec: WindowSpec, preload: string): BrowserWindowConstructorOptions {
  return {
    ...spec,
    show: false,
    backgroundColor: '#0d0f14',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}
