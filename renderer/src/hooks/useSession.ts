import { useEffect, useState } from 'react';
import type { SessionView } from '../../../shared/ipc/types';
import { consumed, firstData } from '../first-data';
import { orgo } from '../orgo';

let primed: Promise<SessionView> | null = null;

/** Asks for the session at once, before the window's code has loaded (main.tsx calls it). */
export function primeSession(): void {
  primed ??= orgo.session.get();
}

/**
 * The session as main last reported it: the page's first data (first-data.ts) at once, else null
 * until the first answer. The answer still comes and replaces the served copy (it is newer),
 * unless an event already did.
 */
export function useSession(): [SessionView | null, (v: SessionView) => void] {
  const [session, setSession] = useState<SessionView | null>(() => firstData().session);
  const [served] = useState(session);
  useEffect(() => {
    let live = true;
    let pushed = false;
    consumed('session');
    const off = orgo.on('session.changed', (v) => {
      pushed = true;
      if (live) setSession(v);
    });
    const first = primed ?? orgo.session.get();
    primed = null;
    first.then((v) => live && !pushed && setSession((s) => (s === null || s === served ? v : s)), () => {});
    return () => {
      live = false;
      off();
    };
  }, [served]);
  return [session, setSession];
}
