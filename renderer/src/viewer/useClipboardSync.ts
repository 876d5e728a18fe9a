/**
 * Clipboard sync between this machine and the desktop, on unless turned off (remembered):
 * the desktop's copies (from its event stream) go to this machine's clipboard, and this
 * machine's clipboard goes to the desktop when the window comes to the front or something is
 * copied inside it (the terminal panel), if it changed. `desktopClip` is the last text synced.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { orgo } from '../orgo';
import { useStored } from '../hooks/useStored';

export interface ClipboardSync {
  on: boolean;
  toggle: () => void;
  desktopClip: string | null;
  /** Feed the desktop's clipboard events here. */
  fromDesktop: (text: string) => void;
}

export function useClipboardSync(computerId: string, running: boolean): ClipboardSync {
  const [stored, setStored] = useStored<'on' | 'off'>('viewer.clipboardSync', 'on', ['on', 'off']);
  const on = stored === 'on';
  const [desktopClip, setDesktopClip] = useState<string | null>(null);
  const last = useRef<string | null>(null);
  const onRef = useRef(on);
  onRef.current = on;

  const fromDesktop = useCallback((text: string) => {
    if (!onRef.current || text === last.current) return;
    last.current = text;
    setDesktopClip(text);
    void navigator.clipboard?.writeText(text).catch(() => {});
  }, []);

  useEffect(() => {
    if (!on || !running) return;
    const push = () => {
      if (!document.hasFocus()) return;
      void navigator.clipboard
        ?.readText()
        .then((text) => {
          if (!text || text === last.current) return;
          last.current = text;
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
  }, [on, running, computerId]);

  return { on, toggle: () => setStored(on ? 'off' : 'on'), desktopClip, fromDesktop };
}
