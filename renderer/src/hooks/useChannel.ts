/**
 * One live channel (terminal, events, audio) of a computer through main's relay, kept up by
 * itself: a dropped connection comes back with backoff (0.5 s doubling to 10 s), a computer that
 * stops or restarts (close 4409) is polled until it runs again, and every attempt asks main for a
 * fresh one-time URL (main fetches the computer's current password, so a restart's rotated one
 * is used). The state is for the window to show ("Reconnecting…", "Computer stopped").
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { orgo } from '../orgo';

export type ChannelKind = 'terminal' | 'events' | 'audio';
export type ChannelState = 'connecting' | 'open' | 'reconnecting' | 'stopped' | 'ended';

export const CHANNEL_LABEL: Record<ChannelState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  stopped: 'Computer stopped',
  ended: 'Ended',
};

export interface ChannelHandlers {
  /** Query for the connection (terminal: its size at this moment). */
  params?: () => { cols?: number; rows?: number };
  /** The socket is open; `again` is true after a reconnect. */
  onOpen?: (again: boolean) => void;
  onMessage?: (data: string | ArrayBuffer) => void;
}

const NOT_RUNNING = 4409;
/** Terminal: the shell exited (1000) — a new one starts only when asked. */
const endsFor = (kind: ChannelKind, code: number) => kind === 'terminal' && code === 1000;

export function useChannel(computerId: string, kind: ChannelKind, enabled: boolean, handlers: ChannelHandlers) {
  const [state, setState] = useState<ChannelState>('connecting');
  const [detail, setDetail] = useState('');
  const [generation, setGeneration] = useState(0);
  const socketRef = useRef<WebSocket | null>(null);
  // Across effect runs too: the computer stopping and running again re-runs the effect.
  const everOpened = useRef(false);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const retry = (ms: number) => {
      timer = setTimeout(connect, ms);
    };
    async function connect() {
      if (cancelled) return;
      let url: string;
      try {
        const p = handlersRef.current.params?.() ?? {};
        url = (await orgo.channels.connect({ computerId, channel: kind, ...p })).url;
      } catch (e) {
        if (cancelled) return;
        setState('reconnecting');
        setDetail((e as Error).message);
        return retry(Math.min(10_000, 500 * 2 ** failures++));
      }
      if (cancelled) return;
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      socketRef.current = ws;
      ws.onopen = () => {
        if (cancelled) return;
        failures = 0;
        setState('open');
        setDetail('');
        handlersRef.current.onOpen?.(everOpened.current);
        everOpened.current = true;
      };
      ws.onmessage = (ev) => !cancelled && handlersRef.current.onMessage?.(ev.data as string | ArrayBuffer);
      ws.onclose = (ev) => {
        if (socketRef.current === ws) socketRef.current = null;
        if (cancelled) return;
        if (endsFor(kind, ev.code)) {
          setState('ended');
          setDetail(ev.reason);
          return;
        }
        if (ev.code === NOT_RUNNING) {
          // Stopped or restarting: poll until it runs (each attempt refetches the password).
          setState('stopped');
          setDetail(ev.reason || 'The computer is not running');
          return retry(2000);
        }
        setState('reconnecting');
        setDetail(ev.reason || 'The connection was lost');
        retry(Math.min(10_000, 500 * 2 ** failures++));
      };
    }
    setState('connecting');
    void connect();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      socketRef.current?.close(1000);
      socketRef.current = null;
    };
  }, [computerId, kind, enabled, generation]);

  const send = useCallback((msg: unknown) => {
    const ws = socketRef.current;
    if (ws?.readyState === WebSocket.OPEN) ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }, []);
  /** Starts over (a terminal whose shell exited). */
  const restart = useCallback(() => {
    everOpened.current = false;
    setGeneration((g) => g + 1);
  }, []);

  return { state, detail, send, restart };
}
