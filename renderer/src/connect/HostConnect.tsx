/**
 * "Connect to this host": everything a person needs to drive this host's computers from their
 * own code or agent, without opening a viewer: the API's address, a fresh key for every
 * workspace or for one (shown once), and the snippets for a computer they pick, through curl,
 * Orgo's Python SDK, the `openai` client on the agent endpoint and the orgo CLI.
 */
import { useMemo, useState } from 'react';
import { connectSnippets } from '../../../shared/ipc/connect-snippets';
import type { ComputerView, ProfileView, WorkspaceView } from '../../../shared/ipc/types';
import { CopyButton } from '../components/CopyButton';
import { WorkspaceOptions } from '../components/WorkspaceOptions';
import { Modal } from '../components/Modal';
import { MintKey } from './MintKey';
import { Snippets } from './Snippets';

const ALL = '';

export function HostConnect({
  profile,
  workspaces,
  computers,
  defaultWorkspace,
  onClose,
}: {
  profile: ProfileView;
  workspaces: readonly WorkspaceView[];
  computers: readonly ComputerView[];
  /** The workspace the list is filtered to, if any: the key and snippets start there. */
  defaultWorkspace: string | null;
  onClose: () => void;
}) {
  const [scope, setScope] = useState<string>(defaultWorkspace && workspaces.some((w) => w.id === defaultWorkspace) ? defaultWorkspace : ALL);
  const inScope = useMemo(() => computers.filter((c) => scope === ALL || c.workspace_id === scope), [computers, scope]);
  // A running computer first: the snippets answer at once on it.
  const [picked, setPicked] = useState<string | null>(null);
  const computer = inScope.find((c) => c.id === picked) ?? inScope.find((c) => c.status === 'running') ?? inScope[0] ?? null;
  const workspace = workspaces.find((w) => w.id === scope) ?? null;
  return (
    <Modal title="Connect to this host" onClose={onClose} width={640} footer={<button className="button" onClick={onClose}>Done</button>}>
      <div className="host-connect" data-testid="host-connect">
        <dl className="connect-facts">
          <dt>Host</dt>
          <dd>{profile.name}</dd>
          <dt>API base URL</dt>
          <dd>
            <code data-testid="connect-base">{profile.baseUrl}</code> <CopyButton text={profile.baseUrl} label="the API base URL" />
          </dd>
        </dl>
        <div className="host-connect-pick">
          <label className="field">
            <span>Key for</span>
            <select value={scope} onChange={(e) => (setScope(e.target.value), setPicked(null))} aria-label="Key for">
              <option value={ALL}>All workspaces (account-wide)</option>
              <WorkspaceOptions workspaces={workspaces} />
            </select>
          </label>
          <label className="field">
            <span>Snippets drive</span>
            <select value={computer?.id ?? ''} onChange={(e) => setPicked(e.target.value)} disabled={!computer} aria-label="Snippets drive">
              {!computer && <option value="">No computer here yet</option>}
              {inScope.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.status === 'running' ? '' : ` (${c.status})`}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="muted small">
          Every snippet reads the key from ORGO_API_KEY: the one this app signed in with, or one made here.
          {scope === ALL ? ' An account-wide key reaches every workspace and can make more keys.' : ` This key reaches “${workspace?.name}” only.`}
        </div>
        <MintKey workspaceId={scope || null} workspaceName={workspace?.name ?? null} />
        {computer ? (
          <>
            <div className="connect-computer muted small" data-testid="connect-id" data-id={computer.id}>
              Computer id <code>{computer.id}</code> <CopyButton text={computer.id} label="the computer id" />
            </div>
            <Snippets snippets={connectSnippets(profile.baseUrl, computer.id, computer.name)} />
          </>
        ) : (
          <p className="muted small" data-testid="connect-no-computer">
            {workspace ? `“${workspace.name}” has no computer yet.` : 'This host has no computer yet.'} Create one, and the snippets that drive it show here.
          </p>
        )}
      </div>
    </Modal>
  );
}
