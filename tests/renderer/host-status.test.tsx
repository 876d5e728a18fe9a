// @vitest-environment happy-dom
/** The host banner (it stopped answering: restart / retry) and browser mode's host status with "Stop all computers". */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ComputersSnapshot, HostDownView, ProfileView, SessionView } from '../../shared/ipc/types';
import { computer } from './fixtures';

const stopAll = vi.fn(async () => ({ stopped: 2, failed: [] as string[] }));
let HostStatus: typeof import('../../renderer/src/main/HostStatus').HostStatus;
let HostBanner: typeof import('../../renderer/src/main/HostBanner').HostBanner;

beforeAll(async () => {
  // The renderer reads window.orgo once, when its module loads: the app's API as the bridge gives it.
  (window as unknown as { orgo: unknown }).orgo = { computers: { stopAll }, on: () => () => {} };
  ({ HostStatus } = await import('../../renderer/src/main/HostStatus'));
  ({ HostBanner } = await import('../../renderer/src/main/HostBanner'));
});
afterEach(() => {
  cleanup();
  stopAll.mockClear();
});

const remote = { id: 'lab', name: 'Lab server', kind: 'remote', baseUrl: 'https://lab:7391/api', signedIn: true, keySource: 'keychain' } as ProfileView;
const local = { ...remote, id: 'local', name: 'This computer', kind: 'local' } as ProfileView;
const session = (state: SessionView['localHost']['state'] = 'running') => ({ mode: 'browser', localHost: { state, url: 'http://127.0.0.1:7391', dataDir: '/d', message: null } }) as SessionView;
const down: HostDownView = { since: Date.UTC(2026, 11, 1, 20, 14, 5), message: 'nothing answers at that address (connection refused)', builtIn: false, restarting: false, url: 'https://lab:7391' };
const snap = (over: Partial<ComputersSnapshot> = {}): ComputersSnapshot => ({
  profileId: 'lab',
  workspaces: [],
  computers: [computer({ id: 'a', status: 'running' }), computer({ id: 'b', status: 'running' }), computer({ id: 'c', status: 'stopped' })],
  error: null,
  hostDown: null,
  hostEvents: [],
  at: 1,
  loaded: true,
  ...over,
});

describe('the host status (browser mode)', () => {
  it('says the host answers and how many run; Stop all asks first, says how many, and stops only when confirmed', () => {
    render(<HostStatus session={session()} profile={remote} snapshot={snap()} />);
    expect(screen.getByTestId('host-state').textContent).toBe('Host answering');
    expect(screen.getByTestId('host-running').textContent).toBe('2 of 3 computers running');
    fireEvent.click(screen.getByTestId('stop-all'));
    expect(screen.getByText('Stop all 2 running computers?')).toBeTruthy();
    fireEvent.click(screen.getByText('Cancel'));
    expect(stopAll).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('stop-all'));
    fireEvent.click(screen.getByText('Stop 2 running computers'));
    expect(stopAll).toHaveBeenCalledTimes(1);
  });

  it('says whether the built-in host runs, and offers no Stop all while nothing runs or the host does not answer', () => {
    const { rerender } = render(<HostStatus session={session('starting')} profile={local} snapshot={null} />);
    expect(screen.getByTestId('host-state').textContent).toBe('Built-in host starting…');
    rerender(<HostStatus session={session()} profile={local} snapshot={snap({ computers: [computer({ status: 'stopped' })] })} />);
    expect(screen.getByTestId('host-state').textContent).toBe('Built-in host running');
    expect((screen.getByTestId('stop-all') as HTMLButtonElement).disabled).toBe(true);
    rerender(<HostStatus session={session()} profile={local} snapshot={snap({ hostDown: { ...down, builtIn: true, restarting: true } })} />);
    expect(screen.getByTestId('host-state').textContent).toBe('Built-in host restarting…');
    expect((screen.getByTestId('stop-all') as HTMLButtonElement).disabled).toBe(true);
    rerender(<HostStatus session={session()} profile={remote} snapshot={snap({ hostDown: down })} />);
    expect(screen.getByTestId('host-status').dataset.tone).toBe('bad');
    expect(screen.getByTestId('host-state').textContent).toBe('Host not answering');
  });
});

describe('the host banner', () => {
  it('names a remote host, since when and why, with Retry now', () => {
    const onRetry = vi.fn(async () => {});
    render(<HostBanner down={down} onRestart={vi.fn(async () => {})} onRetry={onRetry} />);
    const text = screen.getByTestId('host-banner').textContent!;
    expect(text).toContain('The host at https://lab:7391 stopped answering');
    expect(text).toContain(new Date(down.since).toLocaleTimeString(undefined, { hourCycle: 'h23' }));
    expect(text).toContain('nothing answers at that address (connection refused).');
    expect(text).toContain('what its computers are doing is unknown');
    fireEvent.click(screen.getByTestId('host-retry'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('says the app is restarting the built-in host, and offers Restart once it could not', () => {
    const onRestart = vi.fn(async () => {});
    const { rerender } = render(<HostBanner down={{ ...down, builtIn: true, restarting: true }} onRestart={onRestart} onRetry={vi.fn(async () => {})} />);
    expect(screen.getByTestId('host-banner').textContent).toContain('Orgo Desktop is restarting it');
    expect((screen.getByTestId('host-restart') as HTMLButtonElement).disabled).toBe(true);
    rerender(<HostBanner down={{ ...down, builtIn: true, restarting: false, message: 'Port 7391 is taken by another program' }} onRestart={onRestart} onRetry={vi.fn(async () => {})} />);
    expect(screen.getByTestId('host-banner').textContent).toContain('could not bring it back by itself');
    fireEvent.click(screen.getByTestId('host-restart'));
    expect(onRestart).toHaveBeenCalledTimes(1);
  });
});
