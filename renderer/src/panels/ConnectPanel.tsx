/**
 * The viewer's Connect panel: what a person needs to drive this computer from their own code or
 * agent (the API's address, the computer's id, ready snippets), each with a copy button.
 */
import { connectSnippets } from '../../../shared/ipc/connect-snippets';
import { CopyButton } from '../components/CopyButton';
import { MintKey } from '../connect/MintKey';
import { Snippets } from '../connect/Snippets';

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
  if (!apiBase) return <p className="panel-empty muted">Sign in to see how to connect.</p>;
  return (
    <div className="panel-body connect-panel" data-testid="connect-panel">
      <dl className="connect-facts">
        <dt>API base URL</dt>
        <dd>
          <code data-testid="connect-base">{apiBase}</code> <CopyButton text={apiBase} label="the API base URL" />
        </dd>
        <dt>Computer id</dt>
        <dd>
          <code data-testid="connect-id">{computerId}</code> <CopyButton text={computerId} label="the computer id" />
        </dd>
        <dt>API key</dt>
        <dd className="muted small">
          Each snippet reads it from ORGO_API_KEY: the key this app signed in with, or one made for this workspace on the host.
          {workspaceId && <MintKey workspaceId={workspaceId} workspaceName={workspaceName} />}
        </dd>
      </dl>
      <Snippets snippets={connectSnippets(apiBase, computerId, computerName ?? computerId)} />
    </div>
  );
}
