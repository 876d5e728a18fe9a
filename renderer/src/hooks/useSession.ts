import { useEffect, useState } from 'react';
import type { SessionView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';

/** The session as main last reported it; null until the first answer. */
export function useSession(): [SessionView | null, (v: SessionView) => void] {
  const [session, setSession] = useState<SessionView | null>(null);
  useEffect(() => {
    let live = true;
    const off = orgo.on('session.changed', (v) => live && setSession(v));
    orgo.session.get().then((v) => live && setSession(v), () => {});
    return () => {
      live = false;
      off();
    };
  }, []);
  return [session, setSession];
}
