/**
 * The main window: the sidebar (profiles, workspaces) and the computers of the chosen workspace,
 * or what stands before them (the built-in host starting, sign-in, loading, no computers yet).
 * The parts live in ../main; this file picks which shows and wires them to the app.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ComputersSnapshot, ProfileView, SessionView } from '../../../shared/ipc/types';
import { CreateDialog } from '../components/CreateDialog';
import { HostConnect } from '../connect/HostConnect';
import { Icon } from '../components/Icon';
import { KeychainBanner } from '../components/KeychainBanner';
import { SignIn } from '../components/SignIn';
import { useComputers } from '../hooks/useComputers';
import { useSession } from '../hooks/useSession';
import { useToast } from '../hooks/useToasts';
import { ALL, ComputerList, byWorkspace } from '../main/ComputerList';
import { EmptyState } from '../main/EmptyState';
import { HostBanner } from '../main/HostBanner';
import { HostStatus } from '../main/HostStatus';
import '../styles/host.css';
import { ListBanner } from '../main/ListBanner';
import { LocalHostPanel } from '../main/LocalHostPanel';
import { Sidebar } from '../main/Sidebar';
import { StreamingSettings } from '../main/StreamingSettings';
import { WorkspaceActions } from '../main/WorkspaceActions';
import { orgo } from '../orgo';

export type MainContent = 'local-host' | 'sign-in' | 'loading' | 'empty' | 'list';

/** What the window's body shows, in the order a person meets them. */
export function mainContent(session: SessionView, profile: ProfileView, snapshot: ComputersSnapshot | null): MainContent {
  const host = session.localHost;
  const hostPending = profile.kind === 'local' && host.state !== 'running' && !snapshot?.loaded;
  // A host that died after the list showed keeps its list (rows unknown) under the host banner.
  const hostFailed = host.state === 'error' && !(snapshot?.loaded && snapshot.hostDown);
  if (profile.kind === 'local' && (hostFailed || hostPending)) return 'local-host';
  if (!session.signedIn) return 'sign-in';
  if (!snapshot?.loaded) return 'loading';
  return snapshot.computers.length ? 'list' : 'empty';
}

export function MainWindow() {
  const [session] = useSession();
  const toast = useToast();
  const profile = session?.profiles.find((p) => p.id === session.activeId);
  const ready = !!session && !!profile && session.signedIn;
  const { snapshot, error: watchError } = useComputers(ready || profile?.kind === 'local', profile?.id, session?.signedIn);
  const [filter, setFilter] = useState(ALL);
  const [creating, setCreating] = useState(false);
  const [settings, setSettings] = useState(false);
  const [connecting, setConnecting] = useState(false);

  useEffect(() => {
    document.title = 'Orgo Desktop';
  }, []);
  useEffect(() => setFilter(ALL), [profile?.id]);
  // "New computer…" in the tray opens this window and asks for the dialog.
  useEffect(() => orgo.on('app.command', (c) => c.command === 'new-computer' && setCreating(true)), []);

  const workspaces = useMemo(() => snapshot?.workspaces ?? [], [snapshot]);
  const groups = useMemo(() => byWorkspace(snapshot?.computers ?? []), [snapshot]);

  if (!session || !profile) return <div className="app loading" />;
  const computers = snapshot?.computers ?? [];
  const running = computers.filter((c) => c.status === 'running').length;
  const signOut = () =>
    orgo.login.logout({ profileId: profile.id }).then(
      () => toast({ kind: 'info', title: `Signed out of ${profile.name}` }),
      (e: Error) => toast({ kind: 'error', title: 'Could not sign out', detail: e.message }),
    );

  const body: Record<MainContent, () => ReactNode> = {
    'local-host': () => <LocalHostPanel host={session.localHost} onRetry={() => orgo.localHost.start()} />,
    'sign-in': () => <SignIn session={session} profile={profile} />,
    loading: () => (
      <div className="list-loading">
        {snapshot?.error || watchError ? (
          <div className="form-error">{snapshot?.error ?? watchError}</div>
        ) : (
          <>
            <span className="spinner" /> Loading computers…
          </>
        )}
      </div>
    ),
    empty: () => <EmptyState onCreate={() => setCreating(true)} />,
    list: () => <ComputerList workspaces={workspaces} computers={computers} filter={filter} />,
  };

  return (
    <div className="app">
      <Sidebar
        session={session}
        profile={profile}
        workspaces={snapshot?.loaded ? workspaces : null}
        counts={(id) => groups.get(id)?.length ?? 0}
        total={computers.length}
        filter={filter}
        setFilter={setFilter}
        onSignOut={() => void signOut()}
        status={session.mode === 'browser' ? <HostStatus session={session} profile={profile} snapshot={snapshot} /> : undefined}
        onConnect={session.signedIn && snapshot?.loaded ? () => setConnecting(true) : undefined}
      />
      <main className="content">
        <header className="content-head">
          <div>
            <h1 title={filter === ALL ? undefined : workspaces.find((w) => w.id === filter)?.name}>{filter === ALL ? 'Computers' : workspaces.find((w) => w.id === filter)?.name}</h1>
            <div className="muted head-sub" data-testid="summary">
              {snapshot?.loaded ? `${running} running · ${computers.length} in total` : profile.name}
            </div>
          </div>
          {snapshot?.loaded && (
            <div className="head-actions">
              {filter !== ALL && workspaces.some((w) => w.id === filter) && (
                <WorkspaceActions workspace={workspaces.find((w) => w.id === filter)!} workspaces={workspaces} computers={groups.get(filter)?.length ?? 0} onDeleted={() => setFilter(ALL)} />
              )}
              <button className="button" onClick={() => setSettings(true)} data-testid="open-settings">
                Settings
              </button>
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
        {snapshot?.loaded && snapshot.hostDown && <HostBanner down={snapshot.hostDown} onRestart={() => orgo.localHost.start()} onRetry={() => orgo.computers.refresh()} />}
        {snapshot?.loaded && snapshot.error && !snapshot.hostDown && <ListBanner error={snapshot.error} at={snapshot.at} onRetry={() => orgo.computers.refresh()} />}
        <div className="content-body">{body[mainContent(session, profile, snapshot)]()}</div>
      </main>
      {settings && <StreamingSettings onClose={() => setSettings(false)} />}
      {connecting && snapshot?.loaded && (
        <HostConnect profile={profile} workspaces={workspaces} computers={computers} defaultWorkspace={filter === ALL ? null : filter} onClose={() => setConnecting(false)} />
      )}
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
