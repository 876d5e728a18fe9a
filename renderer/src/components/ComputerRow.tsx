import { memo, useState } from 'react';
import type { ComputerView, WorkspaceView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { useToast } from '../hooks/useToasts';
import { Icon } from './Icon';
import { ConfirmDialog } from './Modal';
import { StatusPill } from './StatusPill';
import { TRANSITIONAL } from './status';
import { FileDrop } from '../panels/FileDrop';
import { ComputerLimits } from '../manage/ComputerLimits';
import { ComputerMenu } from '../manage/ComputerMenu';

type Action = 'start' | 'stop' | 'restart' | 'delete';
const VERB: Record<Action, string> = { start: 'start', stop: 'stop', restart: 'restart', delete: 'delete' };

function screen(resolution: string): string {
  const [w, h] = resolution.split('x');
  return `${w} × ${h}`;
}

/** One computer: status, specs and what can be done with it now. Memoized: unchanged rows stay put. */
export const ComputerRow = memo(function ComputerRow({ c, workspace, workspaces = [] }: { c: ComputerView; workspace: string | null; workspaces?: readonly WorkspaceView[] }) {
  const toast = useToast();
  const [busy, setBusy] = useState<Action | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // A restart is under way from the click until the host answers it, even between two polls
  // that both read "running" (a fast restart); the host's own phases show as they are read.
  const status = busy === 'restart' && c.status === 'running' ? 'restarting' : c.status;
  const running = status === 'running';
  const moving = TRANSITIONAL.has(status) || busy !== null;

  const run = async (action: Action) => {
    setBusy(action);
    try {
      if (action === 'delete') await orgo.computers.delete({ id: c.id });
      else await orgo.computers[action]({ id: c.id });
    } catch (e) {
      toast({ kind: 'error', title: `Could not ${VERB[action]} “${c.name}”`, detail: (e as Error).message });
    } finally {
      setBusy(null);
    }
  };

  // Files dropped on the row go to this computer's Desktop (stopped ones too: the host puts them on its disk).
  return (
    <FileDrop computerId={c.id} name={c.name} enabled={c.status !== 'deleting' && c.status !== 'error'}>
      <div className={`computer-row${running ? ' is-running' : ''}`} data-testid="computer-row" data-name={c.name} data-status={status}>
        <div className={`computer-icon tone-${running ? 'ok' : 'off'}`}>
          <Icon name="monitor" size={20} />
        </div>
        <div className="computer-main">
          <div className="computer-title">
            <span className="computer-name">{c.name}</span>
            <StatusPill status={status} />
          </div>
          <div className="computer-meta">
            <ComputerLimits c={c} />
            <span>{screen(c.resolution)}</span>
            {c.auto_stop_minutes > 0 && <span>auto-stop {c.auto_stop_minutes} min</span>}
            {workspace && <span className="meta-workspace">{workspace}</span>}
          </div>
          {c.status === 'error' && c.error_message && <div className="computer-error">{c.error_message}</div>}
        </div>
        <div className="computer-actions">
          {running ? (
            <>
              <button className="button primary" onClick={() => orgo.windows.openViewer({ computerId: c.id }).catch((e: Error) => toast({ kind: 'error', title: 'Could not open the viewer', detail: e.message }))} data-testid="open-viewer">
                <Icon name="monitor" /> Open
              </button>
              <button className="button" title="Stop" disabled={moving} onClick={() => run('stop')} data-testid="stop">
                {busy === 'stop' ? <span className="spinner" /> : <Icon name="stop" />} Stop
              </button>
              <button className="icon-button" title="Restart" aria-label="Restart" disabled={moving} onClick={() => run('restart')}>
                {busy === 'restart' ? <span className="spinner" /> : <Icon name="restart" />}
              </button>
            </>
          ) : (
            <button className="button" disabled={moving || c.status === 'suspended' || c.status === 'unknown'} onClick={() => run('start')} data-testid="start">
              {busy === 'start' || (moving && c.status !== 'stopped') ? <span className="spinner" /> : <Icon name="play" />} Start
            </button>
          )}
          <ComputerMenu computer={c} workspaces={workspaces} disabled={busy !== null || c.status === 'deleting'} />
          <button className="icon-button danger-hover" title="Delete" aria-label="Delete" disabled={busy !== null || c.status === 'deleting'} onClick={() => setConfirmDelete(true)}>
            {busy === 'delete' ? <span className="spinner" /> : <Icon name="trash" />}
          </button>
        </div>
        {confirmDelete && (
          <ConfirmDialog
            title={`Delete “${c.name}”?`}
            body="The computer and everything on its disk are removed. This cannot be undone."
            confirm="Delete computer"
            danger
            onConfirm={() => void run('delete')}
            onClose={() => setConfirmDelete(false)}
          />
        )}
      </div>
    </FileDrop>
  );
});
