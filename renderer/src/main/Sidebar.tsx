/** The main window's sidebar: brand, profile switcher, the workspaces to filter by, and the key's source. */
import type { ReactNode } from 'react';
import type { ProfileView, SessionView, WorkspaceView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { ProfileSwitcher } from '../components/ProfileSwitcher';
import { ALL } from './ComputerList';

const KEY_LABEL: Record<string, string> = {
  keychain: 'Key in keychain',
  file: 'Key in private file',
  memory: 'Session-only key',
  host: 'Host owner key',
  environment: 'Key from ORGO_API_KEY',
  none: 'Not signed in',
};

export interface SidebarProps {
  session: SessionView;
  profile: ProfileView;
  /** Null until the list has loaded. */
  workspaces: readonly WorkspaceView[] | null;
  counts: (workspaceId: string) => number;
  total: number;
  filter: string;
  setFilter: (id: string) => void;
  onSignOut: () => void;
  /** Above the key's line: browser mode's host status and "Stop all" (HostStatus), where Electron has its tray. */
  status?: ReactNode;
  /** "Connect to this host" (HostConnect), once signed in and the list is there. */
  onConnect?: () => void;
}

export function Sidebar({ session, profile, workspaces, counts, total, filter, setFilter, onSignOut, status, onConnect }: SidebarProps) {
  return (
    <aside className="sidebar">
      <div className="brand">
        <img src="./icon.svg" alt="" width={26} height={26} />
        <span>Orgo Desktop</span>
      </div>
      <ProfileSwitcher session={session} />
      {workspaces && (
        <nav className="nav">
          <div className="nav-title">Workspaces</div>
          <button className={`nav-item${filter === ALL ? ' active' : ''}`} onClick={() => setFilter(ALL)}>
            <Icon name="layers" />
            <span>All computers</span>
            <span className="count">{total}</span>
          </button>
          {workspaces.map((w) => (
            <button key={w.id} className={`nav-item${filter === w.id ? ' active' : ''}`} onClick={() => setFilter(w.id)} title={w.name}>
              <Icon name="folder" />
              <span>{w.name}</span>
              <span className="count">{counts(w.id)}</span>
            </button>
          ))}
        </nav>
      )}
      <div className="sidebar-foot">
        {onConnect && (
          <button className="nav-item connect-host" onClick={onConnect} data-testid="open-host-connect">
            <Icon name="plug" />
            <span>Connect to this host</span>
          </button>
        )}
        {status}
        {session.envOverride && (
          <div className="env-note" title={session.envOverride}>
            Set by environment: {session.envOverride}
          </div>
        )}
        <div className="foot-row">
          <span className={`keychain-state${profile.keySource === 'memory' ? ' warn' : ''}`} title={session.keychain.detail}>
            <Icon name="lock" size={13} /> {KEY_LABEL[profile.keySource ?? 'none']}
          </span>
          {profile.keySource && ['keychain', 'file', 'memory'].includes(profile.keySource) && (
            <button className="link-button" onClick={onSignOut}>
              <Icon name="logout" size={13} /> Sign out
            </button>
          )}
        </div>
      </div>
    </aside>
  );
}
