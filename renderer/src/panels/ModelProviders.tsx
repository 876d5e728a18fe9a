/**
 * "Model providers": the Anthropic key the agent uses, kept by main in the system keychain and
 * sent by main as x-anthropic-key (this page never reads it back, only whether one is set), and
 * the models the host offers, OpenAI-compatible providers among them.
 */
import { useEffect, useState } from 'react';
import type { ModelKeysView } from '../../../shared/ipc/channels';
import { orgo } from '../orgo';

export function ModelProviders({ models, back }: { models: Array<{ id: string; owned_by: string }>; back: () => void }) {
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
  const others = models.filter((m) => m.owned_by !== 'anthropic');
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
            ? `A key ending ${keys.anthropic.hint} is kept in the ${keys.anthropic.source === 'keychain' ? 'system keychain' : keys.anthropic.source}. The app sends it to the host with each run; it is never shown here.`
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
      <section className="agent-card">
        <h5>OpenAI-compatible providers</h5>
        {others.length ? (
          <ul className="agent-models">
            {others.map((m) => (
              <li key={m.id}>
                <code>{m.id}</code> <span className="muted">via {m.owned_by}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None on this host. A host takes them with <code>--agent-providers FILE</code> (a JSON list of name, base_url, api_key and models: Ollama, vLLM, LM Studio, …).</p>
        )}
      </section>
    </div>
  );
}
