/**
 * A viewer's first connection starts before React renders (viewer.tsx): main is asked for the
 * relay URL at once (it opens and authenticates the computer's side meanwhile), and noVNC
 * connects into a detached element as soon as the URL comes back, so its handshake runs while
 * the window renders. useRfb adopts that connection: it moves the element into the window and
 * takes over from what the connection has done so far. Later connections (reconnects) are made
 * by useRfb itself, each with a fresh URL (each URL works once).
 */
import RFB from '@novnc/novnc';
import { orgo } from '../orgo';
import { rfbReason } from './reason';

/**
 * A noVNC connection in an element of its own (the caller puts it on screen and removes it when
 * the connection ends, so one connection's element never sits beside the next one's), with what
 * must be set before it connects (encodings: a viewer's defaults; the grid's thumbnails ask for
 * less). Scale, resize and view only are applied by useRfb.
 */
export function createRfb(url: string, quality = 6, compression = 2): { rfb: RFB; holder: HTMLDivElement } {
  const holder = document.createElement('div');
  holder.className = 'rfb-holder';
  const rfb = new RFB(holder, url, { shared: true, wsProtocols: ['binary'] });
  rfb.clipViewport = false;
  rfb.background = 'transparent';
  rfb.qualityLevel = quality;
  rfb.compressionLevel = compression;
  return { rfb, holder };
}

/** What the early connection did before useRfb took it over. */
export interface EarlyConnection {
  rfb: RFB;
  holder: HTMLDivElement;
  connected: boolean;
  refused: string;
  ended: { clean: boolean } | null;
  stop(): void;
}

let primed: { computerId: string; early: Promise<EarlyConnection | null> } | null = null;

export function primeViewer(computerId: string): void {
  const early = orgo.viewer.connect({ computerId }).then(
    ({ url }) => {
      const { rfb, holder } = createRfb(url);
      const c: EarlyConnection = { rfb, holder, connected: false, refused: '', ended: null, stop: () => {} };
      const onConnect = () => (c.connected = true);
      const onRefused = (e: Event) => (c.refused = rfbReason(String((e as CustomEvent<{ reason?: string }>).detail?.reason ?? '')));
      const onEnd = (e: Event) => (c.ended = { clean: !!(e as CustomEvent<{ clean: boolean }>).detail?.clean });
      rfb.addEventListener('connect', onConnect);
      rfb.addEventListener('securityfailure', onRefused);
      rfb.addEventListener('disconnect', onEnd);
      c.stop = () => {
        rfb.removeEventListener('connect', onConnect);
        rfb.removeEventListener('securityfailure', onRefused);
        rfb.removeEventListener('disconnect', onEnd);
      };
      return c;
    },
    () => null,
  );
  primed = { computerId, early };
  // Not taken (the window learned the computer is stopped and never connected): let it go.
  setTimeout(() => {
    if (primed?.early !== early) return;
    primed = null;
    void early.then((c) => c?.rfb.disconnect());
  }, 10_000);
}

/**
 * The early connection for this computer, once (null when there was none, or it could not be
 * made: the caller then connects itself and sees the error in words).
 */
export function takeEarly(computerId: string): Promise<EarlyConnection | null> {
  const p = primed?.computerId === computerId ? primed.early : Promise.resolve(null);
  primed = null;
  return p;
}
