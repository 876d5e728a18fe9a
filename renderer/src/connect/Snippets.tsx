/**
 * The ready-to-paste snippets (shared/ipc/connect-snippets.ts) as tabs: curl, Python, openai,
 * the CLI; each with how to run it and a copy button. The code shown is the module's text as it
 * is, which the e2e tests read from here and run.
 */
import { useState } from 'react';
import type { Snippet } from '../../../shared/ipc/connect-snippets';
import { CopyButton } from '../components/CopyButton';
import '../styles/connect.css';

export function Snippets({ snippets }: { snippets: Snippet[] }) {
  const [tab, setTab] = useState<Snippet['id']>('curl');
  const shown = snippets.find((s) => s.id === tab) ?? snippets[0]!;
  return (
    <div className="snippets">
      <div className="snippet-tabs" role="tablist">
        {snippets.map((s) => (
          <button key={s.id} role="tab" aria-selected={s.id === shown.id} className={`snippet-tab${s.id === shown.id ? ' active' : ''}`} onClick={() => setTab(s.id)} data-testid={`connect-tab-${s.id}`}>
            {s.label}
          </button>
        ))}
      </div>
      <div className="snippet-run muted small" data-testid="connect-run">
        {shown.run}
      </div>
      <pre className="connect-code" data-testid="connect-code" data-snippet={shown.id}>
        {shown.code}
      </pre>
      <div className="snippet-actions">
        <CopyButton text={shown.code} label={`the ${shown.label} snippet`} />
      </div>
    </div>
  );
}
