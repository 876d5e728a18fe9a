/**
 * Every window of the app comes from one options factory (window-options.ts): sandboxed,
 * context-isolated, no Node, no webviews. Navigation away from the app and window.open are denied; http(s) links open in
 * the system browser and nothing else leaves the app. One window per computer's viewer, one
 * grid, one main window; opening again focuses the one that exists.
 */
import { app, BrowserWindow, dialog, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventName, Events } from '../../shared/ipc/channels.js';
import { IPC_EVENT } from '../../shared/ipc/channels.js';
import type { ClientContext, WindowHost } from '../../app/handlers.js';
import { logger } from '../../app/log.js';
import { isHttpUrl, windowOptions, type WindowSpec } from './window-options.js';

const log = logger('windows');

/** Applied to every web contents the app ever creates (app.on('web-contents-created')). */
export function harden(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isHttpUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isHttpUrl(url)) void shell.openExternal(url);
    else log.warn(`blocked navigation to ${url.slice(0, 100)}`);
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export class AppWindows implements WindowHost {
  private main: BrowserWindow | null = null;
  private grid: BrowserWindow | null = null;
  private readonly viewers = new Map<string, BrowserWindow>();
  private readonly contexts = new Map<number, ClientContext>();
  /**
   * The app's two pages (file:// in a build, the dev server under `electron-vite dev`): index.html
   * for the main window and the grid, viewer.html for a viewer (its code and noVNC preloaded).
   */
  private readonly pages: Record<'index' | 'viewer', string>;

  constructor(
    private readonly preload: string,
    rendererDir: string,
    private readonly onClosed: (ctx: ClientContext) => void,
  ) {
    const base = process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL.replace(/\/?$/, '/') : pathToFileURL(join(rendererDir, '/')).href;
    this.pages = { index: new URL('index.html', base).href, viewer: new URL('viewer.html', base).href };
  }

  isAppUrl = (url: string): boolean => {
    const page = url.split('#')[0];
    return page === this.pages.index || page === this.pages.viewer;
  };

  /** A call may come only from the top frame of one of our windows, showing our page. */
  trusted(event: IpcMainInvokeEvent): boolean {
    const frame = event.senderFrame;
    return !!frame && frame === event.sender.mainFrame && this.contexts.has(event.sender.id) && this.isAppUrl(frame.url);
  }

  contextFor(contents: WebContents): ClientContext {
    return this.contexts.get(contents.id)!;
  }

  broadcast<E extends EventName>(event: E, payload: Events[E]): void {
    for (const ctx of this.contexts.values()) ctx.emit(event, payload);
  }

  private create(spec: WindowSpec, page: 'index' | 'viewer', hash: string): BrowserWindow {
    const win = new BrowserWindow(windowOptions(spec, this.preload));
    const contents = win.webContents;
    const id = contents.id;
    const ctx: ClientContext = { id: `win-${id}`, emit: (event, payload) => !contents.isDestroyed() && contents.send(IPC_EVENT, event, payload) };
    this.contexts.set(id, ctx);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      this.contexts.delete(id);
      this.onClosed(ctx);
    });
    const url = new URL(this.pages[page]);
    url.hash = hash;
    void win.loadURL(url.toString());
    return win;
  }

  private focus(win: BrowserWindow): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  openMain(): void {
    this.showMain();
  }

  private showMain(): BrowserWindow {
    if (this.main && !this.main.isDestroyed()) {
      this.focus(this.main);
      return this.main;
    }
    this.main = this.create({ title: 'Orgo Desktop', width: 1180, height: 780, minWidth: 760, minHeight: 480 }, 'index', '/');
    this.main.on('closed', () => (this.main = null));
    return this.main;
  }

  openViewer(computer: { id: string; name: string }): void {
    const open = this.viewers.get(computer.id);
    if (open && !open.isDestroyed()) return this.focus(open);
    const win = this.create({ title: `${computer.name} — Orgo Desktop`, width: 1296, height: 818, minWidth: 480, minHeight: 320 }, 'viewer', `/viewer/${encodeURIComponent(computer.id)}`);
    this.viewers.set(computer.id, win);
    win.on('closed', () => this.viewers.delete(computer.id));
  }

  openGrid(): void {
    if (this.grid && !this.grid.isDestroyed()) return this.focus(this.grid);
    this.grid = this.create({ title: 'Running computers — Orgo Desktop', width: 1240, height: 820, minWidth: 520, minHeight: 360 }, 'index', '/grid');
    this.grid.on('closed', () => (this.grid = null));
  }

  async openExternal(url: string): Promise<void> {
    if (!isHttpUrl(url)) throw new Error('Only web addresses (http, https) are opened outside the app');
    await shell.openExternal(url);
  }

  async chooseSavePath(suggestedName: string, ctx: ClientContext): Promise<string | null> {
    const owner = [...this.contexts.entries()].find(([, c]) => c === ctx)?.[0];
    const win = BrowserWindow.getAllWindows().find((w) => w.webContents.id === owner);
    const options = { title: 'Save file', defaultPath: join(app.getPath('downloads'), suggestedName) };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  }

  /** Tray: "New computer…" opens the main window with the create dialog. */
  command(command: 'new-computer'): void {
    const win = this.showMain();
    const send = () => this.contextFor(win.webContents)?.emit('app.command', { command });
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', () => setTimeout(send, 150));
    else send();
  }
}
