import { useEffect, useState } from 'react';
import type { ComputersSnapshot } from '../../../shared/ipc/types';
import { orgo } from '../orgo';

/**
 * The live computers list. Main pushes a snapshot only when something visible changed; React
 * keys rows by id, so a refresh updates rows in place rather than redrawing the list.
 */
export function useComputers(enabled: boolean, profileId: string | undefined, signedIn = false): { snapshot: ComputersSnapshot | null; error: string | null } {
  const [snapshot, setSnapshot] = useState<ComputersSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const off = orgo.on('computers.changed', (s) => live && setSnapshot(s));
    orgo.computers.watch().then(
      (s) => {
        if (!live) return;
        setSnapshot(s);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      off();
    };
  }, [enabled, profileId, signedIn]);
  return { snapshot: snapshot && snapshot.profileId === profileId ? snapshot : null, error };
}
