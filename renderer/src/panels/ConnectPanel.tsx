/**
 * The viewer's Connect panel: what a person needs to drive this computer from their own code or
 * agent (the API's address, the computer's id, ready snippets), each with a copy button.
 */
import { useState } from 'react';
import { Icon } from '../components/Icon';
import { connectSnippets } from '../../../shared/ipc/connect-snippets';
import { MintKey } from './MintKey';

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      className="tool"
      aria-label={`Copy ${label}`}
      onClick={() =>
        void navigator.clipboard
          ?.writeText(text)
          .then(() => (setDone(true), setTimeout(() => setDone(false), 1500)))
          .catch(() => {})
      }
    >
      <Icon name={done ? 'check' : 'copy'} size={13} /> {done ? 'Copied' : 'Copy'}
    </button>
  );
}

export function ConnectPanel({
  apiBase,
  computerId,
  computerName,
  workspaceId = null,
  workspaceName = null,
}: {
  apiBase: string | null;
  computerId: string;
  computerName: string | null;
  workspaceId?: string | null;
  workspaceName?: string | null;
}) {
  const [tab, setTab] = useState<string>('curl');
  if (!apiBase) return <p className="panel-empty muted">Sign in to see how to connect.</p>;
  const snippets = connectSnippets(apiBase, computerId, computerName ?? computerId);
  const shown = snippets.find((s) => s.id === tab) ?? snippets[0]!;
  return (
    <div className="panel-body connect-panel" data-testid="connect-panel">
      <dl className="connect-facts">
        <dt>API base URL</dt>
        <dd>
          <code data-testid="connect-base">{apiBase}</code> <Copy text={apiBase} label="the API base URL" />
        </dd>
        <dt>Computer id</dt>
        <dd>
          <code data-testid="connect-id">{computerId}</code> <Copy text={computerId} label="the computer id" />
        </dd>
        <dt>API key</dt>
        <dd className="muted small">
          Each snippet reads it from ORGO_API_KEY: the key this app signed in with, or one made for this workspace on the host.
          <MintKey workspaceId={workspaceId} workspaceName={workspaceName} />
        </dd>
      </dl>
      <div className="term-tabs" role="tablist">
        {snippets.map((s) => (
          <button key={s.id} role="tab" aria-selected={s.id === shown.id} className={`term-tab${s.id === shown.id ? ' active' : ''}`} onClick={() => setTab(s.id)} data-testid={`connect-tab-${s.id}`}>
            {s.label}
          </button>
        ))}
      </div>
      <pre className="connect-code" data-testid="connect-code">
        {shown.code}
      </pre>
      <Copy text={shown.code} label={`the ${shown.label} snippet`} />
    </div>
  );
}
