/** One turn of a session: the prompt sent, the run streamed to the screen, the session saved. */
import type { Connected } from '../connect.js';
import { paint, type Out } from '../output.js';
import { runAgent, type RunAnswer, type RunEvent } from './endpoint.js';
import { history, saveSession, type Session, type Turn } from './sessions.js';

const brief = (v: unknown, max = 120) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

/** Prints a run as it happens: text on stdout, steps dimmed on stderr (so stdout is the answer). */
export function printer(out: Out): (e: RunEvent) => void {
  const dim = (s: string) => paint({ color: out.color && out.errTty }, 'dim', s);
  let midLine = false;
  return (e) => {
    if (e.type === 'text') {
      process.stdout.write(e.text);
      midLine = !e.text.endsWith('\n');
      return;
    }
    if (midLine) process.stdout.write('\n');
    midLine = false;
    if (e.type === 'tool_call') process.stderr.write(dim(`  ▸ ${e.call.name} ${brief(e.call.input)}`) + '\n');
    else if (e.type === 'tool_result') process.stderr.write(dim(`    ${e.result.is_error ? '✗' : '✓'} ${brief(e.result.output ?? '')}`) + '\n');
  };
}

export async function turn(c: Connected, s: Session, prompt: string, opts: { signal?: AbortSignal; maxSteps?: number; on?: (e: RunEvent) => void }): Promise<{ turn: Turn; answer: RunAnswer | null; error?: unknown }> {
  const t: Turn = { prompt, text: '', tool_calls: [], tool_results: [], usage: null, at: new Date().toISOString() };
  // With a thread the server remembers the conversation; without one, it is sent again.
  const messages = s.thread_id ? [{ role: 'user' as const, content: prompt }] : [...history(s), { role: 'user' as const, content: prompt }];
  try {
    const answer = await runAgent(
      { baseUrl: c.profile.baseUrl, apiKey: c.key, computerId: s.computer.id, messages, model: s.model ?? undefined, threadId: s.thread_id ?? undefined, maxSteps: opts.maxSteps, signal: opts.signal },
      (e) => {
        if (e.type === 'text') t.text += e.text;
        else if (e.type === 'tool_call') t.tool_calls.push(e.call);
        else if (e.type === 'tool_result') t.tool_results.push(e.result);
        else t.usage = e.usage;
        opts.on?.(e);
      },
    );
    s.thread_id = answer.threadId ?? s.thread_id;
    s.turns.push(t);
    saveSession(s);
    return { turn: t, answer };
  } catch (e) {
    t.stopped = opts.signal?.aborted ? 'stopped' : (e as Error).message;
    s.turns.push(t);
    saveSession(s);
    return { turn: t, answer: null, error: e };
  }
}
