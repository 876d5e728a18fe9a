/**
 * Where the Agent panel's runs go and whether the person's model keys go with them: the built-in
 * host always gets them; another host (a second profile, Orgo's cloud) only after "Send my keys"
 * here, and until then its runs use that host's own key. Main decides and sends the keys
 * (app/model-key-hosts.ts); this only shows the choice and passes the person's answer on.
 */
import { useEffect, useState } from 'react';
import type { ModelKeysView } from '../../../shared/ipc/channels';
import { orgo } from '../orgo';

export function useModelKeys(): [ModelKeysView | null, (v: ModelKeysView) => void, string | null, () => void] {
  const [keys, setKeys] = useState<ModelKeysView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => void orgo.modelKeys.get().then(setKeys, (e: Error) => setError(e.message));
  useEffect(() => {
    load();
    // Another profile chosen: another host, with its own answer.
    return orgo.on('session.changed', load);
  }, []);
  return [keys, setKeys, error, load];
}

export function HostKeys({ keys, onChange }: { keys: ModelKeysView | null; onChange: (v: ModelKeysView) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!keys || keys.host.builtIn) return null;
  const h = keys.host;
  const answer = async (allow: boolean) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await orgo.modelKeys.allowHost({ profileId: h.profileId, allow }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="agent-host" data-testid="agent-host" data-allowed={h.allowed ? 'yes' : 'no'}>
      <p className="muted">
        Runs go to <b>{h.name}</b> <span className="agent-host-url">{h.baseUrl}</span>.{' '}
        {h.allowed ? 'Your model keys go with them.' : h.refusal ? h.refusal : keys.held ? 'Your model keys stay in this app; runs there use the host’s own key.' : 'Runs there use the host’s own model key.'}
      </p>
      {!h.refusal && keys.held && (
        <button className={`button small${h.allowed ? '' : ' primary'}`} disabled={busy} onClick={() => void answer(!h.allowed)} data-testid={h.allowed ? 'agent-revoke-host' : 'agent-allow-host'}>
          {h.allowed ? 'Stop sending my keys' : `Send my keys to ${h.name}`}
        </button>
      )}
      {error && <p className="agent-error">{error}</p>}
    </div>
  );
}
