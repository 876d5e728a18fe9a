/**
 * The tray's menu and icon as a pure function of the app's state, so they are tested without
 * Electron (tray.ts turns the items into Electron's Menu). Computers are listed with what can
 * be done to each now; long lists are cut with a way to see the rest.
 */
import type { ComputerView, HostDownView } from '../../shared/ipc/types.js';

export type TrayAction =
  | { kind: 'open-main' }
  | { kind: 'new-computer' }
  | { kind: 'open-grid' }
  | { kind: 'open-viewer'; id: string }
  | { kind: 'start'; id: string }
  | { kind: 'stop'; id: string }
  | { kind: 'stop-all' }
  | { kind: 'install-cli' }
  | { kind: 'quit' };

export interface TrayItem {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu';
  enabled?: boolean;
  action?: TrayAction;
  submenu?: TrayItem[];
}

export interface TrayState {
  profileName: string;
  signedIn: boolean;
  loaded: boolean;
  error: string | null;
  computers: ComputerView[];
  /** The host does not answer (app/host-health.ts). */
  hostDown?: HostDownView | null;
}

export type TrayIcon = 'idle' | 'running' | 'busy' | 'error';

export const MAX_LISTED = 10;
const BUSY = new Set(['creating', 'starting', 'stopping', 'restarting', 'deleting']);
const SEP: TrayItem = { type: 'separator' };

const STATUS_WORD: Record<string, string> = {
  creating: 'creating…',
  starting: 'starting…',
  running: 'running',
  stopping: 'stopping…',
  stopped: 'stopped',
  suspended: 'suspended',
  restarting: 'restarting…',
  deleting: 'deleting…',
  error: 'error',
  unknown: 'unknown (host not answering)',
};

function computerItem(c: ComputerView): TrayItem {
  const running = c.status === 'running';
  const busy = BUSY.has(c.status);
  const mark = running ? '●' : busy ? '◐' : c.status === 'error' ? '✕' : '○';
  return {
    label: `${mark}  ${c.name} — ${STATUS_WORD[c.status] ?? c.status}`,
    type: 'submenu',
    submenu: [
      { label: 'Open viewer', enabled: running, action: { kind: 'open-viewer', id: c.id } },
      running || c.status === 'stopping'
        ? { label: 'Stop', enabled: running, action: { kind: 'stop', id: c.id } }
        : { label: 'Start', enabled: !busy && c.status !== 'suspended', action: { kind: 'start', id: c.id } },
    ],
  };
}

export function trayMenu(s: TrayState): TrayItem[] {
  const running = s.computers.filter((c) => c.status === 'running').length;
  const items: TrayItem[] = [{ label: `Orgo Desktop — ${s.profileName}`, enabled: false }];
  if (!s.signedIn) {
    items.push({ label: 'Not signed in', enabled: false }, SEP, { label: 'Sign in…', action: { kind: 'open-main' } });
  } else if (!s.loaded) {
    items.push({ label: s.error ? `Cannot reach the server: ${s.error}` : 'Loading computers…', enabled: false });
  } else {
    items.push({ label: `${running} of ${s.computers.length} computer${s.computers.length === 1 ? '' : 's'} running`, enabled: false });
    if (s.hostDown) items.push({ label: s.hostDown.restarting ? 'The built-in host stopped answering: restarting it…' : `The host is not answering: ${s.hostDown.message}`, enabled: false });
    else if (s.error) items.push({ label: `Not refreshed: ${s.error}`, enabled: false });
    items.push(SEP);
    if (!s.computers.length) items.push({ label: 'No computers yet', enabled: false });
    // Running ones first: they are what a person reaches for from the tray.
    const ordered = [...s.computers].sort((a, b) => Number(b.status === 'running') - Number(a.status === 'running'));
    for (const c of ordered.slice(0, MAX_LISTED)) items.push(computerItem(c));
    if (ordered.length > MAX_LISTED) items.push({ label: `${ordered.length - MAX_LISTED} more in the main window…`, action: { kind: 'open-main' } });
  }
  items.push(
    SEP,
    { label: 'New computer…', enabled: s.signedIn, action: { kind: 'new-computer' } },
    { label: 'Open Orgo Desktop', action: { kind: 'open-main' } },
    { label: 'Grid view', enabled: running > 0, action: { kind: 'open-grid' } },
    // Asks first (tray.ts), as the page's "Stop all computers" does in browser mode.
    { label: running > 0 ? `Stop all computers (${running} running)…` : 'Stop all computers', enabled: running > 0 && !s.hostDown, action: { kind: 'stop-all' } },
    SEP,
    // The terminal's way in (app/cli-install.ts): an `orgo` launcher in ~/.local/bin.
    { label: 'Install the orgo command…', action: { kind: 'install-cli' } },
    { label: 'Quit', action: { kind: 'quit' } },
  );
  return items;
}

/** The tray icon and its tooltip. */
export function trayStatus(s: TrayState): { icon: TrayIcon; tooltip: string } {
  const running = s.computers.filter((c) => c.status === 'running').length;
  if (s.signedIn && s.loaded && s.computers.some((c) => c.status === 'error')) return { icon: 'error', tooltip: `Orgo Desktop — a computer needs attention` };
  if (s.computers.some((c) => BUSY.has(c.status))) return { icon: 'busy', tooltip: 'Orgo Desktop — working…' };
  if (running) return { icon: 'running', tooltip: `Orgo Desktop — ${running} running` };
  return { icon: 'idle', tooltip: s.signedIn ? 'Orgo Desktop — nothing running' : 'Orgo Desktop — not signed in' };
}
