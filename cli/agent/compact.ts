/**
 * `/compact`: the model itself writes the summary the conversation continues from. The request
 * goes through the agent endpoint like any turn, on the session's server thread when there is
 * one (so the model sees everything it did, screenshots and tool results included), else with
 * the conversation as messages; limited to one more step: a summary needs no tools, and a model
 * that reaches for the computer anyway is stopped there. A thread's `max_steps` counts the
 * thread's steps so far, so the limit is its step count (GET /v1/threads/{id}) plus one; a server
 * without that route gets the conversation as messages on a new thread. The session then starts
 * a fresh server thread seeded with the summary as its only earlier turn.
 */
import type { Connected } from '../connect.js';
import { CliError } from '../fail.js';
import { runAgent, type RunEvent } from './endpoint.js';
import { history, saveSession, type Session } from './sessions.js';

export const COMPACT_PROMPT =
  'Summarise our conversation so far so that we can continue from the summary alone: what I asked, ' +
  'what you did on the computer and what you found, what is still open, and any names, paths or ' +
  'values we will need. Answer with the summary only; do not use the computer for this.';

export const SUMMARY_PROMPT = 'Summary of our conversation so far (earlier turns were compacted):';

/** How many steps the server's thread has taken, or null when the server does not say. */
async function threadSteps(c: Connected, threadId: string): Promise<number | null> {
  try {
    const body = await c.client.request<{ steps?: unknown }>('GET', `/v1/threads/${encodeURIComponent(threadId)}`);
    return typeof body.steps === 'number' && Number.isInteger(body.steps) && body.steps >= 0 ? body.steps : null;
  } catch {
    return null;
  }
}

export async function compact(c: Connected, s: Session, opts: { signal?: AbortSignal; on?: (e: RunEvent) => void } = {}): Promise<string> {
  if (!s.turns.length) throw new CliError('Nothing to compact yet: the conversation has no turns.', 1, 'nothing_to_compact');
  const done = s.thread_id ? await threadSteps(c, s.thread_id) : null;
  const onThread = done !== null;
  const messages = onThread ? [{ role: 'user' as const, content: COMPACT_PROMPT }] : [...history(s), { role: 'user' as const, content: COMPACT_PROMPT }];
  const answer = await runAgent(
    {
      baseUrl: c.profile.baseUrl,
      apiKey: c.key,
      computerId: s.computer.id,
      messages,
      model: s.model ?? undefined,
      threadId: onThread ? s.thread_id! : undefined,
      maxSteps: (done ?? 0) + 1,
      signal: opts.signal,
    },
    (e) => opts.on?.(e),
  );
  const summary = answer.text.trim();
  // Nothing is thrown away unless there is something to keep instead.
  if (!summary) throw new CliError('The model answered no summary; the conversation was left as it was.', 1, 'no_summary');
  s.turns = [{ prompt: SUMMARY_PROMPT, text: summary, tool_calls: [], tool_results: [], usage: answer.usage, at: new Date().toISOString() }];
  s.thread_id = null;
  saveSession(s);
  return summary;
}
