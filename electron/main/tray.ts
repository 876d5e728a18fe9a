/**
 * The tray: a status icon and a menu built by trayMenu() from the session and the live list.
 * Actions from the menu go through the same services as the windows; failures become system
 * notifications in words.
 */
import { app, dialog, Menu, Notification, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { AppServices } from '../../app/app-services.js';
import { CliInstallRefused, installCli } from '../../app/cli-install.js';
import { describeError } from '../../app/errors.js';
import { stopAll } from '../../app/handlers.js';
import { stopAllAnswer, stopAllQuestion } from '../../shared/ipc/stop-all.js';
import { trayMenu, trayStatus, type TrayAction, type TrayItem, type TrayState } from './tray-menu.js';
import type { AppWindows } from './windows.js';

export class AppTray {
  private readonly tray: Tray;
  private signedIn = false;
  private profileName = '';

  constructor(
    private readonly services: AppServices,
    private readonly windows: AppWindows,
    private readonly iconsDir: string,
    private readonly quit: () => void,
    /** The CLI bundle's entry, which "Install the orgo command" points a launcher at. */
    private readonly cliPath: string,
  ) {
    this.tray = new Tray(this.icon('idle'));
    this.tray.on('click', () => this.windows.openMain());
    services.subscribe((event, payload) => {
      if (event === 'session.changed') {
        const v = payload as Awaited<ReturnType<AppServices['session']['view']>>;
        this.signedIn = v.signedIn;
        this.profileName = v.profiles.find((p) => p.id === v.activeId)?.name ?? '';
      }
      if (event === 'session.changed' || event === 'computers.changed') this.update();
    });
    void services.session.view().then((v) => {
      this.signedIn = v.signedIn;
      this.profileName = v.profiles.find((p) => p.id === v.activeId)?.name ?? '';
      this.update();
    });
    // The tray lists computers whether or not a window is open.
    void services.feed.watch('tray').catch(() => {});
  }

  private icon(name: string) {
    return nativeImage.createFromPath(join(this.iconsDir, `${name}.png`));
  }

  private state(): TrayState {
    const snap = this.services.feed.current();
    return { profileName: this.profileName, signedIn: this.signedIn || snap.loaded, loaded: snap.loaded, error: snap.error, computers: snap.computers, hostDown: snap.hostDown };
  }

  update(): void {
    const s = this.state();
    const status = trayStatus(s);
    this.tray.setImage(this.icon(status.icon));
    this.tray.setToolTip(status.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenu(s).map((i) => this.template(i))));
  }

  private template(item: TrayItem): MenuItemConstructorOptions {
    if (item.type === 'separator') return { type: 'separator' };
    return {
      label: item.label,
      enabled: item.enabled ?? true,
      ...(item.submenu ? { submenu: item.submenu.map((i) => this.template(i)) } : {}),
      ...(item.action ? { click: () => void this.perform(item.action!) } : {}),
    };
  }

  private async perform(action: TrayAction): Promise<void> {
    const notify = (title: string, body: string) => Notification.isSupported() && new Notification({ title, body }).show();
    try {
      switch (action.kind) {
        case 'open-main':
          this.windows.openMain();
          break;
        case 'new-computer':
          this.windows.command('new-computer');
          break;
        case 'open-grid':
          this.windows.openGrid();
          break;
        case 'open-viewer': {
          const c = this.services.feed.current().computers.find((x) => x.id === action.id);
          this.windows.openViewer({ id: action.id, name: c?.name ?? 'computer' });
          break;
        }
        case 'start':
        case 'stop': {
          const { client } = await this.services.session.client();
          this.services.feed.poke();
          await (action.kind === 'start' ? client.startComputer(action.id) : client.stopComputer(action.id));
          this.services.feed.poke();
          break;
        }
        case 'stop-all': {
          // The same question as the page's (shared/ipc/stop-all.ts): how many, before any stops.
          const running = this.services.feed.current().computers.filter((c) => c.status === 'running').length;
          const q = stopAllQuestion(running, this.profileName);
          const { response } = await dialog.showMessageBox({ type: 'warning', title: q.title, message: q.title, detail: q.body, buttons: ['Cancel', q.confirm], defaultId: 0, cancelId: 0 });
          if (response !== 1) break;
          const a = stopAllAnswer(await stopAll(this.services));
          notify(a.title, a.detail);
          break;
        }
        case 'install-cli':
          this.installCli();
          break;
        case 'quit':
          this.quit();
          break;
      }
    } catch (e) {
      notify('Orgo Desktop', describeError(e).message);
    }
  }

  private installCli(): void {
    try {
      // The app's own Electron runs the bundle as Node (the launcher sets ELECTRON_RUN_AS_NODE).
      const r = installCli({ home: app.getPath('home'), execPath: process.execPath, cliPath: this.cliPath, pathEnv: process.env.PATH });
      void dialog.showMessageBox({ type: 'info', title: 'Orgo Desktop', message: 'The orgo command', detail: r.message });
    } catch (e) {
      const refused = e instanceof CliInstallRefused;
      void dialog.showMessageBox({ type: refused ? 'warning' : 'error', title: 'Orgo Desktop', message: 'The orgo command was not installed', detail: describeError(e).message });
    }
  }

  destroy(): void {
    this.services.feed.unwatch('tray');
    this.tray.destroy();
  }
}
