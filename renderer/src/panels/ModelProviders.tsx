/**
 * "Model providers": the Anthropic key the agent uses, kept by main in the system keychain and
 * sent by main as x-anthropic-key (this page never reads it back, only whether one is set); the
 * OpenAI-compatible providers added here (name, base URL, models, key: the key goes to main and
 * the keychain, and comes back only as its last four characters); the hosts allowed to get those
 * keys with their runs (HostKeys.tsx asks); and the host's own providers.
 */
import { useEffect, useState } from 'react';
import type { ModelKeysView, ModelProviderView } from '../../../shared/ipc/channels';
import { orgo } from '../orgo';

export function ModelProviders({ models, back, onProvidersChanged }: { models: Array<{ id: string; owned_by: string }>; back: () => void; onProvidersChanged: () => void }) {
  const [keys, setKeys] = useState<ModelKeysView | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void orgo.modelKeys.get().then(setKeys, (e: Error) => setError(e.message));
  }, []);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      setKeys(await orgo.modelKeys.set({ provider: 'anthropic', key: draft }));
      setDraft('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const clear = async () => setKeys(await orgo.modelKeys.clear({ provider: 'anthropic' }));
  const [mine, setMine] = useState<ModelProviderView[]>([]);
  useEffect(() => {
    void orgo.modelProviders.list().then(setMine, (e: Error) => setError(e.message));
  }, []);
  const changed = (list: ModelProviderView[]) => {
    setMine(list);
    onProvidersChanged();
  };
  const others = models.filter((m) => m.owned_by !== 'anthropic' && !mine.some((p) => p.name === m.owned_by));
  return (
    <div className="panel-body agent-providers" data-testid="model-providers">
      <div className="agent-subhead">
        <button className="tool" onClick={back} data-testid="providers-back">
          ← Agent
        </button>
        <h4>Model providers</h4>
      </div>
      <section className="agent-card">
        <h5>Anthropic</h5>
        <p className="muted">
          {keys?.anthropic.set
            ? `A key ending ${keys.anthropic.hint} is kept in the ${keys.anthropic.source === 'keychain' ? 'system keychain' : keys.anthropic.source}. The app sends it with each run to the hosts listed below; it is never shown here.`
            : 'No key yet: runs use the host’s own key (ANTHROPIC_API_KEY), if it has one.'}
        </p>
        <div className="agent-row">
          <input className="input small grow" type="password" placeholder="sk-ant-…" value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="Anthropic API key" data-testid="anthropic-key" autoComplete="off" />
          <button className="button primary small" disabled={busy || draft.trim().length < 8} onClick={save} data-testid="anthropic-key-save">
            Save
          </button>
          {keys?.anthropic.set && (
            <button className="button small" onClick={clear} data-testid="anthropic-key-clear">
              Remove
            </button>
          )}
        </div>
        {error && <p className="agent-error">{error}</p>}
      </section>
      <section className="agent-card" data-testid="app-providers">
        <h5>OpenAI-compatible providers</h5>
        {mine.map((p) => (
          <div className="agent-row" key={p.name} data-testid="app-provider" data-name={p.name}>
            <span className="grow">
              <b>{p.name}</b> <span className="muted">{p.baseUrl}</span>
              <br />
              {p.models.map((m) => (
                <code key={m}>{m} </code>
              ))}
              <span className="muted">{p.key.set ? ` key ending ${p.key.hint}, in the keychain` : ' no key'}</span>
            </span>
            <button className="button small" onClick={async () => changed(await orgo.modelProviders.remove({ name: p.name }))} data-testid="app-provider-remove">
              Remove
            </button>
          </div>
        ))}
        <AddProvider onSaved={changed} />
      </section>
      <section className="agent-card" data-testid="key-hosts">
        <h5>Hosts that get your keys</h5>
        <p className="muted">This computer’s built-in host, always.{keys?.hosts.length ? '' : ' No other host: runs elsewhere use that host’s own key until you send yours from the Agent panel.'}</p>
        {keys?.hosts.map((h) => (
          <div className="agent-row" key={h.profileId} data-testid="key-host" data-profile={h.profileId}>
            <span className="grow">
              <b>{h.name}</b> <span className="muted">{h.baseUrl}</span>
            </span>
            <button className="button small" onClick={async () => setKeys(await orgo.modelKeys.allowHost({ profileId: h.profileId, allow: false }))} data-testid="key-host-remove">
              Stop sending
            </button>
          </div>
        ))}
      </section>
      <section className="agent-card">
        <h5>On this host</h5>
        {others.length ? (
          <ul className="agent-models">
            {others.map((m) => (
              <li key={m.id}>
                <code>{m.id}</code> <span className="muted">via {m.owned_by}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None of its own. A host takes them with <code>--agent-providers FILE</code> (a JSON list of name, base_url, api_key and models: Ollama, vLLM, LM Studio, …).</p>
        )}
      </section>
    </div>
  );
}

/** The form that adds a provider: what an Ollama, vLLM or LM Studio server needs. */
function AddProvider({ onSaved }: { onSaved: (list: ModelProviderView[]) => void }) {
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [models, setModels] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = models.split(/[\s,]+/).filter(Boolean);
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await orgo.modelProviders.save({ name: name.trim(), baseUrl: baseUrl.trim(), models: list, ...(key.trim() ? { key: key.trim() } : {}) }));
      setName('');
      setBaseUrl('');
      setModels('');
      setKey('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="agent-provider-form" data-testid="provider-form">
      <div className="agent-row">
        <input className="input small grow" placeholder="Name: Ollama" value={name} onChange={(e) => setName(e.target.value)} aria-label="Provider name" data-testid="provider-name" />
        <input className="input small grow" placeholder="http://localhost:11434/v1" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-label="Base URL" data-testid="provider-url" />
      </div>
      <div className="agent-row">
        <input className="input small grow" placeholder="Models: qwen2.5vl:7b" value={models} onChange={(e) => setModels(e.target.value)} aria-label="Models" data-testid="provider-models" />
        <input className="input small grow" type="password" placeholder="API key, if any" value={key} onChange={(e) => setKey(e.target.value)} aria-label="Provider API key" data-testid="provider-key" autoComplete="off" />
        <button className="button primary small" disabled={busy || !name.trim() || !baseUrl.trim() || !list.length} onClick={add} data-testid="provider-save">
          Add
        </button>
      </div>
      {error && <p className="agent-error">{error}</p>}
    </div>
  );
}
