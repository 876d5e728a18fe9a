/**
 * The viewer's Stream toggle: sends this computer's screen and sound to one of the account's RTMP
 * connections (Settings in the main window), shows when it is live, and says in words why not
 * (no such service on this host, no connections yet, the server dropped).
 */
import { useEffect, useRef, useState } from 'react';
import type { StreamView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { useStream } from './useStream';
import '../styles/manage.css';

export function streamWords(s: StreamView | null, running: boolean): string {
  if (!running) return 'Start the computer to stream it';
  if (!s) return 'Checking the stream…';
  switch (s.status) {
    case 'unavailable':
      return s.reason;
    case 'idle':
      return 'Not streaming';
    case 'streaming':
      return s.reason ? `Reconnecting to “${s.connection_name ?? 'the server'}”: ${s.reason}` : `Live to “${s.connection_name ?? 'the server'}”${s.start_time ? ` since ${new Date(s.start_time).toLocaleTimeString()}` : ''}`;
    case 'terminated':
      return `The stream ended: ${s.reason ?? 'no reason given'}`;
  }
}

export function StreamToggle({ computerId, running }: { computerId: string; running: boolean }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const stream = useStream(computerId, running, open);
  const s = stream.status;
  const live = s?.status === 'streaming';
  const unavailable = s?.status === 'unavailable';
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  useEffect(() => {
    if (!choice && stream.connections?.length) setChoice(stream.connections[0]!.name);
  }, [choice, stream.connections]);
  const words = streamWords(s, running);

  return (
    <div className="popover-anchor" ref={ref}>
      <button
        className={`tool${live ? ' active stream-state-streaming' : ' icon-only'}`}
        aria-label="Stream"
        aria-pressed={live}
        aria-expanded={open}
        title={words}
        onClick={() => setOpen(!open)}
        data-testid="stream-toggle"
        data-status={s?.status ?? 'unknown'}
      >
        {live ? (
          <>
            <span className="stream-live" />
            <span>Live</span>
          </>
        ) : (
          <Icon name="broadcast" size={16} />
        )}
      </button>
      {open && (
        <div className="tool-popover" role="dialog" aria-label="Stream" data-testid="stream-popover">
          <h4>Stream over RTMP</h4>
          <span data-testid="stream-words" className={unavailable ? 'hint' : undefined}>
            {words}
          </span>
          {running && !unavailable && s && !live && (
            <>
              {stream.connections === null ? (
                <span className="spinner" />
              ) : stream.connections.length === 0 ? (
                <span className="hint" data-testid="stream-no-connections">
                  No streaming connections yet: add one under Settings in the main window.
                </span>
              ) : (
                <>
                  <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Connection">
                    {stream.connections.map((c) => (
                      <option key={c.name} value={c.name}>
                        {c.name} ({c.server_url})
                      </option>
                    ))}
                  </select>
                  <button className="button primary" disabled={stream.busy || !choice} onClick={() => void stream.start(choice)} data-testid="stream-start">
                    {stream.busy ? <span className="spinner" /> : null} Start streaming
                  </button>
                </>
              )}
            </>
          )}
          {live && (
            <button className="button danger" disabled={stream.busy} onClick={() => void stream.stop()} data-testid="stream-stop">
              {stream.busy ? <span className="spinner" /> : null} Stop streaming
            </button>
          )}
          {stream.error && (
            <span className="hint danger-text" role="alert" data-testid="stream-error">
              {stream.error}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
