import { memo, useEffect } from 'react';
import type { ComputerView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { useComputers } from '../hooks/useComputers';
import { useSession } from '../hooks/useSession';
import { orgo } from '../orgo';
import { useRfb } from '../vnc/useRfb';

/** A live, view-only thumbnail; lower quality and higher compression keep many of them cheap. */
const Tile = memo(function Tile({ c }: { c: ComputerView }) {
  const { screenRef, state, firstFrameAt } = useRfb(c.id, true, { viewOnly: true, scale: true, resize: false, quality: 3, compression: 9 });
  const [w, h] = c.resolution.split('x');
  return (
    <button className="tile" onClick={() => orgo.windows.openViewer({ computerId: c.id })} title={`Open ${c.name}`} data-testid="grid-tile" data-name={c.name}>
      {/* One shape for every tile, so rows line up; each desktop is scaled to fit inside it. */}
      <div className="tile-screen">
        <div className="tile-canvas" ref={screenRef} data-first-frame={firstFrameAt ?? undefined} />
        {!firstFrameAt && <div className="tile-wait">{state === 'failed' || state === 'disconnected' ? <Icon name="plug" size={22} /> : <span className="spinner" />}</div>}
      </div>
      <div className="tile-foot">
        <span className={`conn-dot conn-${state}`} />
        <span className="tile-name">{c.name}</span>
        <span className="tile-size">
          {w} × {h}
        </span>
        <span className="tile-open">
          Open <Icon name="external" size={13} />
        </span>
      </div>
    </button>
  );
});

export function GridWindow() {
  const [session] = useSession();
  const { snapshot } = useComputers(!!session, session?.activeId, session?.signedIn);
  const running = (snapshot?.computers ?? []).filter((c) => c.status === 'running');
  const others = (snapshot?.computers.length ?? 0) - running.length;
  useEffect(() => {
    document.title = 'All running computers — Orgo Desktop';
  }, []);
  return (
    <div className="grid-window">
      <header className="grid-head">
        <div>
          <h1>Running computers</h1>
          <div className="muted head-sub">
            {running.length} running{others ? ` · ${others} not running` : ''} · click one to open it
          </div>
        </div>
        <button className="button" onClick={() => orgo.windows.openMain()}>
          <Icon name="layers" /> All computers
        </button>
      </header>
      {snapshot?.loaded && !running.length ? (
        <div className="empty">
          <div className="empty-art">
            <Icon name="grid" size={34} />
          </div>
          <h3>Nothing is running</h3>
          <p className="muted">Start a computer from the main window and it appears here.</p>
        </div>
      ) : (
        <div className="tiles" data-testid="grid">
          {running.map((c) => (
            <Tile key={c.id} c={c} />
          ))}
        </div>
      )}
    </div>
  );
}
