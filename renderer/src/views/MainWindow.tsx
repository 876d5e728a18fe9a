import { useEffect, useMemo, useState } from 'react';
import type { ComputerView, SessionView } from '../../../shared/ipc/types';
import { ComputerRow } from '../components/ComputerRow';
import { CreateDialog } from '../components/CreateDialog';
import { Icon } from '../components/Icon';
import { KeychainBanner } from '../components/KeychainBanner';
import { ProfileSwitcher } from '../components/ProfileSwitcher';
import { SignIn } from '../components/SignIn';
import { useComputers } from '../hooks/useComputers';
import { useSession } from '../hooks/useSession';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';

const ALL = '__all__';
const KEY_LABEL: Record<string, string> = {
  keychain: 'Key in keychain',
  file: 'Key in private file',
  memory: 'Session-only key',
  host: 'Host owner key',
  environment: 'Key from ORGO_API_KEY',
  none: 'Not signed in',
};

function LocalHostPanel({ session }: { session: SessionView }) {
  const [busy, setBusy] = useState(false);
  const h = session.localHost;
  const retry = async () => {
    setBusy(true);
    await orgo.localHost.start().catch(() => {});
    setBusy(false);
  };
  return (
    <div className="center-panel">
      <div className="card signin" data-testid="local-host">
        <div className="signin-head">
          <div className="signin-icon">
            <Icon name="server" size={22} />
          </div>
          <div>
            <h2>{h.state === 'error' ? 'The built-in host did not start' : 'Starting this computer’s host…'}</h2>
            <div className="muted">{h.url}</div>
          </div>
        </div>
        {h.state === 'error' ? (
          <>
            <div className="form-error">{h.message}</div>
            <button className="button primary large" onClick={retry} disabled={busy}>
              {busy ? <span className="spinner" /> : <Icon name="refresh" />} Try again
            </button>
          </>
        ) : (
          <div className="code-status">
            <span className="spinner" /> Computers on this machine run in the built-in host. It keeps running when you close the app.
          </div>
        )}
      </div>
    </div>
  );
}

function EmptyState({ onCreate }: { onCreate: () => void }) {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-art">
        <Icon name="monitor" size={34} />
      </div>
      <h3>No computers yet</h3>
      <p className="muted">A computer is a full Linux desktop with a browser that you and your agents can use. It boots in well under a second.</p>
      <button className="button primary" onClick={onCreate}>
        <Icon name="plus" /> New computer
      </button>
    </div>
  );
}

