import { describe, expect, it } from 'vitest';
import { MAX_LISTED, trayMenu, trayStatus, type TrayItem, type TrayState } from '../../electron/main/tray-menu.js';
import type { ComputerView } from '../../shared/ipc/types.js';

const computer = (name: string, status: ComputerView['status']): ComputerView => ({
  id: `id-${name}`,
  name,
  workspace_id: 'w',
  status,
  error_message: null,
  ram: 4,
  cpu: 1,
  disk_size_gb: 8,
  resolution: '1280x720x24',
  auto_stop_minutes: 0,
  instance_id: `i-${name}`,
  created_at: '2026-01-01T00:00:00Z',
});
const state = (computers: ComputerView[], extra: Partial<TrayState> = {}): TrayState => ({ profileName: 'This computer', signedIn: true, loaded: true, error: null, computers, ...extra });
const labels = (items: TrayItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));
const find = (items: TrayItem[], label: string) => items.find((i) => i.label === label)!;

describe('tray menu', () => {
  it('lists computers (running first) with start, stop and open, then the app commands', () => {
    const items = trayMenu(state([computer('idle-one', 'stopped'), computer('busy-one', 'running')]));
    expect(labels(items)).toEqual([
      'Orgo Desktop — This computer',
      '1 of 2 computers running',
      '---',
      '●  busy-one — running',
      '○  idle-one — stopped',
      '---',
      'New computer…',
      'Open Orgo Desktop',
      'Grid view',
      'Stop all computers (1 running)…',
      '---',
      'Install the orgo command…',
      'Quit',
    ]);
    expect(items[3]!.submenu).toEqual([
      { label: 'Open viewer', enabled: true, action: { kind: 'open-viewer', id: 'id-busy-one' } },
      { label: 'Stop', enabled: true, action: { kind: 'stop', id: 'id-busy-one' } },
    ]);
    expect(items[4]!.submenu).toEqual([
      { label: 'Open viewer', enabled: false, action: { kind: 'open-viewer', id: 'id-idle-one' } },
      { label: 'Start', enabled: true, action: { kind: 'start', id: 'id-idle-one' } },
    ]);
    expect(find(items, 'Stop all computers (1 running)…')).toMatchObject({ enabled: true, action: { kind: 'stop-all' } });
    expect(find(items, 'Quit').action).toEqual({ kind: 'quit' });
    expect(find(items, 'Install the orgo command…').action).toEqual({ kind: 'install-cli' });
  });

  it('cannot stop all or open the grid when nothing runs; busy computers cannot be started', () => {
    const items = trayMenu(state([computer('a', 'starting'), computer('b', 'stopped')]));
    expect(find(items, 'Stop all computers').enabled).toBe(false);
    expect(find(items, 'Grid view').enabled).toBe(false);
    const busy = items.find((i) => i.label?.includes(' a — '))!;
    expect(busy.label).toBe('◐  a — starting…');
    expect(busy.submenu![1]).toMatchObject({ label: 'Start', enabled: false });
  });

  it('says when the host does not answer, lists its computers as unknown, and stops nothing meanwhile', () => {
    const hostDown = { since: 0, message: 'nothing answers at that address (connection refused)', builtIn: false, restarting: false, url: 'http://h:1' };
    const items = trayMenu(state([computer('a', 'running'), { ...computer('b', 'stopped'), status: 'unknown' }], { hostDown, error: 'Could not reach the server' }));
    expect(labels(items)).toContain('The host is not answering: nothing answers at that address (connection refused)');
    expect(labels(items)).not.toContain('Not refreshed: Could not reach the server');
    expect(labels(items)).toContain('○  b — unknown (host not answering)');
    expect(find(items, 'Stop all computers (1 running)…').enabled).toBe(false);
    const restarting = trayMenu(state([], { hostDown: { ...hostDown, builtIn: true, restarting: true } }));
    expect(labels(restarting)).toContain('The built-in host stopped answering: restarting it…');
  });

  it('offers sign-in when there is no key', () => {
    const items = trayMenu(state([], { signedIn: false, loaded: false, profileName: 'Orgo cloud' }));
    expect(labels(items).slice(0, 4)).toEqual(['Orgo Desktop — Orgo cloud', 'Not signed in', '---', 'Sign in…']);
    expect(find(items, 'New computer…').enabled).toBe(false);
  });

  it('says when the server cannot be reached', () => {
    expect(labels(trayMenu(state([], { loaded: false, error: 'nothing answers at that address' })))[1]).toBe('Cannot reach the server: nothing answers at that address');
    expect(labels(trayMenu(state([computer('a', 'running')], { error: 'timeout' })))).toContain('Not refreshed: timeout');
  });

  it(`lists at most ${MAX_LISTED} computers and points to the rest`, () => {
    const many = Array.from({ length: 14 }, (_, i) => computer(`c${i}`, 'stopped'));
    const items = trayMenu(state(many));
    expect(items.filter((i) => i.type === 'submenu')).toHaveLength(MAX_LISTED);
    expect(find(items, '4 more in the main window…').action).toEqual({ kind: 'open-main' });
  });

  it('shows no computers yet on an empty account', () => {
    expect(labels(trayMenu(state([])))).toContain('No computers yet');
  });
});

describe('tray icon', () => {
  it('reflects what the computers are doing', () => {
    expect(trayStatus(state([]))).toEqual({ icon: 'idle', tooltip: 'Orgo Desktop — nothing running' });
    expect(trayStatus(state([computer('a', 'running'), computer('b', 'running')]))).toEqual({ icon: 'running', tooltip: 'Orgo Desktop — 2 running' });
    expect(trayStatus(state([computer('a', 'running'), computer('b', 'stopping')])).icon).toBe('busy');
    expect(trayStatus(state([computer('a', 'error')])).icon).toBe('error');
    expect(trayStatus(state([], { signedIn: false })).tooltip).toBe('Orgo Desktop — not signed in');
  });
});
