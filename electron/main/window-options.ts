/**
 * The one options factory every window comes from, and the rule for what may leave the app.
 * Pure (only Electron's types), so it is unit-tested without Electron.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

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
