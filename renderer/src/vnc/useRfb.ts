/**
 * One noVNC connection through main's loopback relay: asks main for a one-time URL, connects
 * (or, first in a viewer, adopts the connection viewer.tsx started: prime.ts), and reports the
 * connection's state in words. The renderer never sees a password: the relay
 * presents noVNC with a server that needs none. A dropped or refused connection comes back by
 * itself with backoff (0.5 s doubling to 10 s); each attempt is a new URL, for which main
 * fetches the computer's current password (a restart rotates it).
 */
import RFB from '@novnc/novnc';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createRfb, takeEarly } from './prime';
import { rfbReason } from './reason';
import { orgo } from '../orgo';

export type ConnState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

export interface RfbSettings {
  viewOnly: boolean;
  scale: boolean;
  resize: boolean;
  quality?: number;
  compression?: number;
}

/**
 * Resolves when noVNC's canvas shows something other than nothing (the first frame). noVNC's
 * canvas is transparent until the first update is drawn, so each check scales it into one 8×8
 * canvas made for reading (willReadFrequently keeps it on the CPU, where a read is cheap) and
 * reads those 64 pixels at once: one read a frame, not 64 reads of a GPU canvas.
 */
function watchFirstFrame(screen: HTMLElement, onFrame: () => void): () => void {
  let stop = false;
  const sample = document.createElement('canvas');
  sample.width = sample.height = 8;
  const sampler = sample.getContext('2d', { willReadFrequently: true });
  const tick = () => {
    if (stop || !sampler) return;
    const canvas = screen.querySelector('canvas');
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      sampler.clearRect(0, 0, 8, 8);
      sampler.drawImage(canvas, 0, 0, 8, 8);
      const px = sampler.getImageData(0, 0, 8, 8).data;
      for (let a = 3; a < px.length; a += 4) {
        if (px[a]! > 0) {
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
    let holder: HTMLElement | null = null;
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
      // The first attempt takes the connection viewer.tsx started before React rendered.
      const early = attempt === 0 ? await takeEarly(computerId) : null;
      if (cancelled) {
        early?.rfb.disconnect();
        return;
      }
      let rfb: RFB;
      if (early) {
        early.stop();
        ({ rfb, holder } = early);
      } else {
        let url: string;
        try {
          url = (await orgo.viewer.connect({ computerId, quality: settingsRef.current.quality, compression: settingsRef.current.compression })).url;
        } catch (e) {
          if (!cancelled) again((e as Error).message);
          return;
        }
        if (cancelled) return;
        ({ rfb, holder } = createRfb(url, settingsRef.current.quality, settingsRef.current.compression));
      }
      screen.appendChild(holder);
      rfbRef.current = rfb;
      const s = settingsRef.current;
      rfb.viewOnly = s.viewOnly;
      rfb.scaleViewport = s.scale;
      rfb.resizeSession = s.resize;
      let refused = early?.refused ?? '';
      const onConnect = () => {
        if (cancelled) return;
        failures.current = 0;
        setState('connected');
        setMessage('Connected');
        stopWatch = watchFirstFrame(screen, () => !cancelled && setFirstFrameAt(performance.now()));
      };
      const onDisconnect = (clean: boolean) => {
        if (cancelled) return;
        stopWatch();
        rfbRef.current = null;
        holder?.remove();
        // Refused (not running yet, password rotated) or dropped: try again by itself.
        again(refused || (clean ? 'The computer closed the connection' : 'The connection was lost'));
      };
      rfb.addEventListener('connect', onConnect);
      rfb.addEventListener('securityfailure', (e) => {
        refused = rfbReason(String((e as CustomEvent<{ reason?: string }>).detail?.reason ?? ''));
      });
      rfb.addEventListener('disconnect', (e) => onDisconnect(!!(e as CustomEvent<{ clean: boolean }>).detail?.clean));
      // What the early connection did before this took it over.
      if (early?.ended) onDisconnect(early.ended.clean);
      else if (early?.connected) onConnect();
    })();
    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      stopWatch();
      rfbRef.current?.disconnect();
      rfbRef.current = null;
      holder?.remove();
    };
  }, [computerId, want, attempt]);

  // Settings apply to a live connection without reconnecting.
  useEffect(() => {
    const rfb = rfbRef.current;
    if (!rfb) return;
    rfb.viewOnly = settings.viewOnly;
    rfb.scaleViewport = settings.scale;
    rfb.resizeSession = settings.resize;
    // noVNC sends the new encodings at once: the picture changes without reconnecting.
    if (settings.quality !== undefined) rfb.qualityLevel = settings.quality;
    if (settings.compression !== undefined) rfb.compressionLevel = settings.compression;
  }, [settings.viewOnly, settings.scale, settings.resize, settings.quality, settings.compression, state]);

  return { screenRef, rfbRef, state, message, firstFrameAt, reconnect };
}
