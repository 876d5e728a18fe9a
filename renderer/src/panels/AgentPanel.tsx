/**
 * The viewer's Agent panel: pick a model, say the task, Run; the steps stream in (the model's
 * words, each action with where it landed and a thumbnail of the screen after it), with Stop,
 * Take over and Resume, and steps, tokens and time. The computer's past threads are listed, can
 * be reopened and continued. Clicks and drags are marked on the desktop for a moment.
 */
import { useEffect, useRef, useState } from 'react';
import type { ThreadStep } from '../../../shared/api/agent';
import { Icon } from '../components/Icon';
import { useAgent } from '../hooks/useAgent';
import { AgentMark } from './AgentMark';
import { HostKeys, useModelKeys } from './HostKeys';
import { ModelProviders } from './ModelProviders';
import '../styles/agent.css';

const STATUS_WORDS: Record<string, string> = {
  running: 'Working…',
  paused: 'Paused: you have the computer',
  done: 'Done',
  stopped: 'Stopped by a limit',
  cancelled: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
};

function describe(step: ThreadStep): string {
  const i = (step.input ?? {}) as Record<string, unknown>;
  if (step.kind === 'bash') return `$ ${String(i.command ?? '')}`;
  if (step.kind === 'edit') return `${step.action} ${String(i.path ?? '')}`;
  const at = step.x !== null ? ` at ${step.x}, ${step.y}` : '';
  if (step.action === 'type') return `type “${String(i.text ?? '').slice(0, 80)}”`;
  if (step.action === 'key' || step.action === 'hold_key') return `${step.action} ${String(i.text ?? '')}`;
  if (step.action === 'scroll') return `scroll ${String(i.scroll_direction)} ${String(i.scroll_amount ?? '')}${at}`;
  return `${(step.action ?? '').replace(/_/g, ' ')}${at}`;
}

