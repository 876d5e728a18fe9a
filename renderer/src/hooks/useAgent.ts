/**
 * One computer's agent, for the Agent panel: the live feed of its runs (steps, streamed text,
 * status), the thread on show (live, or reopened from the past), the computer's threads, and the
 * controls. Everything goes through main (orgo.agent.*), which adds the model key.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentEvent, ThreadStatus, ThreadStep, ThreadSummary, ThreadUsage } from '../../../shared/api/agent';
import { orgo } from '../orgo';

export interface ShownThread {
  id: string;
  task: string;
  status: ThreadStatus;
  steps: ThreadStep[];
  /** The model's text of the current turn as it streams. */
  streaming: string;
  final: string | null;
  error: string | null;
  stepCount: number;
  usage: ThreadUsage | null;
  startedAt: number | null;
  elapsedMs: number | null;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

/** The last click or drag of the agent, to mark on the desktop for a moment. */
export interface Mark {
  x: number;
  y: number;
  to?: { x: number; y: number };
  action: string;
  at: number;
}

const empty = (id: string, task = ''): ShownThread => ({ id, task, status: 'running', steps: [], streaming: '', final: null, error: null, stepCount: 0, usage: null, startedAt: Date.now(), elapsedMs: null, messages: [] });

export function useAgent(computerId: string, enabled: boolean) {
  const [shown, setShown] = useState<ShownThread | null>(null);
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  const [models, setModels] = useState<Array<{ id: string; owned_by: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [mark, setMark] = useState<Mark | null>(null);
  const shownId = useRef<string | null>(null);
  shownId.current = shown?.id ?? null;

  const refreshThreads = useCallback(async () => {
    try {
      setThreads(await orgo.agent.threads({ computerId }));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [computerId]);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void orgo.agent.watch({ computerId }).catch((e: Error) => setError(e.message));
    void orgo.agent.models().then((m) => live && setModels(m), (e: Error) => live && setError(e.message));
    void refreshThreads();
    const off = orgo.on('agent.event', ({ computerId: id, event }) => {
      if (id !== computerId) return;
      onEvent(event);
    });
    const onEvent = (e: AgentEvent) => {
      if (e.type === 'run_start') {
        setShown((s) => (s && s.id === e.thread_id ? { ...s, status: 'running', task: e.task, final: null, error: null, startedAt: Date.now(), elapsedMs: null } : s ?? empty(e.thread_id, e.task)));
        void refreshThreads();
        return;
      }
      if (e.thread_id !== shownId.current) return;
      setShown((s) => {
        if (!s || s.id !== e.thread_id) return s;
        if (e.type === 'text_delta') return { ...s, streaming: s.streaming + e.text };
        if (e.type === 'step') return { ...s, steps: [...s.steps, e.step], streaming: e.step.kind === 'text' ? '' : s.streaming, stepCount: s.stepCount + (e.step.kind === 'action' || e.step.kind === 'bash' || e.step.kind === 'edit' ? 1 : 0) };
        if (e.type === 'status') return { ...s, status: e.status, stepCount: e.steps, usage: e.usage };
        return { ...s, status: e.status, final: e.text, error: e.error, stepCount: e.steps, usage: e.usage, elapsedMs: e.elapsed_ms, streaming: '' };
      });
      if (e.type === 'step' && e.step.x !== null && e.step.y !== null && e.step.action && /click|drag|mouse/.test(e.step.action)) {
        const input = e.step.input as { coordinate?: [number, number] } | null;
        setMark({ x: e.step.x, y: e.step.y, action: e.step.action, at: Date.now(), ...(e.step.action === 'left_click_drag' && input?.coordinate ? {} : {}) });
      }
      if (e.type === 'run_end') void refreshThreads();
    };
    return () => {
      live = false;
      off();
      void orgo.agent.unwatch({ computerId }).catch(() => {});
    };
  }, [computerId, enabled, refreshThreads]);

  const run = useCallback(
    async (model: string, task: string, continueThread: boolean) => {
      setError(null);
      const threadId = continueThread && shown ? shown.id : undefined;
      try {
        // Shown before the first event arrives, so nothing of the run is missed.
        const r = await orgo.agent.run({ computerId, model, task, threadId });
        setShown((s) => (s && s.id === r.threadId ? { ...s, status: 'running', final: null, error: null, startedAt: Date.now(), elapsedMs: null, messages: [...s.messages, { role: 'user', content: task }] } : { ...empty(r.threadId, task), messages: [{ role: 'user', content: task }] }));
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [computerId, shown],
  );

  const control = useCallback(
    async (action: 'cancel' | 'pause' | 'resume') => {
      if (!shown) return;
      try {
        const t = await orgo.agent.control({ threadId: shown.id, action });
        setShown((s) => (s && s.id === t.id ? { ...s, status: t.status } : s));
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [shown],
  );

  const open = useCallback(async (id: string) => {
    setError(null);
    try {
      const t = await orgo.agent.thread({ id });
      setShown({
        id: t.id,
        task: t.title,
        status: t.status,
        steps: t.steps_detail,
        streaming: '',
        final: [...t.messages].reverse().find((m) => m.role === 'assistant')?.content ?? null,
        error: t.error,
        stepCount: t.steps,
        usage: t.usage,
        startedAt: null,
        elapsedMs: Date.parse(t.updated_at) - Date.parse(t.created_at),
        messages: t.messages,
      });
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  const refreshModels = useCallback(() => {
    void orgo.agent.models().then(setModels, (e: Error) => setError(e.message));
  }, []);
  return { shown, threads, models, error, mark, run, control, open, close: () => setShown(null), refreshThreads, refreshModels };
}
