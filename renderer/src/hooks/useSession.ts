import { useEffect, useState } from 'react';
import type { SessionView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';

let primed: Promise<SessionView> | null = null;

/** Asks for the session at once, before the window's code has loaded (main.tsx calls it). */
export function primeSession(): void {
  primed ??= orgo.session.get();
}

/** The session as main last reported it; null until the first answer. */
export function useSession(): [SessionView | null, (v: SessionView) => void] {
  const [session, setSession] = useState<SessionView | null>(null);
  useEffect(() => {
    let live = true;
    const off = orgo.on('session.changed', (v) => live && setSession(v));
    const first = primed ?? orgo.session.get();
    primed = null;
    first.then((v) => live && setSession((s) => s ?? v), () => {});
    return () => {
      live = false;
      off();
    };
  }, []);
  return [session, setSession];
}
