/**
 * Settings: the account's RTMP streaming connections (a server URL and a stream key each; the
 * host shows only a hint of the key). Removing one asks first. A host without streaming says so.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StreamConnection } from '../../../shared/api/manage';
import { humanError } from '../components/createForm';
import { ConfirmDialog, Modal } from '../components/Modal';
import { ModalForm } from '../components/ModalForm';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';
import '../styles/manage.css';

export function connectionProblem(name: string, url: string, key: string, taken: readonly StreamConnection[]): string | undefined {
  if (!name.trim()) return 'Give the connection a name';
  if (taken.some((c) => c.name === name.trim())) return `A connection named “${name.trim()}” already exists`;
  if (!url.trim()) return 'Give the server URL (rtmp://…)';
  if (!/^rtmps?:\/\/[^\s/]+/i.test(url.trim())) return 'The server URL starts with rtmp:// or rtmps://';
  if (!key.trim()) return 'Give the stream key';
  if (/\s/.test(key.trim())) return 'A stream key has no spaces';
  return undefined;
}

export function StreamingSettings({ onClose }: { onClose: () => void }) {
  const toast = useToast();
  const [list, setList] = useState<StreamConnection[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<StreamConnection | null>(null);

  const load = useCallback(() => {
    orgo.streaming.list().then(
      (l) => {
        setList(l);
        setLoadError(null);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, []);
  useEffect(load, [load]);

  const why = connectionProblem(name, url, key, list ?? []);
  const add = async () => {
    if (why || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await orgo.streaming.add({ name: name.trim(), server_url: url.trim(), stream_key: key.trim() });
      toast({ kind: 'success', title: `Added the streaming connection “${c.name}”` });
      setName('');
      setUrl('');
      setKey('');
      load();
    } catch (e) {
      setError(`Could not add “${name.trim()}”: ${humanError((e as Error).message)}`);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (c: StreamConnection) => {
    try {
      await orgo.streaming.remove({ name: c.name });
      toast({ kind: 'success', title: `Removed “${c.name}”` });
      load();
    } catch (e) {
      toast({ kind: 'error', title: `Could not remove “${c.name}”`, detail: (e as Error).message });
    }
  };

  return (
    <Modal title="Settings" onClose={onClose} width={560} footer={<button className="button" onClick={onClose}>Close</button>}>
      <section className="settings-section" data-testid="streaming-settings">
        <h3>Streaming connections</h3>
        <p className="modal-text muted">Where a computer’s screen and sound go when you press Stream in its viewer: an RTMP server (YouTube, Twitch, your own) and its stream key.</p>
        {loadError ? (
          <div className="form-error" role="alert" data-testid="streaming-unavailable">
            {loadError}
          </div>
        ) : list === null ? (
          <span className="spinner" />
        ) : (
          <>
            {list.length === 0 ? (
              <p className="muted" data-testid="no-connections">
                No connections yet.
              </p>
            ) : (
              <ul className="connections" data-testid="connections">
                {list.map((c) => (
                  <li key={c.name} className="connection" data-name={c.name}>
                    <span className="connection-text">
                      <span>{c.name}</span>
                      <span className="menu-sub">
                        {c.server_url} · key {c.stream_key_hint}
                      </span>
                    </span>
                    <button className="icon-button danger-hover" aria-label={`Remove ${c.name}`} title={`Remove “${c.name}”`} onClick={() => setRemoving(c)}>
                      ✕
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <ModalForm onSubmit={add} error={error}>
              <label className="field">
                <span>Name</span>
                <input value={name} onChange={(e) => setName(e.target.value)} placeholder="youtube" aria-label="Connection name" />
              </label>
              <label className="field">
                <span>Stream key</span>
                <input type="password" value={key} onChange={(e) => setKey(e.target.value)} aria-label="Stream key" autoComplete="off" />
              </label>
              <label className="field wide">
                <span>Server URL</span>
                <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="rtmp://a.rtmp.youtube.com/live2" aria-label="Server URL" />
              </label>
              <div className="wide form-actions">
                {why && (name || url || key) ? (
                  <span className="footer-why" data-testid="connection-why">
                    {why}
                  </span>
                ) : null}
                <button type="button" className="button primary" onClick={() => void add()} disabled={busy || !!why} title={why} data-testid="add-connection">
                  {busy ? <span className="spinner" /> : null} Add connection
                </button>
              </div>
            </ModalForm>
          </>
        )}
      </section>
      {removing && (
        <ConfirmDialog
          title={`Remove “${removing.name}”?`}
          body={`Streams can no longer be sent to ${removing.server_url} with this key. A stream running with it now keeps going until stopped.`}
          confirm="Remove connection"
          danger
          onConfirm={() => void remove(removing)}
          onClose={() => setRemoving(null)}
        />
      )}
    </Modal>
  );
}
