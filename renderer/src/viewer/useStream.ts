/**
 * A computer's RTMP stream as its viewer shows it: the status (polled while it streams or while
 * the toolbar's popover is open), the account's connections, and start/stop. A host without
 * streaming answers `unavailable`, which the toggle says in words.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StreamConnection } from '../../../shared/api/manage';
import type { StreamView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';

const POLL_MS = 3000;

export function useStream(computerId: string, running: boolean, watching: boolean) {
  const [status, setStatus] = useState<StreamView | null>(null);
  const [connections, setConnections] = useState<StreamConnection[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setStatus(await orgo.stream.status({ computerId }));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [computerId]);

  useEffect(() => {
    if (running) void refresh();
  }, [running, refresh]);
  const streaming = status?.status === 'streaming';
  useEffect(() => {
    if (!running || !(streaming || watching)) return;
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [running, streaming, watching, refresh]);
  useEffect(() => {
    if (!watching || status?.status === 'unavailable') return;
    orgo.streaming.list().then(setConnections, (e: Error) => setError(e.message));
  }, [watching, status?.status]);

  const act = async (fn: () => Promise<StreamView>) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await fn());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return {
    status,
    connections,
    error,
    busy,
    start: (connection_name: string) => act(() => orgo.stream.start({ computerId, connection_name })),
    stop: () => act(() => orgo.stream.stop({ computerId })),
  };
}
