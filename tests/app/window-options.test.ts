import { describe, expect, it } from 'vitest';
import { externalOpener, isHttpUrl, originOf, pageBase, windowOptions } from '../../electron/main/window-options.js';

describe('window options factory', () => {
  it('makes every window with exactly these web preferences: sandboxed, context-isolated, no Node, no webviews, nothing experimental', () => {
    const o = windowOptions({ title: 't', width: 800, height: 600, minWidth: 400, minHeight: 300 }, '/app/preload.cjs');
    // The exact set: a key added here (experimentalFeatures, enableBlinkFeatures, …) fails this test.
    expect(o.webPreferences).toStrictEqual({
      preload: '/app/preload.cjs',
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
    });
    expect(Object.keys(o).sort()).toEqual(['autoHideMenuBar', 'backgroundColor', 'height', 'minHeight', 'minWidth', 'show', 'title', 'webPreferences', 'width']);
    expect(o.show).toBe(false); // shown on ready-to-show: no white flash
  });

  it('lets only http(s) leave the app', () => {
    expect(isHttpUrl('https://www.orgo.ai/device')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:7391/device?user_code=WDJB-MJHT')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'orgo://x', 'app://orgo/index.html', 'not a url', '']) expect(isHttpUrl(bad)).toBe(false);
  });

  it('opens outside only what passes the gate', async () => {
    const opened: string[] = [];
    const open = externalOpener(async (u) => void opened.push(u));
    await open('https://www.orgo.ai/');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share']) await expect(open(bad)).rejects.toThrow(/Only web addresses/);
    expect(opened).toEqual(['https://www.orgo.ai/']);
  });
});

describe('where the pages come from', () => {
  it('is app://orgo/ when packaged, whatever ELECTRON_RENDERER_URL says', () => {
    expect(pageBase(true, {})).toBe('app://orgo/');
    expect(pageBase(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe('app://orgo/');
    expect(pageBase(true, { ELECTRON_RENDERER_URL: 'http://evil.example/' })).toBe('app://orgo/');
  });

  it('is the dev server on this machine while developing, and nothing else', () => {
    expect(pageBase(false, {})).toBe('app://orgo/');
    expect(pageBase(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe('http://localhost:5173/');
    expect(pageBase(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' })).toBe('http://127.0.0.1:5173/');
    for (const bad of ['http://evil.example:5173', 'https://localhost.evil.example/', 'file:///tmp/x/', 'http://10.0.0.2:5173']) expect(() => pageBase(false, { ELECTRON_RENDERER_URL: bad }), bad).toThrow(/dev server on this machine/);
  });

  it('names origins, custom schemes included', () => {
    expect(originOf('app://orgo/index.html#/x')).toBe('app://orgo');
    expect(originOf('http://localhost:5173/viewer.html')).toBe('http://localhost:5173');
    expect(originOf('file:///x/index.html')).toBe(null);
    expect(originOf('not a url')).toBe(null);
    expect(originOf(undefined)).toBe(null);
  });
});