const seconds = (ms: number | null) => (ms === null ? '' : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

export function AgentPanel({ computerId, running }: { computerId: string; running: boolean }) {
  const agent = useAgent(computerId, true);
  const [keys, setKeys, , reloadKeys] = useModelKeys();
  const [page, setPage] = useState<'run' | 'providers'>('run');
  const [model, setModel] = useState(() => localStorage.getItem('agent.model') ?? 'claude-sonnet-4-6');
  const [task, setTask] = useState('');
  const [now, setNow] = useState(Date.now());
  const list = useRef<HTMLOListElement>(null);
  const s = agent.shown;
  const live = s?.status === 'running' || s?.status === 'paused';
  useEffect(() => {
    if (!live) return;
    setNow(Date.now()); // from the run's start, not from when the panel opened
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [live]);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [s?.steps.length, s?.streaming]);
  useEffect(() => localStorage.setItem('agent.model', model), [model]);

  if (page === 'providers')
    return (
      <ModelProviders
        models={agent.models}
        back={() => {
          reloadKeys();
          setPage('run');
        }}
        onProvidersChanged={agent.refreshModels}
      />
    );
  const submit = () => {
    if (!task.trim()) return;
    void agent.run(model, task.trim(), !!s && !live);
    setTask('');
  };
  // `now` ticks only while a run is live: never show a run that started since the last tick as negative.
  const elapsed = s ? (s.elapsedMs ?? (s.startedAt ? Math.max(0, now - s.startedAt) : null)) : null;
  // Live runs count the steps' tokens until the run's own total arrives.
  const tokens = s ? (s.usage ? s.usage.input_tokens + s.usage.output_tokens : s.steps.reduce((n, x) => n + x.input_tokens + x.output_tokens, 0)) : 0;
  // The model's last words are the run's answer: shown once, as the answer.
  const lastText = s && !live && s.final ? [...s.steps].reverse().find((x) => x.kind === 'text') : undefined;
  const answerStep = lastText && lastText.text === s?.final ? lastText.n : null;
  const actionNo = new Map((s?.steps ?? []).filter((x) => x.kind !== 'text' && x.kind !== 'note').map((x, i) => [x.n, i + 1]));
  return (
    <div className="panel-body agent-panel" data-testid="agent-panel">
      <AgentMark mark={agent.mark} />
      <div className="agent-head">
        <select className="input small" value={model} onChange={(e) => setModel(e.target.value)} aria-label="Model" data-testid="agent-model">
          {(agent.models.length ? agent.models : [{ id: model, owned_by: '' }]).map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
        <button className="tool" onClick={() => setPage('providers')} title="Model providers" data-testid="agent-providers">
          <Icon name="key" size={14} /> Providers
        </button>
      </div>
      <HostKeys keys={keys} onChange={setKeys} />

      {s ? (
        <div className="agent-thread" data-testid="agent-thread" data-thread={s.id} data-status={s.status}>
          <div className="agent-status">
            <span className={`chip agent-${s.status}`} data-testid="agent-status">
              {STATUS_WORDS[s.status] ?? s.status}
            </span>
            <span className="muted" data-testid="agent-figures">
              {s.stepCount} {s.stepCount === 1 ? 'step' : 'steps'} · {tokens.toLocaleString()} tokens · {seconds(elapsed)}
            </span>
            <span className="grow" />
            {s.status === 'running' && (
              <button className="button small" onClick={() => void agent.control('pause')} data-testid="agent-takeover" title="Hold the agent between steps while you use the desktop">
                Take over
              </button>
            )}
            {s.status === 'paused' && (
              <button className="button primary small" onClick={() => void agent.control('resume')} data-testid="agent-resume">
                Resume
              </button>
            )}
            {live && (
              <button className="button danger small" onClick={() => void agent.control('cancel')} data-testid="agent-stop">
                <Icon name="stop" size={12} /> Stop
              </button>
            )}
            {!live && (
              <button className="tool" onClick={agent.close} data-testid="agent-close" title="Back to the threads">
                <Icon name="x" size={12} />
              </button>
            )}
          </div>
          <p className="agent-task">{s.task}</p>
          <ol className="agent-steps" ref={list} data-testid="agent-steps">
            {s.steps.map((step) => (
              <li
                key={step.n}
                className={`agent-step step-${step.kind}${step.error ? ' step-error' : ''}${step.n === answerStep ? ' step-final' : ''}`}
                data-kind={step.kind}
                data-action={step.action ?? undefined}
                data-testid={step.n === answerStep ? 'agent-final' : undefined}
              >
                {step.kind === 'text' || step.kind === 'note' ? (
                  <p>{step.text}</p>
                ) : (
                  <>
                    <div className="step-line">
                      <span className="step-n">{actionNo.get(step.n)}</span>
                      <span className="step-what">{describe(step)}</span>
                    </div>
                    {step.error && <p className="agent-error">{step.error}</p>}
                    {step.kind === 'bash' && step.result && <pre className="step-out">{step.result.slice(0, 600)}</pre>}
                    {step.thumbnail && <img className="step-thumb" src={step.thumbnail} alt={`The screen after step ${step.n}`} />}
                  </>
                )}
              </li>
            ))}
            {s.streaming.trim() && (
              <li className="agent-step step-text streaming">
                <p>{s.streaming}</p>
              </li>
            )}
            {s.final && !live && answerStep === null && (
              <li className="agent-step step-final" data-testid="agent-final">
                <p>{s.final}</p>
              </li>
            )}
            {s.error && <li className="agent-error" data-testid="agent-run-error">{s.error}</li>}
          </ol>
        </div>
      ) : (
        <div className="agent-threads" data-testid="agent-threads">
          <h5>Threads on this computer</h5>
          {agent.threads.length ? (
            <ul>
              {agent.threads.map((t) => (
                <li key={t.id}>
                  <button className="agent-thread-row" onClick={() => void agent.open(t.id)} data-testid="agent-thread-row" data-thread={t.id}>
                    <span className="grow">{t.title}</span>
                    <span className={`chip agent-${t.status}`}>{STATUS_WORDS[t.status] ?? t.status}</span>
                    <span className="muted">
                      {t.steps} {t.steps === 1 ? 'step' : 'steps'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted panel-empty">No agent has worked on this computer yet.</p>
          )}
        </div>
      )}

      {agent.error && <p className="agent-error" data-testid="agent-error">{agent.error}</p>}
      <form
        className="agent-ask"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          className="input"
          rows={3}
          placeholder={!running ? 'Start the computer to give the agent a task' : s && !live ? 'Continue this thread…' : 'What should the agent do on this computer?'}
          value={task}
          disabled={!running || live}
          onChange={(e) => setTask(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit();
          }}
          aria-label="Task"
          data-testid="agent-task"
        />
        <button className="button primary" type="submit" disabled={!running || live || !task.trim()} data-testid="agent-run">
          <Icon name="play" size={13} /> {s && !live ? 'Continue' : 'Run'}
        </button>
      </form>
    </div>
  );
}
