/**
 * The agent endpoint, `POST /api/v1/chat/completions` (Orgo's contract on OpenAI's shape, see
 * issue 12): one run streamed as server-sent `chat.completion.chunk` events carrying the model's
 * text. The run's steps (each action with its input and result) come from the computer's live
 * feed, `GET /api/v1/agent/events?computer_id=`, read beside it where the server has one; a
 * server without it (Orgo's cloud) still streams the text. Stopping a run asks the server to
 * cancel its thread, then drops the stream (which cancels it too).
 */
import type { ThreadStep } from '../../shared/api/agent.js';

export interface ToolCall {
  id?: string;
  name: string;
  input: unknown;
}
export interface ToolResult {
  id?: string;
  name?: string;
  output: string;
  is_error?: boolean;
}
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type RunEvent = { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'tool_result'; result: ToolResult } | { type: 'usage'; usage: Usage };

export interface RunRequest {
  baseUrl: string;
  apiKey: string;
  computerId: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  model?: string;
  threadId?: string;
  maxSteps?: number;
  signal?: AbortSignal;
}

export interface RunAnswer {
  text: string;
  threadId: string | null;
  usage: Usage | null;
  tool_calls: ToolCall[];
  tool_results: ToolResult[];
  steps: number | null;
}

export class AgentEndpointError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The nested `{error: {message, code}}` of OpenAI's shape, or Orgo's flat `{error, code}`. */
function errorOf(status: number, text: string): AgentEndpointError {
  try {
    const b = JSON.parse(text) as { error?: string | { message?: string; code?: string }; code?: string };
    if (b.error && typeof b.error === 'object') return new AgentEndpointError(b.error.message ?? `HTTP ${status}`, status, b.error.code);
    if (typeof b.error === 'string') return new AgentEndpointError(b.error, status, b.code);
  } catch {
    /* not JSON */
  }
  if (status === 404) return new AgentEndpointError('This server has no agent endpoint (POST /api/v1/chat/completions answered 404)', 404, 'not_offered');
  return new AgentEndpointError(text.slice(0, 300) || `HTTP ${status}`, status);
}

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> } }>;
  usage?: Usage;
  orgo?: {
    thread_id?: string;
    steps?: number;
    step?: { tool_call?: ToolCall; tool_result?: ToolResult; action?: string; input?: unknown; result?: string; id?: string; is_error?: boolean };
    tool_call?: ToolCall;
    tool_result?: ToolResult;
  };
}

/** What one SSE chunk says, as RunEvents. */
export function eventsOf(chunk: Chunk): RunEvent[] {
  const out: RunEvent[] = [];
  for (const ch of chunk.choices ?? []) {
    if (ch.delta?.content) out.push({ type: 'text', text: ch.delta.content });
    for (const tc of ch.delta?.tool_calls ?? []) {
      if (tc.function?.name) out.push({ type: 'tool_call', call: { id: tc.id, name: tc.function.name, input: parseMaybe(tc.function.arguments) } });
    }
  }
  const o = chunk.orgo;
  if (o?.tool_call) out.push({ type: 'tool_call', call: o.tool_call });
  if (o?.tool_result) out.push({ type: 'tool_result', result: o.tool_result });
  if (o?.step?.tool_call) out.push({ type: 'tool_call', call: o.step.tool_call });
  if (o?.step?.tool_result) out.push({ type: 'tool_result', result: o.step.tool_result });
  if (chunk.usage) out.push({ type: 'usage', usage: chunk.usage });
  return out;
}

function parseMaybe(s: string | undefined): unknown {
  try {
    return s ? JSON.parse(s) : {};
  } catch {
    return s;
  }
}

/** A step as the host's live feed carries it (shared/api/agent.ts), the fields the terminal shows. */
type FeedStep = Pick<ThreadStep, 'n' | 'kind' | 'action' | 'input' | 'x' | 'y' | 'result' | 'error'>;
type FeedEvent = { type: 'step'; thread_id: string; step: FeedStep } | { type: 'run_end'; thread_id: string } | { type: string; thread_id?: string };

/** Server-sent events of `res` as parsed JSON `data:` payloads. */
async function* sse(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const piece of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(piece, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data || data === '[DONE]') continue;
      try {
        yield JSON.parse(data) as Record<string, unknown>;
      } catch {
        /* not JSON: skipped */
      }
    }
  }
}

/** A step of the live feed as the tool call it was and the result it had. */
export function stepEvents(step: FeedStep): RunEvent[] {
  if (step.kind === 'text') return [];
  const id = `step_${step.n}`;
  const name = step.kind === 'action' ? 'computer' : step.kind;
  const input = { ...(step.action ? { action: step.action } : {}), ...(step.input ?? {}) };
  const output = step.error ?? step.result ?? '';
  return [
    { type: 'tool_call', call: { id, name, input } },
    { type: 'tool_result', result: { id, name, output, ...(step.error ? { is_error: true } : {}) } },
  ];
}

/**
 * The computer's live feed of agent steps, opened before the run starts so no step is missed;
 * steps of `threadId()` go to `on`, others' are ignored. Resolves `ended` at that run's end.
 */
