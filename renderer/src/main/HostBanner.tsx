/**
 * The host stopped answering: since when, why, and what happens now. The built-in host is being
 * restarted by the app (or could not be: then Restart); a remote host is asked again every few
 * seconds (Retry asks now). It goes away by itself once the host answers.
 */
import { useState } from 'react';
import type { HostDownView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';

const at = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hourCycle: 'h23' });

export function HostBanner({ down, onRestart, onRetry }: { down: HostDownView; onRestart: () => Promise<unknown>; onRetry: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  const act = (fn: () => Promise<unknown>) => {
    setBusy(true);
    void fn()
      .catch(() => {})
      .finally(() => setBusy(false));
  };
  const working = busy || down.restarting;
  return (
    <div className="banner banner-error" role="alert" data-testid="host-banner" data-built-in={down.builtIn} data-restarting={down.restarting}>
      <Icon name="alert" size={18} />
      <div className="banner-text">
        <strong>{down.builtIn ? 'The built-in host stopped answering' : `The host at ${down.url} stopped answering`}</strong> at {at(down.since)}: {down.message}.
        <div className="muted small">
          {down.builtIn
            ? down.restarting
              ? 'Orgo Desktop is restarting it; its computers start again with it.'
              : 'Orgo Desktop could not bring it back by itself.'
            : 'Asking again every few seconds.'}{' '}
          Until it answers, what its computers are doing is unknown.
        </div>
      </div>
      {down.builtIn ? (
        <button className="button" onClick={() => act(onRestart)} disabled={working} data-testid="host-restart">
          {working ? <span className="spinner" /> : <Icon name="restart" />} {down.restarting ? 'Restarting…' : 'Restart the host'}
        </button>
      ) : (
        <button className="button" onClick={() => act(onRetry)} disabled={busy} data-testid="host-retry">
          {busy ? <span className="spinner" /> : <Icon name="refresh" />} Retry now
        </button>
      )}
    </div>
  );
}
