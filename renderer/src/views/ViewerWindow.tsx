/**
 * A computer's viewer window: the live desktop (noVNC) under a toolbar, with overlays when it
 * cannot be used yet, files dropped on it going to the computer's Desktop, and side panels
 * (viewer/panels.tsx). The parts live in ../viewer; this file wires them together.
 */
import { useEffect, useState } from 'react';
import { Icon } from '../components/Icon';
import { useAudio } from '../hooks/useAudio';
import { useComputers } from '../hooks/useComputers';
import { useDesktopEvents } from '../hooks/useDesktopEvents';
import { useFileDrop } from '../hooks/useFileDrop';
import { useSession } from '../hooks/useSession';
import { useStored } from '../hooks/useStored';
import { useToast } from '../hooks/useToasts';
import { useUploads } from '../hooks/useUploads';
import { orgo } from '../orgo';
import { UploadList } from '../panels/UploadList';
import { useRfb } from '../vnc/useRfb';
import { SidePanel } from '../viewer/SidePanel';
import { ViewerOverlay } from '../viewer/ViewerOverlay';
import { FIT_IDS, ViewerToolbar, type Fit } from '../viewer/ViewerToolbar';
import { PANELS, type PanelContext } from '../viewer/panels';
import { useClipboardSync } from '../viewer/useClipboardSync';
import { useFullscreen } from '../viewer/useFullscreen';
import { usePanels } from '../viewer/usePanels';
import { PictureControl } from '../viewer/PictureControl';
import { StreamToggle } from '../viewer/StreamToggle';
import { usePicturePrefs } from '../viewer/usePicturePrefs';
import '../styles/panels.css';

/**
 * The desktop first: the event stream (activity, clipboard) connects once pixels show, or after
 * a moment when they cannot, so it does not compete with the first frame.
 */
function useAfterFirstFrame(firstFrameAt: number | null): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (firstFrameAt !== null) return setShown(true);
    const t = setTimeout(() => setShown(true), 1500);
    return () => clearTimeout(t);
  }, [firstFrameAt]);
  return shown;
}

export function ViewerWindow({ computerId }: { computerId: string }) {
  const toast = useToast();
  const [session] = useSession();
  const { snapshot } = useComputers(!!session, session?.activeId, session?.signedIn);
  const loaded = !!snapshot?.loaded;
  const computer = snapshot?.computers.find((c) => c.id === computerId);
  const running = computer?.status === 'running';
  const [fit, setFit] = useStored<Fit>('viewer.fit', 'scale', FIT_IDS);
  const [viewOnly, setViewOnly] = useState(false);
  const [starting, setStarting] = useState(false);
  // Connect at once, before the list has loaded: the relay refuses in words if it is not running.
  const picture = usePicturePrefs(computerId);
  const rfb = useRfb(computerId, computer ? running : !loaded, { viewOnly, scale: fit === 'scale', resize: fit === 'resize', quality: picture.prefs?.quality, compression: picture.prefs?.compression });
  const panels = usePanels(PANELS.map((p) => p.id));
  const [audioOn, setAudioOn] = useState(false);
  const audio = useAudio(computerId, audioOn && running);
  const clipboard = useClipboardSync(computerId, running);
  const desktopShown = useAfterFirstFrame(rfb.firstFrameAt);
  const events = useDesktopEvents(computerId, running && desktopShown, clipboard.fromDesktop);
  const [filesVersion, setFilesVersion] = useState(0);
  const uploads = useUploads(computerId, () => setFilesVersion((v) => v + 1));
  const drop = useFileDrop(uploads.add);
  const fullscreen = useFullscreen((e) => toast({ kind: 'error', title: 'Full screen is not available', detail: e.message }));

  useEffect(() => {
    document.title = computer ? `${computer.name} — Orgo Desktop` : 'Viewer — Orgo Desktop';
  }, [computer?.name]);

  const screenshot = async () => {
    const r = rfb.rfbRef.current;
    if (!r || rfb.state !== 'connected') return;
    try {
      const { path } = await orgo.screenshots.save({ computerId, dataUrl: r.toDataURL('image/png') });
      toast({ kind: 'success', title: 'Screenshot saved', detail: path });
    } catch (e) {
      toast({ kind: 'error', title: 'Could not save the screenshot', detail: (e as Error).message });
    }
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
  const workspaceName = snapshot?.workspaces.find((w) => w.id === computer?.workspace_id)?.name ?? null;
  const apiBase = session?.profiles.find((p) => p.id === session.activeId)?.baseUrl ?? null;
  const ctx: PanelContext = { computerId, computerName: computer?.name ?? null, running, filesVersion, workspaceName, apiBase, upload: uploads.add, events, hostEvents: snapshot?.hostEvents ?? [] };

  return (
    <div className={`viewer${fullscreen.fullscreen ? ' is-fullscreen' : ''}`} {...drop.handlers}>
      <ViewerToolbar
        computer={computer}
        state={rfb.state}
        fit={fit}
        setFit={setFit}
        viewOnly={viewOnly}
        setViewOnly={setViewOnly}
        onCtrlAltDel={() => rfb.rfbRef.current?.sendCtrlAltDel()}
        onScreenshot={() => void screenshot()}
        audio={{ on: audioOn, toggle: () => setAudioOn(!audioOn), state: audio.state, level: audio.level }}
        clipboard={clipboard}
        panels={PANELS}
        panel={panels.panel}
        onPanel={panels.toggle}
        fullscreen={fullscreen.fullscreen}
        onFullscreen={fullscreen.toggle}
        extra={
          <>
            <PictureControl prefs={picture.prefs} set={picture.set} error={picture.error} />
            <StreamToggle computerId={computerId} running={running} />
          </>
        }
      />
      <div className="viewer-main">
        <div className={`viewer-stage fit-${fit}`}>
          <div className="viewer-screen" ref={rfb.screenRef} data-testid="viewer-screen" data-first-frame={rfb.firstFrameAt ?? undefined} />
          <ViewerOverlay loaded={loaded} computer={computer} state={rfb.state} firstFrameAt={rfb.firstFrameAt} message={rfb.message} starting={starting} onStart={() => void start()} onReconnect={rfb.reconnect} />
          {drop.over && (
            <div className="drop-overlay" data-testid="drop-overlay">
              <Icon name="folder" size={30} />
              <h3>Drop to put the files on “{computer?.name ?? 'the computer'}”’s Desktop</h3>
            </div>
          )}
          <UploadList uploads={uploads.uploads} cancel={uploads.cancel} dismiss={uploads.dismiss} />
        </div>
        <SidePanel
          panels={PANELS}
          panel={panels.panel}
          opened={panels.opened}
          onClose={() => panels.panel && panels.toggle(panels.panel)}
          note={
            clipboard.on &&
            clipboard.desktopClip !== null && (
              <span className="clip-note" title={clipboard.desktopClip} data-testid="desktop-clipboard">
                Clipboard (synced): “{clipboard.desktopClip.slice(0, 60)}”
              </span>
            )
          }
          body={(p) => p.render(ctx)}
        />
      </div>
    </div>
  );
}
