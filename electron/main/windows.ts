/**
 * Every window of the app comes from one options factory (window-options.ts): sandboxed,
 * context-isolated, no Node, no webviews. Navigation away from the app and window.open are denied; http(s) links open in
 * the system browser and nothing else leaves the app. One window per computer's viewer, one
 * grid, one main window; opening again focuses the one that exists.
 */
import { app, BrowserWindow, dialog, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import type { EventName, Events } from '../../shared/ipc/channels.js';
import { IPC_EVENT } from '../../shared/ipc/channels.js';
import type { ClientContext, WindowHost } from '../../app/handlers.js';
import type { SenderCheck } from './sender.js';
import { externalOpener, originOf, pageBase, windowOptions, type WindowSpec } from './window-options.js';

export class AppWindows implements WindowHost, SenderCheck {
  private main: BrowserWindow | null = null;
  private grid: BrowserWindow | null = null;
  private readonly viewers = new Map<string, BrowserWindow>();
  private readonly contexts = new Map<number, ClientContext>();
  /**
   * The app's two pages (app://orgo/ in a build, the dev server under `electron-vite dev`):
   * index.html for the main window and the grid, viewer.html for a viewer (its code and noVNC preloaded).
   */
  private readonly pages: Record<'index' | 'viewer', string>;
  /** Their origin: the only one granted permissions (permissions.ts). */
  readonly origin: string;

  constructor(
    private readonly preload: string,
    private readonly onClosed: (ctx: ClientContext) => void,
  ) {
    const base = pageBase(app.isPackaged, process.env);
    this.pages = { index: new URL('index.html', base).href, viewer: new URL('viewer.html', base).href };
    this.origin = originOf(base)!;
  }

  isAppUrl = (url: string): boolean => {
    const page = url.split('#')[0];
    return page === this.pages.index || page === this.pages.viewer;
  };

  contextOf(webContentsId: number): ClientContext | undefined {
    return this.contexts.get(webContentsId);
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

  // The only shell.openExternal of the app (lint holds it), behind the http(s) gate.
  readonly openExternal = externalOpener((url) => shell.openExternal(url));

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
