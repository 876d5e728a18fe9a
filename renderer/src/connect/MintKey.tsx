/**
 * "Make a key": the host mints an API key for one workspace, or for every workspace
 * (workspaceId null, the host's Connect view); it is shown here once, to copy, with the line
 * that puts it where the snippets read it. It lives only in this component's state: closing the
 * view forgets it, and nothing stores it.
 */
import { useEffect, useState } from 'react';
import { keyLine } from '../../../shared/ipc/connect-snippets';
import type { MintedKey } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { orgo } from '../orgo';

export function MintKey({ workspaceId, workspaceName }: { workspaceId: string | null; workspaceName: string | null }) {
  const [minted, setMinted] = useState<MintedKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  // Another workspace chosen: the key shown was not for it.
  useEffect(() => (setMinted(null), setCopied(false)), [workspaceId]);
  const mint = async () => {
    setBusy(true);
    setError(null);
    try {
      setMinted(await orgo.keys.mint({ workspaceId }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const line = minted ? keyLine(minted.key) : '';
  const scope = workspaceId ? (workspaceName ? `“${workspaceName}”` : 'this workspace') : 'all workspaces';
  return (
    <div className="mint-key" data-testid="mint-key">
      {minted ? (
        <>
          <div className="small" data-testid="minted-scope">
            {minted.workspaceId ? `A key for “${minted.workspaceName}” only.` : 'A key for every workspace on this host.'} <strong>Shown once:</strong> copy it now; Orgo Desktop
            does not keep it.
          </div>
          <pre className="connect-code" data-testid="minted-key">
            {line}
          </pre>
          <div className="mint-actions">
            <button
              className="tool"
              aria-label="Copy the new key"
              onClick={() =>
                void navigator.clipboard
                  ?.writeText(line)
                  .then(() => setCopied(true))
                  .catch(() => {})
              }
            >
              <Icon name={copied ? 'check' : 'copy'} size={13} /> {copied ? 'Copied' : 'Copy'}
            </button>
            <button className="tool" onClick={() => (setMinted(null), setCopied(false))}>
              Hide it
            </button>
          </div>
        </>
      ) : (
        <button className="button" onClick={() => void mint()} disabled={busy} data-testid="mint-key-button">
          {busy ? <span className="spinner" /> : <Icon name="key" />} Make a key for {scope}
        </button>
      )}
      {error && <div className="form-error">{error}</div>}
    </div>
  );
}
