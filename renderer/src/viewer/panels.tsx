/**
 * The viewer's side panels, as data: each is a toolbar button and a body, shown one at a time.
 * Adding a panel is one entry here (its body gets the viewer's context).
 */
import { Suspense, lazy, type ReactNode } from 'react';
import type { HostEvent } from '../../../shared/ipc/types';
import type { IconName } from '../components/Icon';
import type { useDesktopEvents } from '../hooks/useDesktopEvents';
import { ActivityPanel } from '../panels/ActivityPanel';
import { AgentPanel } from '../panels/AgentPanel';
import { ConnectPanel } from '../panels/ConnectPanel';
import { FilesPanel } from '../panels/FilesPanel';

// xterm is most of the viewer's code: loaded when the terminal is first shown, not before the desktop.
const TerminalPanel = lazy(() => import('../panels/TerminalPanel').then((m) => ({ default: m.TerminalPanel })));

/** What a panel's body may use from its viewer. */
export interface PanelContext {
  computerId: string;
  computerName: string | null;
  running: boolean;
  /** Bumped when an upload lands, so a file list reloads. */
  filesVersion: number;
  workspaceName: string | null;
  /** The API the app talks to for this computer (the active profile's base URL). */
  apiBase: string | null;
  /** Uploads files to the computer's Desktop, with the viewer's progress list. */
  upload: (files: File[]) => void;
  events: ReturnType<typeof useDesktopEvents>;
  /** The host's history (stopped answering, restarted, back) for the activity feed. */
  hostEvents: HostEvent[];
}

export interface PanelSpec {
  id: string;
  label: string;
  icon: IconName;
  render: (ctx: PanelContext) => ReactNode;
}

export const PANELS: readonly PanelSpec[] = [
  {
    id: 'terminal',
    label: 'Terminal',
    icon: 'terminal',
    render: (c) => (
      <Suspense fallback={<span className="spinner" />}>
        <TerminalPanel computerId={c.computerId} running={c.running} />
      </Suspense>
    ),
  },
  { id: 'files', label: 'Files', icon: 'folder', render: (c) => <FilesPanel computerId={c.computerId} version={c.filesVersion} workspaceName={c.workspaceName} upload={c.upload} /> },
  {
    id: 'activity',
    label: 'Activity',
    icon: 'activity',
    render: ({ events: e, hostEvents }) => (
      <ActivityPanel events={e.events} state={e.state} detail={e.detail} notify={e.notify} setNotify={(t, on) => void e.setNotify(t, on)} clear={e.clear} hostEvents={hostEvents} />
    ),
  },
  { id: 'agent', label: 'Agent', icon: 'layers', render: (c) => <AgentPanel computerId={c.computerId} running={c.running} /> },
  { id: 'connect', label: 'Connect', icon: 'plug', render: (c) => <ConnectPanel apiBase={c.apiBase} computerId={c.computerId} computerName={c.computerName} /> },
];
