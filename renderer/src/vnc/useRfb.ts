/**
 * One noVNC connection through main's loopback relay: asks main for a one-time URL, connects,
 * and reports the connection's state in words. The renderer never sees a password: the relay
 * presents noVNC with a server that needs none. A dropped or refused connection comes back by
 * itself with backoff (0.5 s doubling to 10 s); each attempt is a new URL, for which main
 * fetches the computer's current password (a restart rotates it).
 */
import RFB from '@novnc/novnc';
import { useCallback, useEffect, useRef, useState } from 'react';
import { relayUrl } from './prime';

export type ConnState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

export interface RfbSettings {
  viewOnly: boolean;
  scale: boolean;
  resize: boolean;
  quality?: number;
  compression?: number;
}

/** Resolves when noVNC's canvas shows something other than nothing (the first frame). */
function watchFirstFrame(screen: HTMLElement, onFrame: () => void): () => void {
  let stop = false;
  const tick = () => {
    if (stop) return;
    const canvas = screen.querySelector('canvas');
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      // A few sample points: noVNC's canvas is transparent until the first update is drawn.
      const ctx = canvas.getContext('2d');
      for (let i = 0; ctx && i < 64; i++) {
        const x = Math.floor(((i % 8) + 0.5) * (canvas.width / 8));
        const y = Math.floor((Math.floor(i / 8) + 0.5) * (canvas.height / 8));
        if (ctx.getImageData(x, y, 1, 1).data[3]! > 0) {
          onFrame();
          return;
        }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    stop = true;
  };
}

export function useRfb(computerId: string, want: boolean, settings: RfbSettings) {
  const screenRef = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const [state, setState] = useState<ConnState>('idle');
  const [message, setMessage] = useState<string>('');
  const [firstFrameAt, setFirstFrameAt] = useState<number | null>(null);
  const [attempt, setAttempt] = useState(0);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  const failures = useRef(0);
  const reconnect = useCallback(() => {
    failures.current = 0;
    setAttempt((a) => a + 1);
  }, []);

  useEffect(() => {
    const screen = screenRef.current;
    if (!want || !screen) return;
    let cancelled = false;
    let stopWatch = () => {};
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const again = (why: string) => {
      setState('reconnecting');
      setMessage(why);
      retryTimer = setTimeout(() => setAttempt((a) => a + 1), Math.min(10_000, 500 * 2 ** failures.current++));
    };
    if (!failures.current) {
      setState('connecting');
      setMessage('Connecting…');
    }
    setFirstFrameAt(null);
    (async () => {
      let url: string;
      try {
        url = (await relayUrl(computerId)).url;
      } catch (e) {
        if (!cancelled) again((e as Error).message);
        return;
      }
      if (cancelled) return;
      const rfb = new RFB(screen, url, { shared: true, wsProtocols: ['binary'] });
      rfbRef.current = rfb;
      const s = settingsRef.current;
      rfb.viewOnly = s.viewOnly;
      rfb.scaleViewport = s.scale;
      rfb.resizeSession = s.resize;
      rfb.clipViewport = false;
      rfb.background = 'transparent';
      rfb.qualityLevel = s.quality ?? 6;
      rfb.compressionLevel = s.compression ?? 2;
      let refused = '';
      rfb.addEventListener('connect', () => {
        if (cancelled) return;
        failures.current = 0;
        setState('connected');
        setMessage('Connected');
        stopWatch = watchFirstFrame(screen, () => !cancelled && setFirstFrameAt(performance.now()));
      });
      rfb.addEventListener('securityfailure', (e) => {
        refused = String((e as CustomEvent<{ reason?: string }>).detail?.reason ?? '');
      });
      rfb.addEventListener('disconnect', (e) => {
        if (cancelled) return;
        stopWatch();
        rfbRef.current = null;
        const clean = (e as CustomEvent<{ clean: boolean }>).detail?.clean;
        // Refused (not running yet, password rotated) or dropped: try again by itself.
        again(refused || (clean ? 'The computer closed the connection' : 'The connection was lost'));
      });
    })();
    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      stopWatch();
      rfbRef.current?.disconnect();
      rfbRef.current = null;
    };
  }, [computerId, want, attempt]);

  // Settings apply to a live connection without reconnecting.
  useEffect(() => {
    const rfb = rfbRef.current;
    if (!rfb) return;
    rfb.viewOnly = settings.viewOnly;
    rfb.scaleViewport = settings.scale;
    rfb.resizeSession = settings.resize;
  }, [settings.viewOnly, settings.scale, settings.resize, state]);

  return { screenRef, rfbRef, state, message, firstFrameAt, reconnect };
}