export function MainWindow() {
  const [session] = useSession();
  const toast = useToast();
  const profile = session?.profiles.find((p) => p.id === session.activeId);
  const ready = !!session && !!profile && session.signedIn;
  const { snapshot, error: watchError } = useComputers(ready || profile?.kind === 'local', profile?.id, session?.signedIn);
  const [filter, setFilter] = useState(ALL);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    document.title = 'Orgo Desktop';
  }, []);
  useEffect(() => setFilter(ALL), [profile?.id]);
  // "New computer…" in the tray opens this window and asks for the dialog.
  useEffect(() => orgo.on('app.command', (c) => c.command === 'new-computer' && setCreating(true)), []);

  const workspaces = useMemo(() => snapshot?.workspaces ?? [], [snapshot]);
  const byWorkspace = useMemo(() => {
    const m = new Map<string, ComputerView[]>();
    for (const c of snapshot?.computers ?? []) m.set(c.workspace_id, [...(m.get(c.workspace_id) ?? []), c]);
    return m;
  }, [snapshot]);
  const wsName = (id: string) => workspaces.find((w) => w.id === id)?.name ?? null;

  if (!session || !profile) return <div className="app loading" />;
  const computers = snapshot?.computers ?? [];
  const shown = filter === ALL ? computers : computers.filter((c) => c.workspace_id === filter);
  const running = computers.filter((c) => c.status === 'running').length;
  const host = session.localHost;
  const hostPending = profile.kind === 'local' && host.state !== 'running' && !snapshot?.loaded;

  let content;
  if (profile.kind === 'local' && (host.state === 'error' || hostPending)) content = <LocalHostPanel session={session} />;
  else if (!session.signedIn) content = <SignIn session={session} profile={profile} />;
  else if (!snapshot?.loaded)
    content = (
      <div className="list-loading">
        {snapshot?.error || watchError ? (
          <div className="form-error">{snapshot?.error ?? watchError}</div>
        ) : (
          <>
            <span className="spinner" /> Loading computers…
          </>
        )}
      </div>
    );
  else if (!computers.length) content = <EmptyState onCreate={() => setCreating(true)} />;
  else
    content = (
      <div className="computer-list" data-testid="computer-list">
        {(filter === ALL ? workspaces.filter((w) => byWorkspace.has(w.id)) : workspaces.filter((w) => w.id === filter)).map((w) => (
          <section key={w.id} className="workspace-section">
            {filter === ALL && <h3 className="section-title">{w.name}</h3>}
            {(byWorkspace.get(w.id) ?? []).map((c) => (
              <ComputerRow key={c.id} c={c} workspace={null} />
            ))}
          </section>
        ))}
        {shown.length === 0 && <div className="muted list-note">No computers in this workspace yet.</div>}
      </div>
    );

  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <img src="./icon.svg" alt="" width={26} height={26} />
          <span>Orgo Desktop</span>
        </div>
        <ProfileSwitcher session={session} />
        {snapshot?.loaded && (
          <nav className="nav">
            <div className="nav-title">Workspaces</div>
            <button className={`nav-item${filter === ALL ? ' active' : ''}`} onClick={() => setFilter(ALL)}>
              <Icon name="layers" />
              <span>All computers</span>
              <span className="count">{computers.length}</span>
            </button>
            {workspaces.map((w) => (
              <button key={w.id} className={`nav-item${filter === w.id ? ' active' : ''}`} onClick={() => setFilter(w.id)}>
                <Icon name="folder" />
                <span>{w.name}</span>
                <span className="count">{byWorkspace.get(w.id)?.length ?? 0}</span>
              </button>
            ))}
          </nav>
        )}
        <div className="sidebar-foot">
          {session.envOverride && <div className="env-note" title={session.envOverride}>Set by environment: {session.envOverride}</div>}
          <div className="foot-row">
            <span className={`keychain-state${profile.keySource === 'memory' ? ' warn' : ''}`} title={session.keychain.detail}>
              <Icon name="lock" size={13} /> {KEY_LABEL[profile.keySource ?? 'none']}
            </span>
            {profile.keySource && ['keychain', 'file', 'memory'].includes(profile.keySource) && (
              <button
                className="link-button"
                onClick={() =>
                  orgo.login.logout({ profileId: profile.id }).then(
                    () => toast({ kind: 'info', title: `Signed out of ${profile.name}` }),
                    (e: Error) => toast({ kind: 'error', title: 'Could not sign out', detail: e.message }),
                  )
                }
              >
                <Icon name="logout" size={13} /> Sign out
              </button>
            )}
          </div>
        </div>
      </aside>
      <main className="content">
        <header className="content-head">
          <div>
            <h1>{filter === ALL ? 'Computers' : wsName(filter)}</h1>
            <div className="muted head-sub" data-testid="summary">
              {snapshot?.loaded ? `${running} running · ${computers.length} in total` : profile.name}
            </div>
          </div>
          {snapshot?.loaded && (
            <div className="head-actions">
              <button className="button" onClick={() => orgo.windows.openGrid()} disabled={!running} data-testid="open-grid">
                <Icon name="grid" /> Grid view
              </button>
              <button className="button primary" onClick={() => setCreating(true)} data-testid="new-computer">
                <Icon name="plus" /> New computer
              </button>
            </div>
          )}
        </header>
        <KeychainBanner session={session} />
        {snapshot?.loaded && snapshot.error && (
          <div className="banner banner-error" role="alert">
            <Icon name="alert" size={18} />
            <div className="banner-text">
              <strong>Could not refresh the list.</strong> {snapshot.error}
              <div className="muted small">Showing the list from {new Date(snapshot.at).toLocaleTimeString()}.</div>
            </div>
            <button className="button" onClick={() => orgo.computers.refresh()}>
              <Icon name="refresh" /> Retry
            </button>
          </div>
        )}
        <div className="content-body">{content}</div>
      </main>
      {creating && snapshot && (
        <CreateDialog
          workspaces={workspaces}
          defaultWorkspace={filter === ALL ? null : filter}
          onClose={() => setCreating(false)}
          onCreated={(name) => toast({ kind: 'success', title: `“${name}” is ready` })}
        />
      )}
    </div>
  );
}
