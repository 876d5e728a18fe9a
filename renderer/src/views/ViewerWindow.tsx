import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { Icon, type IconName } from '../components/Icon';
import { StatusPill } from '../components/StatusPill';
import { TRANSITIONAL } from '../components/status';
import { useComputers } from '../hooks/useComputers';
import { useSession } from '../hooks/useSession';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';
import { useRfb, type ConnState } from '../vnc/useRfb';
import { useAudio } from '../hooks/useAudio';
import { useDesktopEvents } from '../hooks/useDesktopEvents';
import { useUploads } from '../hooks/useUploads';
import { ActivityPanel } from '../panels/ActivityPanel';
import { AgentPanel } from '../panels/AgentPanel';
import { FilesPanel } from '../panels/FilesPanel';
import { UploadList } from '../panels/UploadList';
import '../styles/panels.css';

// xterm is most of the viewer's code: loaded when the terminal is first shown, not before the desktop.
const TerminalPanel = lazy(() => import('../panels/TerminalPanel').then((m) => ({ default: m.TerminalPanel })));

type Panel = 'terminal' | 'files' | 'activity' | 'agent';
const PANELS: Array<{ id: Panel; label: string; icon: IconName }> = [
  { id: 'terminal', label: 'Terminal', icon: 'terminal' },
  { id: 'files', label: 'Files', icon: 'folder' },
  { id: 'activity', label: 'Activity', icon: 'activity' },
  { id: 'agent', label: 'Agent', icon: 'layers' },
];

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
  reconnecting: 'Reconnecting…',
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
  // Connect at once, before the list has loaded: the relay refuses in words if it is not running.
  const { screenRef, rfbRef, state, message, firstFrameAt, reconnect } = useRfb(computerId, computer ? running : !snapshot?.loaded, {
    viewOnly,
    scale: fit === 'scale',
    resize: fit === 'resize',
  });

  const [panel, setPanel] = useState<Panel | null>(() => {
    const v = stored<Panel | 'none'>('viewer.panel', 'none', ['terminal', 'files', 'activity', 'agent', 'none'] as const);
    return v === 'none' ? null : v;
  });
  // Panels stay mounted once opened, so a terminal keeps its shell while another panel shows.
  const [opened, setOpened] = useState<Set<Panel>>(() => new Set(panel ? [panel] : []));
  const showPanel = (p: Panel) => {
    const next = panel === p ? null : p;
    setPanel(next);
    if (next) setOpened((o) => new Set(o).add(next));
    localStorage.setItem('viewer.panel', next ?? 'none');
  };
  const [audioOn, setAudioOn] = useState(false);
  const audio = useAudio(computerId, audioOn && running);
  const [clipSync, setClipSync] = useState(() => localStorage.getItem('viewer.clipboardSync') !== 'off');
  const [desktopClip, setDesktopClip] = useState<string | null>(null);
  const lastClip = useRef<string | null>(null);
  const clipSyncRef = useRef(clipSync);
  clipSyncRef.current = clipSync;
  const onDesktopClipboard = useCallback((text: string) => {
    if (!clipSyncRef.current || text === lastClip.current) return;
    lastClip.current = text;
    setDesktopClip(text);
    void navigator.clipboard?.writeText(text).catch(() => {});
  }, []);
  // The desktop first: the event stream (activity, clipboard) connects once pixels show, or after
  // a moment when they cannot, so it does not compete with the first frame.
  const [desktopShown, setDesktopShown] = useState(false);
  useEffect(() => {
    if (firstFrameAt !== null) return setDesktopShown(true);
    const t = setTimeout(() => setDesktopShown(true), 1500);
    return () => clearTimeout(t);
  }, [firstFrameAt]);
  const events = useDesktopEvents(computerId, running && desktopShown, onDesktopClipboard);
  // This machine's clipboard goes to the desktop when the window comes to the front, or when
  // something is copied inside it (the terminal panel), if it changed.
  useEffect(() => {
    if (!clipSync || !running) return;
    const push = () => {
      if (!document.hasFocus()) return;
      void navigator.clipboard
        ?.readText()
        .then((text) => {
          if (!text || text === lastClip.current) return;
          lastClip.current = text;
          setDesktopClip(text);
          return orgo.clipboard.set({ computerId, text });
        })
        .catch(() => {});
    };
    const onCopy = () => setTimeout(push, 50);
    window.addEventListener('focus', push);
    document.addEventListener('copy', onCopy);
    return () => {
      window.removeEventListener('focus', push);
      document.removeEventListener('copy', onCopy);
    };
  }, [clipSync, running, computerId]);
  const [filesVersion, setFilesVersion] = useState(0);
  const uploads = useUploads(computerId, () => setFilesVersion((v) => v + 1));
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const hasFiles = (e: React.DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const onDragEnter = (e: React.DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth.current++;
    setDragging(true);
  };
  const onDragLeave = () => {
    if (--dragDepth.current <= 0) {
      dragDepth.current = 0;
      setDragging(false);
    }
  };
  const onDrop = (e: React.DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length) uploads.add(files);
  };

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
  } else if (state === 'reconnecting') {
    overlay = (
      <div className="viewer-overlay" data-testid="viewer-reconnecting">
        <span className="spinner large" />
        <h3>Reconnecting…</h3>
        <p className="muted">{message}</p>
        <button className="button" onClick={reconnect}>
          <Icon name="refresh" /> Reconnect now
        </button>
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
    <div className={`viewer${fullscreen ? ' is-fullscreen' : ''}`} onDragEnter={onDragEnter} onDragOver={(e) => hasFiles(e) && e.preventDefault()} onDragLeave={onDragLeave} onDrop={onDrop}>
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
          <span className="tool-sep" />
          <button className={`tool icon-only${audioOn ? ' active' : ''}`} aria-pressed={audioOn} title={audioOn ? `Sound on (${audio.state === 'open' ? 'playing the desktop' : audio.state})` : "Play the desktop's sound"} aria-label="Sound" onClick={() => setAudioOn(!audioOn)} data-testid="audio-toggle" data-frames={audio.level.frames} data-peak={audio.level.peak.toFixed(3)} data-audio={audio.level.playing}>
            <Icon name={audioOn ? 'speaker' : 'mute'} size={16} />
          </button>
          <button
            className={`tool icon-only${clipSync ? ' active' : ''}`}
            aria-pressed={clipSync}
            title={clipSync ? 'Clipboard sync on: copying here or on the desktop reaches the other side' : 'Clipboard sync off'}
            aria-label="Clipboard sync"
            onClick={() => {
              localStorage.setItem('viewer.clipboardSync', clipSync ? 'off' : 'on');
              setClipSync(!clipSync);
            }}
            data-testid="clipboard-toggle"
          >
            <Icon name="clipboard" size={16} />
          </button>
          {PANELS.map((p) => (
            <button key={p.id} className={`tool panel-tool${panel === p.id ? ' active' : ''}`} aria-pressed={panel === p.id} aria-label={p.label} title={`${p.label} panel`} onClick={() => showPanel(p.id)} data-testid={`panel-${p.id}`}>
              <Icon name={p.icon} size={15} />
              <span>{p.label}</span>
            </button>
          ))}
          <button className="tool icon-only" title={fullscreen ? 'Leave full screen' : 'Full screen'} aria-label="Full screen" onClick={toggleFullscreen} data-testid="fullscreen">
            <Icon name="fullscreen" size={16} />
          </button>
        </div>
      </header>
      <div className="viewer-main">
        <div className={`viewer-stage fit-${fit}`}>
          <div className="viewer-screen" ref={screenRef} data-testid="viewer-screen" data-first-frame={firstFrameAt ?? undefined} />
          {overlay}
          {dragging && (
            <div className="drop-overlay" data-testid="drop-overlay">
              <Icon name="folder" size={30} />
              <h3>Drop to put the files on “{computer?.name ?? 'the computer'}”’s Desktop</h3>
            </div>
          )}
          <UploadList uploads={uploads.uploads} cancel={uploads.cancel} dismiss={uploads.dismiss} />
        </div>
        {opened.size > 0 && (
          <aside className="side-panel" hidden={!panel} data-testid="side-panel" data-panel={panel ?? 'none'}>
            <div className="side-head">
              <h3>{PANELS.find((p) => p.id === panel)?.label}</h3>
              {clipSync && desktopClip !== null && (
                <span className="clip-note" title={desktopClip} data-testid="desktop-clipboard">
                  Clipboard (synced): “{desktopClip.slice(0, 60)}”
                </span>
              )}
              <button className="tool icon-only" aria-label="Close the panel" onClick={() => panel && showPanel(panel)}>
                <Icon name="x" size={14} />
              </button>
            </div>
            {opened.has('terminal') && (
              <div className="side-slot" hidden={panel !== 'terminal'}>
                <Suspense fallback={<span className="spinner" />}>
                  <TerminalPanel computerId={computerId} running={running} />
                </Suspense>
              </div>
            )}
            {opened.has('files') && (
              <div className="side-slot" hidden={panel !== 'files'}>
                <FilesPanel computerId={computerId} version={filesVersion} />
              </div>
            )}
            {opened.has('activity') && (
              <div className="side-slot" hidden={panel !== 'activity'}>
                <ActivityPanel events={events.events} state={events.state} detail={events.detail} notify={events.notify} setNotify={(t, on) => void events.setNotify(t, on)} clear={events.clear} />
              </div>
            )}
            {opened.has('agent') && (
              <div className="side-slot" hidden={panel !== 'agent'}>
                <AgentPanel computerId={computerId} running={running} />
              </div>
            )}
          </aside>
        )}
      </div>
    </div>
  );
}
