import { describe, expect, it } from 'vitest';
import { isHttpUrl, windowOptions } from '../../electron/main/window-options.js';

describe('window options factory', () => {
  it('makes every window sandboxed, context-isolated, without Node or webviews', () => {
    const o = windowOptions({ title: 't', width: 800, height: 600, minWidth: 400, minHeight: 300 }, '/app/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(o.show).toBe(false); // shown on ready-to-show: no white flash
  });

  it('lets only http(s) leave the app', () => {
    expect(isHttpUrl('https://www.orgo.ai/device')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:7391/device?user_code=WDJB-MJHT')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'orgo://x', 'not a url', '']) expect(isHttpUrl(bad)).toBe(false);
  });
});
