/** The built-in host is starting, or failed to (with its reason and Try again). */
import { useState } from 'react';
import type { SessionView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';

export function LocalHostPanel({ host, onRetry }: { host: SessionView['localHost']; onRetry: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    await onRetry().catch(() => {});
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
            <h2>{host.state === 'error' ? 'The built-in host did not start' : 'Starting this computer’s host…'}</h2>
            <div className="muted">{host.url}</div>
          </div>
        </div>
        {host.state === 'error' ? (
          <>
            <div className="form-error">{host.message}</div>
            <button className="button primary large" onClick={() => void retry()} disabled={busy}>
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
