/**
 * What covers the desktop when it cannot be used yet: the computer is gone, not running (with
 * Start), the connection is being re-made or was lost (with Reconnect), or the first frame is
 * still on its way. `overlayFor` decides which, from the list and the connection.
 */
import type { ComputerView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { TRANSITIONAL } from '../components/status';
import type { ConnState } from '../vnc/useRfb';

export const CONN_LABEL: Record<ConnState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  failed: 'Could not connect',
};

export type OverlayKind = 'gone' | 'not-running' | 'reconnecting' | 'lost' | 'waiting' | null;

export interface OverlayInput {
  loaded: boolean;
  computer: ComputerView | undefined;
  state: ConnState;
  firstFrameAt: number | null;
}

export function overlayFor({ loaded, computer, state, firstFrameAt }: OverlayInput): OverlayKind {
  if (loaded && !computer) return 'gone';
  if (computer && computer.status !== 'running') return 'not-running';
  if (state === 'reconnecting') return 'reconnecting';
  if (state === 'failed' || state === 'disconnected') return 'lost';
  if (!loaded || state === 'connecting' || (state === 'connected' && !firstFrameAt)) return 'waiting';
  return null;
}

export interface ViewerOverlayProps extends OverlayInput {
  message: string;
  starting: boolean;
  onStart: () => void;
  onReconnect: () => void;
}

export function ViewerOverlay(props: ViewerOverlayProps) {
  const { computer, state, message } = props;
  switch (overlayFor(props)) {
    case 'gone':
      return (
        <div className="viewer-overlay">
          <Icon name="alert" size={28} />
          <h3>This computer no longer exists</h3>
          <p className="muted">It was deleted, or it belongs to another profile.</p>
        </div>
      );
    case 'not-running': {
      if (computer!.status === 'unknown')
        return (
          <div className="viewer-overlay" data-testid="viewer-host-down">
            <span className="spinner large" />
            <h3>The host of “{computer!.name}” does not answer</h3>
            <p className="muted">What the computer is doing is unknown until its host answers again; the viewer reconnects then.</p>
          </div>
        );
      const moving = TRANSITIONAL.has(computer!.status);
      return (
        <div className="viewer-overlay">
          {moving ? <span className="spinner large" /> : <Icon name="monitor" size={28} />}
          <h3>
            “{computer!.name}” is {computer!.status}
            {moving ? '…' : ''}
          </h3>
          {computer!.status === 'error' && computer!.error_message && <p className="muted">{computer!.error_message}</p>}
          {!moving && (
            <button className="button primary" onClick={props.onStart} disabled={props.starting}>
              {props.starting ? <span className="spinner" /> : <Icon name="play" />} Start computer
            </button>
          )}
        </div>
      );
    }
    case 'reconnecting':
      return (
        <div className="viewer-overlay" data-testid="viewer-reconnecting">
          <span className="spinner large" />
          <h3>Reconnecting…</h3>
          <p className="muted">{message}</p>
          <button className="button" onClick={props.onReconnect}>
            <Icon name="refresh" /> Reconnect now
          </button>
        </div>
      );
    case 'lost':
      return (
        <div className="viewer-overlay" data-testid="viewer-disconnected">
          <Icon name="plug" size={28} />
          <h3>{CONN_LABEL[state]}</h3>
          <p className="muted">{message}</p>
          <button className="button primary" onClick={props.onReconnect}>
            <Icon name="refresh" /> Reconnect
          </button>
        </div>
      );
    case 'waiting':
      return (
        <div className="viewer-overlay subtle">
          <span className="spinner large" />
        </div>
      );
    default:
      return null;
  }
}
