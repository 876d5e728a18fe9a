// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ComputersSnapshot, ProfileView, SessionView } from '../../shared/ipc/types';
import { ALL, byWorkspace, sections } from '../../renderer/src/main/ComputerList';
import { mainContent } from '../../renderer/src/views/MainWindow';
import { computer, workspace } from './fixtures';

const session = (over: Partial<SessionView> = {}) => ({ signedIn: true, localHost: { state: 'running', url: 'http://127.0.0.1:7000', message: '' }, ...over }) as SessionView;
const local = { id: 'local', kind: 'local' } as ProfileView;
const cloud = { id: 'cloud', kind: 'cloud' } as ProfileView;
const snap = (over: Partial<ComputersSnapshot> = {}) => ({ loaded: true, computers: [], workspaces: [], error: null, at: 0, profileId: 'local', ...over }) as ComputersSnapshot;

describe("what the main window's body shows", () => {
  it('the built-in host first: starting or failed', () => {
    expect(mainContent(session({ localHost: { state: 'starting' } as SessionView['localHost'] }), local, null)).toBe('local-host');
    expect(mainContent(session({ localHost: { state: 'error' } as SessionView['localHost'] }), local, snap())).toBe('local-host');
  });
  it("a remote profile's host state does not matter", () => {
    expect(mainContent(session({ localHost: { state: 'error' } as SessionView['localHost'] }), cloud, snap())).toBe('empty');
  });
  it('then sign-in, loading, empty, the list', () => {
    expect(mainContent(session({ signedIn: false }), cloud, null)).toBe('sign-in');
    expect(mainContent(session(), cloud, snap({ loaded: false }))).toBe('loading');
    expect(mainContent(session(), cloud, snap())).toBe('empty');
    expect(mainContent(session(), cloud, snap({ computers: [computer()] }))).toBe('list');
  });
});

describe('the computer list sections', () => {
  const ws = [workspace('w1', 'Research'), workspace('w2', 'Empty'), workspace('w3', 'QA')];
  const list = [computer({ id: 'a', workspace_id: 'w1' }), computer({ id: 'b', workspace_id: 'w3' }), computer({ id: 'c', workspace_id: 'w1' })];
  it('all computers: only workspaces that hold some, in the workspaces’ order', () => {
    expect(sections(ws, byWorkspace(list), ALL).map((w) => w.name)).toEqual(['Research', 'QA']);
    expect(byWorkspace(list).get('w1')!.map((c) => c.id)).toEqual(['a', 'c']);
  });
  it('one workspace: that one, even when empty', () => {
    expect(sections(ws, byWorkspace(list), 'w2').map((w) => w.name)).toEqual(['Empty']);
  });
});
