import { useEffect, useState } from 'react';
import { Icon, type IconName } from '../components/Icon';
import { StatusPill } from '../components/StatusPill';
import { TRANSITIONAL } from '../components/status';
import { useComputers } from '../hooks/useComputers';
import { useSession } from '../hooks/useSession';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';
import { useRfb, type ConnState } from '../vnc/useRfb';

/** Scale to the window and remote resize are one exclusive choice, as in noVNC's own app. */
type Fit = 'scale' | 'resize' | 'actual';
const FITS: Array<{ id: Fit; label: string; icon: IconName; title: string }> = [
  { id: 'scale', label: 'Scale', icon: 'fit', title: 'Scale the desktop to fit this window' },
  { id: 'resize', label: 'Resize', icon: 'resize', title: "Resize the computer's screen to this window" },
  { id: 'actual', label: '1:1', icon: 'actual', title: 'Actual size, scroll to see the rest' },
];

const CONN_LABEL: Record<ConnState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
  failed: 'Could not connect',
};

function stored<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
  const v = localStorage.getItem(key) as T | null;
  return v && allowed.includes(v) ? v : fallback;
}

export function ViewerWindow({ computerId }: { computerId: string }) {
  const toast = useToast();
  const [session] = useSession();
  const { snapshot } = useComputers(!!session, session?.activeId, session?.signedIn);
  const computer = snapshot?.computers.find((c) => c.id === computerId);
  const running = computer?.status === 'running';
  const [fit, setFit] = useState<Fit>(() => stored('viewer.fit', 'scale', ['scale', 'resize', 'actual'] as const));
  const [viewOnly, setViewOnly] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [starting, setStarting] = useState(false);
  const { screenRef, rfbRef, state, message, firstFrameAt, reconnect } = useRfb(computerId, running, {
    viewOnly,
    scale: fit === 'scale',
    resize: fit === 'resize',
  });

  useEffect(() => {
    document.title = computer ? `${computer.name} — Orgo Desktop` : 'Viewer — Orgo Desktop';
  }, [computer?.name]);
  useEffect(() => localStorage.setItem('viewer.fit', fit), [fit]);
  useEffect(() => {
    const on = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  const screenshot = async () => {
    const rfb = rfbRef.current;
    if (!rfb || state !== 'connected') return;
    try {
      const { path } = await orgo.screenshots.save({ computerId, dataUrl: rfb.toDataURL('image/png') });
      toast({ kind: 'success', title: 'Screenshot saved', detail: path });
    } catch (e) {
      toast({ kind: 'error', title: 'Could not save the screenshot', detail: (e as Error).message });
    }
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch((e: Error) => toast({ kind: 'error', title: 'Full screen is not available', detail: e.message }));
  };
  const start = async () => {
    setStarting(true);
    try {
      await orgo.computers.start({ id: computerId });
    } catch (e) {
      toast({ kind: 'error', title: `Could not start “${computer?.name ?? 'the computer'}”`, detail: (e as Error).message });
    } finally {
      setStarting(false);
    }
  };

  const connected = state === 'connected';
  let overlay: React.ReactNode = null;
  if (snapshot?.loaded && !computer) {
    overlay = (
      <div className="viewer-overlay">
        <Icon name="alert" size={28} />
        <h3>This computer no longer exists</h3>
        <p className="muted">It was deleted, or it belongs to another profile.</p>
      </div>
    );
  } else if (computer && !running) {
    const moving = TRANSITIONAL.has(computer.status);
    overlay = (
      <div className="viewer-overlay">
        {moving ? <span className="spinner large" /> : <Icon name="monitor" size={28} />}
        <h3>
          “{computer.name}” is {computer.status}
          {moving ? '…' : ''}
        </h3>
        {computer.status === 'error' && computer.error_message && <p className="muted">{computer.error_message}</p>}
        {!moving && (
          <button className="button primary" onClick={start} disabled={starting}>
            {starting ? <span className="spinner" /> : <Icon name="play" />} Start computer
          </button>
        )}
      </div>
    );
  } else if (state === 'failed' || state === 'disconnected') {
    overlay = (
      <div className="viewer-overlay" data-testid="viewer-disconnected">
        <Icon name="plug" size={28} />
        <h3>{CONN_LABEL[state]}</h3>
        <p className="muted">{message}</p>
        <button className="button primary" onClick={reconnect}>
          <Icon name="refresh" /> Reconnect
        </button>
      </div>
    );
  } else if (!snapshot?.loaded || state === 'connecting' || (connected && !firstFrameAt)) {
    overlay = (
      <div className="viewer-overlay subtle">
        <span className="spinner large" />
      </div>
    );
  }

  return (
    <div className={`viewer${fullscreen ? ' is-fullscreen' : ''}`}>
      <header className="viewer-bar">
        <div className="viewer-title">
          <span className={`conn-dot conn-${state}`} title={CONN_LABEL[state]} />
          <span className="viewer-name">{computer?.name ?? '…'}</span>
          {computer && computer.status !== 'running' ? <StatusPill status={computer.status} /> : <span className="conn-label" data-testid="conn-state" data-state={state}>{CONN_LABEL[state]}</span>}
        </div>
        <div className="viewer-tools">
          <div className="segmented" role="radiogroup" aria-label="Fit">
            {FITS.map((f) => (
              <button key={f.id} role="radio" aria-checked={fit === f.id} className={fit === f.id ? 'active' : ''} title={f.title} onClick={() => setFit(f.id)} data-testid={`fit-${f.id}`}>
                <Icon name={f.icon} size={15} /> {f.label}
              </button>
            ))}
          </div>
          <span className="tool-sep" />
          <button className={`tool${viewOnly ? ' active' : ''}`} aria-pressed={viewOnly} title={viewOnly ? 'View only: your mouse and keyboard do not reach the computer' : 'Make view only'} onClick={() => setViewOnly(!viewOnly)} data-testid="view-only">
            <Icon name={viewOnly ? 'eyeoff' : 'eye'} size={16} />
            <span>View only</span>
          </button>
          <button className="tool" title="Send Ctrl+Alt+Del" disabled={!connected || viewOnly} onClick={() => rfbRef.current?.sendCtrlAltDel()} data-testid="ctrl-alt-del">
            <Icon name="keyboard" size={16} />
            <span>Ctrl+Alt+Del</span>
          </button>
          <button className="tool icon-only" title="Save a screenshot" aria-label="Save a screenshot" disabled={!connected} onClick={screenshot} data-testid="screenshot">
            <Icon name="camera" size={16} />
          </button>
          <button className="tool icon-only" title={fullscreen ? 'Leave full screen' : 'Full screen'} aria-label="Full screen" onClick={toggleFullscreen} data-testid="fullscreen">
            <Icon name="fullscreen" size={16} />
          </button>
        </div>
      </header>
      <div className={`viewer-stage fit-${fit}`}>
        <div className="viewer-screen" ref={screenRef} data-testid="viewer-screen" data-first-frame={firstFrameAt ?? undefined} />
        {overlay}
      </div>
    </div>
  );
}
