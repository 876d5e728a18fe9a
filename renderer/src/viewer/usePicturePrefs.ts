/** The viewer's picture quality and compression for one computer, as the app's settings keep them. */
import { useCallback, useEffect, useState } from 'react';
import type { ViewerPrefs } from '../../../shared/ipc/types';
import { orgo } from '../orgo';

export function usePicturePrefs(computerId: string): { prefs: ViewerPrefs | null; set: (p: ViewerPrefs) => void; error: string | null } {
  const [prefs, setPrefs] = useState<ViewerPrefs | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    orgo.viewerPrefs.get({ computerId }).then(
      (p) => live && setPrefs(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [computerId]);
  const set = useCallback(
    (p: ViewerPrefs) => {
      setPrefs(p);
      orgo.viewerPrefs.set({ computerId, ...p }).then(
        () => setError(null),
        (e: Error) => setError(`Not remembered: ${e.message}`),
      );
    },
    [computerId],
  );
  return { prefs, set, error };
}
