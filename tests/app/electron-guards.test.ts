/**
 * The functions Electron calls, called as Electron calls them (its binary cannot run here):
 * harden() with a web contents' handlers and its event objects, the IPC door with invoke events
 * from our windows and from strangers, and the permission handlers with Electron's arguments.
 */
import { describe, expect, it } from 'vitest';
import type { ClientContext, Handlers } from '../../app/handlers.js';
import { harden } from '../../electron/main/harden.js';
import { ALLOWED_PERMISSIONS, permissionHandlers } from '../../electron/main/permissions.js';
import { invokeHandler, isTrustedSender, type SenderCheck } from '../../electron/main/sender.js';

const APP = 'app://orgo';
const isAppUrl = (url: string) => ['app://orgo/index.html', 'app://orgo/viewer.html'].includes(url.split('#')[0]!);

/** A web contents as harden() sees it: records the handlers Electron would call. */
function contents() {
  const listeners = new Map<string, (...a: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  return {
    wc: {
      setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
      on: (event: string, l: (...a: unknown[]) => void) => void listeners.set(event, l),
    },
    windowOpen: (url: string) => openHandler!({ url }),
    /** Fires `event` as Electron 45 does: an event object with the url, then the deprecated positional url. */
    navigate(event: string, url: string, isMainFrame = true) {
      let prevented = false;
      listeners.get(event)!({ url, isMainFrame, preventDefault: () => (prevented = true) }, url, false, isMainFrame);
      return prevented;
    },
    listeners,
  };
}

describe('harden(): new windows, navigation, webviews', () => {
  it('denies every window.open; http(s) goes to the system browser, nothing else does', () => {
    const c = contents();
    const out: string[] = [];
    harden(c.wc as never, isAppUrl, (u) => out.push(u));
    for (const url of ['https://www.orgo.ai/', 'http://127.0.0.1:7391/device', 'file:///etc/passwd', 'javascript:alert(1)', 'app://orgo/index.html', 'smb://x/y']) expect(c.windowOpen(url)).toEqual({ action: 'deny' });
    expect(out).toEqual(['https://www.orgo.ai/', 'http://127.0.0.1:7391/device']);
  });

  it('lets a window move only between the app\'s pages; web addresses open outside, the rest is dropped', () => {
    for (const event of ['will-navigate', 'will-redirect']) {
      const c = contents();
      const out: string[] = [];
      const warned: string[] = [];
      harden(c.wc as never, isAppUrl, (u) => out.push(u), (s) => warned.push(s));
      expect(c.navigate(event, 'app://orgo/index.html#/grid'), event).toBe(false);
      expect(c.navigate(event, 'app://orgo/viewer.html#/viewer/x')).toBe(false);
      expect(c.navigate(event, 'https://evil.example/')).toBe(true);
      expect(c.navigate(event, 'file:///etc/passwd')).toBe(true);
      expect(c.navigate(event, 'app://orgo/other.html')).toBe(true);
      expect(c.navigate(event, 'app://evil/index.html')).toBe(true);
      expect(out).toEqual(['https://evil.example/']);
      expect(warned).toHaveLength(3);
    }
  });

  it('keeps subframes on the app\'s pages, and opens nothing outside for them (the main frame is will-navigate\'s, once)', () => {
    const c = contents();
    const out: string[] = [];
    harden(c.wc as never, isAppUrl, (u) => out.push(u));
    expect(c.navigate('will-frame-navigate', 'https://evil.example/', false)).toBe(true);
    expect(c.navigate('will-frame-navigate', 'file:///etc/passwd', false)).toBe(true);
    expect(c.navigate('will-frame-navigate', 'app://orgo/index.html', false)).toBe(false);
    // The main frame's navigation also fires will-frame-navigate: left to will-navigate, so a link opens one browser tab, not two.
    expect(c.navigate('will-frame-navigate', 'https://www.orgo.ai/', true)).toBe(false);
    expect(out).toEqual([]);
  });

  it('refuses every <webview>', () => {
    const c = contents();
    harden(c.wc as never, isAppUrl, () => {});
    let prevented = false;
    c.listeners.get('will-attach-webview')!({ preventDefault: () => (prevented = true) }, {}, { src: 'https://x' });
    expect(prevented).toBe(true);
  });
});

describe('the IPC door (sender check)', () => {
  const ctx: ClientContext = { id: 'win-7', emit: () => {} };
  const windows: SenderCheck = { contextOf: (id) => (id === 7 ? ctx : undefined), isAppUrl };
  const top = { url: 'app://orgo/index.html#/' };
  const calls: unknown[] = [];
  const handlers = { 'app.info': async () => (calls.push('app.info'), { version: 'x' }) } as unknown as Handlers;
  const invoke = invokeHandler(handlers, windows);

  it('answers the top frame of our window showing our page', async () => {
    expect(isTrustedSender({ sender: { id: 7, mainFrame: top }, senderFrame: top }, windows)).toBe(true);
    expect(await invoke({ sender: { id: 7, mainFrame: top }, senderFrame: top }, 'app.info', undefined)).toEqual({ ok: true, value: { version: 'x' } });
  });

  it('refuses (untrusted_sender) subframes, other pages, other windows and a missing frame, before any handler runs', async () => {
    calls.length = 0;
    const sub = { url: 'app://orgo/index.html' };
    const other = { url: 'https://evil.example/' };
    const devtools = { url: 'devtools://devtools/bundled/inspector.html' };
    const strangers = [
      { sender: { id: 7, mainFrame: top }, senderFrame: sub }, // a subframe, even on our URL
      { sender: { id: 7, mainFrame: other }, senderFrame: other }, // our window, navigated away
      { sender: { id: 7, mainFrame: devtools }, senderFrame: devtools },
      { sender: { id: 8, mainFrame: top }, senderFrame: top }, // a web contents we did not create
      { sender: { id: 7, mainFrame: top }, senderFrame: null }, // the frame is gone
      { sender: { id: 7, mainFrame: { url: 'app://orgo/index.html.evil' } }, senderFrame: { url: 'app://orgo/index.html.evil' } },
    ];
    for (const e of strangers) {
      expect(isTrustedSender(e, windows)).toBe(false);
      expect(await invoke(e, 'app.info', undefined)).toEqual({ ok: false, error: { message: 'Refused: this page is not part of Orgo Desktop', code: 'untrusted_sender' } });
    }
    expect(calls).toEqual([]);
  });
});

describe('permission handlers', () => {
  const { request, check } = permissionHandlers(APP);
  const ask = (permission: string, details: { requestingUrl: string; isMainFrame: boolean }) =>
    new Promise<boolean>((resolve) => request({} as never, permission as never, resolve, details as never));

  it('grants our pages exactly the listed permissions', async () => {
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'loopback-network', 'notifications']);
    for (const p of ALLOWED_PERMISSIONS) {
      expect(await ask(p, { requestingUrl: 'app://orgo/viewer.html#/viewer/x', isMainFrame: true }), p).toBe(true);
      expect(check(null, p as never, APP, { isMainFrame: true, requestingUrl: 'app://orgo/index.html' }), p).toBe(true);
    }
  });

  it('refuses everything else, even to our pages', async () => {
    for (const p of ['media', 'geolocation', 'display-capture', 'openExternal', 'hid', 'usb', 'serial', 'midiSysex', 'local-network', 'pointerLock', 'unknown']) {
      expect(await ask(p, { requestingUrl: 'app://orgo/index.html', isMainFrame: true }), p).toBe(false);
      expect(check(null, p as never, APP, { isMainFrame: true }), p).toBe(false);
    }
  });

  it('refuses every other origin and our origin embedded in another', async () => {
    for (const url of ['https://evil.example/', 'file:///x/index.html', 'app://evil/index.html', 'http://127.0.0.1:5173/index.html', 'about:blank', '']) {
      expect(await ask('notifications', { requestingUrl: url, isMainFrame: true }), url).toBe(false);
      expect(check(null, 'notifications', url.replace(/\/[^/]*$/, ''), { isMainFrame: true }), url).toBe(false);
    }
    expect(await ask('fullscreen', { requestingUrl: 'app://orgo/index.html', isMainFrame: false })).toBe(false);
    expect(check(null, 'fullscreen', APP, { isMainFrame: false, embeddingOrigin: 'https://evil.example' })).toBe(false);
  });
});