async function watchFeed(req: RunRequest, threadId: () => string | null, on: (e: RunEvent) => void, signal: AbortSignal) {
  const url = `${req.baseUrl.replace(/\/+$/, '')}/v1/agent/events?computer_id=${encodeURIComponent(req.computerId)}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${req.apiKey}`, accept: 'text/event-stream' }, signal });
  } catch {
    return null;
  }
  if (!res.ok || !res.body) return null;
  const waiting: FeedEvent[] = [];
  let endedResolve!: () => void;
  const ended = new Promise<void>((r) => (endedResolve = r));
  const take = (e: FeedEvent) => {
    if (e.type === 'step') for (const x of stepEvents((e as { step: FeedStep }).step)) on(x);
    else if (e.type === 'run_end') endedResolve();
  };
  const pump = (async () => {
    try {
      for await (const raw of sse(res.body!)) {
        const e = raw as FeedEvent;
        const mine = threadId();
        if (!mine) waiting.push(e);
        else if (e.thread_id === mine) take(e);
      }
    } catch {
      /* closed */
    }
  })();
  return {
    /** Called once the thread's id is known: what came before it is sorted out now. */
    known(id: string) {
      for (const e of waiting.splice(0)) if (e.thread_id === id) take(e);
    },
    ended,
    pump,
  };
}

/** Asks the server to stop a thread's run (the dropped stream would stop it too, after a grace period). */
export async function cancelRun(req: Pick<RunRequest, 'baseUrl' | 'apiKey'>, threadId: string): Promise<void> {
  await fetch(`${req.baseUrl.replace(/\/+$/, '')}/v1/threads/${encodeURIComponent(threadId)}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${req.apiKey}` },
    signal: AbortSignal.timeout(5000),
  }).catch(() => {});
}

/** Runs one task, streamed; `on` sees every event as it arrives. */
export async function runAgent(req: RunRequest, on: (e: RunEvent) => void): Promise<RunAnswer> {
  let threadId: string | null = req.threadId ?? null;
  const answer: RunAnswer = { text: '', threadId, usage: null, tool_calls: [], tool_results: [], steps: null };
  const take = (e: RunEvent) => {
    if (e.type === 'text') answer.text += e.text;
    else if (e.type === 'tool_call') answer.tool_calls.push(e.call);
    else if (e.type === 'tool_result') answer.tool_results.push(e.result);
    else answer.usage = e.usage;
    on(e);
  };
  const feedStop = new AbortController();
  // Steps come from the feed only for a new thread's id once known, or the thread being continued.
  const feed = await watchFeed(req, () => threadId, take, feedStop.signal);
  try {
    return await stream(req, answer, take, (id) => {
      if (threadId) return;
      threadId = id;
      feed?.known(id);
    }).then(async (a) => {
      // The feed's last steps may trail the stream's end a little.
      if (feed) await Promise.race([feed.ended, new Promise((r) => setTimeout(r, 1500))]);
      return a;
    });
  } catch (e) {
    if (req.signal?.aborted && threadId) await cancelRun(req, threadId);
    throw e;
  } finally {
    feedStop.abort();
  }
}

async function stream(req: RunRequest, answer: RunAnswer, take: (e: RunEvent) => void, known: (threadId: string) => void): Promise<RunAnswer> {
  const res = await fetch(`${req.baseUrl.replace(/\/+$/, '')}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${req.apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      computer_id: req.computerId,
      messages: req.messages,
      stream: true,
      ...(req.model ? { model: req.model } : {}),
      ...(req.threadId ? { thread_id: req.threadId } : {}),
      ...(req.maxSteps ? { max_steps: req.maxSteps } : {}),
    }),
    signal: req.signal,
  });
  const headerThread = res.headers.get('x-thread-id');
  if (headerThread) {
    answer.threadId = headerThread;
    known(headerThread);
  }
  if (!res.ok || !res.body) throw errorOf(res.status, await res.text().catch(() => ''));
  // A non-streaming server (or proxy) answers one chat.completion: take it whole.
  if (!/event-stream/.test(res.headers.get('content-type') ?? '')) {
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }>; usage?: Usage; orgo?: { thread_id?: string; steps?: number } };
    const text = body.choices?.[0]?.message?.content ?? '';
    if (text) take({ type: 'text', text });
    if (body.usage) take({ type: 'usage', usage: body.usage });
    answer.threadId ??= body.orgo?.thread_id ?? null;
    if (answer.threadId) known(answer.threadId);
    answer.steps = body.orgo?.steps ?? null;
    return answer;
  }
  for await (const raw of sse(res.body)) {
    const chunk = raw as Chunk & { error?: { message?: string; code?: string } };
    if (chunk.error) throw new AgentEndpointError(chunk.error.message ?? 'The run failed', 500, chunk.error.code);
    if (chunk.orgo?.thread_id) {
      answer.threadId ??= chunk.orgo.thread_id;
      known(chunk.orgo.thread_id);
    }
    if (chunk.orgo?.steps !== undefined) answer.steps = chunk.orgo.steps;
    for (const e of eventsOf(chunk)) take(e);
  }
  return answer;
}
