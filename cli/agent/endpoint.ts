/**
 * The agent endpoint, `POST /api/v1/chat/completions` (Orgo's contract on OpenAI's shape, see
 * issue 12): one run streamed as server-sent `chat.completion.chunk` events. Besides the
 * model's text, a chunk may carry the run's steps (tool calls and their results) under `orgo`;
 * both are passed on as they arrive. Aborting the request cancels the run on the host (a
 * dropped stream ends its run).
 */
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

/** Runs one task, streamed; `on` sees every event as it arrives. */
export async function runAgent(req: RunRequest, on: (e: RunEvent) => void): Promise<RunAnswer> {
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
  if (!res.ok || !res.body) throw errorOf(res.status, await res.text().catch(() => ''));
  const answer: RunAnswer = { text: '', threadId: res.headers.get('x-thread-id'), usage: null, tool_calls: [], tool_results: [], steps: null };
  const take = (e: RunEvent) => {
    if (e.type === 'text') answer.text += e.text;
    else if (e.type === 'tool_call') answer.tool_calls.push(e.call);
    else if (e.type === 'tool_result') answer.tool_results.push(e.result);
    else answer.usage = e.usage;
    on(e);
  };
  // A non-streaming server (or proxy) answers one chat.completion: take it whole.
  if (!/event-stream/.test(res.headers.get('content-type') ?? '')) {
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }>; usage?: Usage; orgo?: { thread_id?: string; steps?: number } };
    const text = body.choices?.[0]?.message?.content ?? '';
    if (text) take({ type: 'text', text });
    if (body.usage) take({ type: 'usage', usage: body.usage });
    answer.threadId ??= body.orgo?.thread_id ?? null;
    answer.steps = body.orgo?.steps ?? null;
    return answer;
  }
  const decoder = new TextDecoder();
  let buf = '';
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
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
      let chunk: Chunk & { error?: { message?: string; code?: string } };
      try {
        chunk = JSON.parse(data);
      } catch {
        continue;
      }
      if (chunk.error) throw new AgentEndpointError(chunk.error.message ?? 'The run failed', 500, chunk.error.code);
      if (chunk.orgo?.thread_id) answer.threadId ??= chunk.orgo.thread_id;
      if (chunk.orgo?.steps !== undefined) answer.steps = chunk.orgo.steps;
      for (const e of eventsOf(chunk)) take(e);
    }
  }
  return answer;
}
