import { useEffect, useState } from 'react';
import type { ComputersSnapshot } from '../../../shared/ipc/types';
import { consumed, firstData } from '../first-data';
import { orgo } from '../orgo';

let primed: Promise<ComputersSnapshot> | null = null;

/** Starts watching at once, in parallel with the session and the window's code (main.tsx). */
export function primeComputers(): void {
  primed ??= orgo.computers.watch();
  primed.catch(() => {});
}

/**
 * The live computers list. Main pushes a snapshot only when something visible changed; React
 * keys rows by id, so a refresh updates rows in place rather than redrawing the list.
 */
export function useComputers(enabled: boolean, profileId: string | undefined, signedIn = false): { snapshot: ComputersSnapshot | null; error: string | null } {
  // The list the page was served with renders on the first pass; watching still starts below
  // (that is what keeps main polling and pushing), and its answer replaces it unless older.
  const [snapshot, setSnapshot] = useState<ComputersSnapshot | null>(() => firstData().computers);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    consumed('computers');
    if (!enabled) return;
    let live = true;
    const off = orgo.on('computers.changed', (s) => live && setSnapshot(s));
    const first = primed ?? orgo.computers.watch();
    primed = null;
    const take = (s: ComputersSnapshot, retried: boolean): void => {
      if (!live) return;
      // An answer primed for another profile (signed in or switched since): ask again, once.
      if (s.profileId !== profileId && !retried) {
        orgo.computers.watch().then((again) => take(again, true), (e: Error) => live && setError(e.message));
        return;
      }
      // A pushed snapshot may already be newer than this answer.
      setSnapshot((cur) => (cur && cur.profileId === s.profileId && cur.at > s.at ? cur : s));
      setError(null);
    };
    first.then((s) => take(s, false), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
      off();
    };
  }, [enabled, profileId, signedIn]);
  return { snapshot: snapshot && snapshot.profileId === profileId ? snapshot : null, error };
}
