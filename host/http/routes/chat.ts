/**
 * Orgo's computer-use agent endpoint on OpenAI's chat-completions shape, the models list, the
 * threads, and the live feed and controls of runs. Errors here come in OpenAI's nested shape
 * (`{"error": {"type", "message", "code"}}`) so OpenAI's SDKs read `err.code`.
 *
 * Retries: OpenAI's SDKs retry 408/409/429/5xx answers and time-outs twice, with the same body
 * and no idempotency key (the `x-stainless-retry-count` header counts the attempt). Each run is
 * remembered by a fingerprint of the API key and the exact body (plus an `Idempotency-Key` when a
 * client sends one); a retry (retry count above 0, or the same Idempotency-Key) with the same
 * fingerprint attaches to that run, live or finished in the last 10 minutes, and answers its
 * result: the task never runs twice. A client that drops a run's request cancels the run, after
 * a grace long enough for the SDK's retry to attach instead.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AgentEvent } from '../../../shared/api/agent.js';
import * as C from '../../../shared/api/chat-schemas.js';
import { AgentService, noKey } from '../../agents/service.js';
import { AgentError } from '../../agents/provider.js';
import type { Run, RunResult } from '../../agents/loop.js';
import { stepView, threadView, type ThreadRow } from '../../store/threads.js';
import type { HostServices } from '../services.js';
import { ApiError } from '../../errors.js';
import { requireWorkspace } from '../scope.js';

const TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 409: 'conflict_error', 429: 'rate_limit_error' };

export function nestedError(status: number, code: string, message: string) {
  return { error: { type: TYPES[status] ?? 'api_error', message, code, param: null } };
}

const bad = (code: string, message: string) => new AgentError(400, code, message);

interface ChatBody {
  computer_id?: unknown;
  messages?: unknown;
  model?: unknown;
  stream?: unknown;
  thread_id?: unknown;
  max_steps?: unknown;
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p) => (p && typeof p === 'object' && (p as { type?: string }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : null));
    if (parts.some((p) => p === null)) return null;
    return parts.join('\n');
  }
  return null;
}

/**
 * An OpenAI-compatible provider named by the request itself (the app sends its own providers
 * this way, as it sends x-anthropic-key): its base URL, key and display name. The key is used
 * for this run's model requests only, never logged or stored.
 */
function requestProvider(req: FastifyRequest): { baseUrl: string; apiKey?: string; name?: string } | undefined {
  const baseUrl = header(req, 'x-openai-base-url');
  if (baseUrl === undefined) return undefined;
  // The host sends requests to this address: only an account-wide key may choose it, so a key
  // handed to one workspace's scripts cannot aim the host at its own network's services.
  if (req.apiKey.workspace_id) throw new AgentError(403, 'provider_not_allowed', 'Only an account-wide API key may name a model provider (x-openai-base-url); this key is scoped to one workspace and uses the host\'s providers');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw bad('invalid_provider', 'x-openai-base-url must be an http(s) URL, such as http://localhost:11434/v1');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || baseUrl.length > 2000 || url.username || url.password) throw bad('invalid_provider', 'x-openai-base-url must be an http(s) URL without credentials, such as http://localhost:11434/v1');
  const apiKey = header(req, 'x-openai-key');
  if (apiKey !== undefined && (apiKey.length > 1000 || /\s/.test(apiKey))) throw bad('invalid_provider', 'x-openai-key must be one API key, without spaces');
  const name = header(req, 'x-openai-provider');
  if (name !== undefined && (name.length > 100 || !/^[\w .@:-]+$/.test(name))) throw bad('invalid_provider', 'x-openai-provider must be a short name (letters, digits, spaces, . _ - : @)');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey: apiKey || undefined, name };
}

export function chatRoutes(api: FastifyInstance, s: HostServices): void {
  const agents = s.agents;

  // Everything under /v1 answers errors in OpenAI's shape.
  api.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof AgentError) return reply.status(err.status).send(nestedError(err.status, err.code, err.message));
    if (err instanceof ApiError) {
      const code = err.code === 'unauthorized' ? 'invalid_api_key' : err.code === 'not_found' ? 'not_found' : (err.code ?? 'invalid_request');
      return reply.status(err.status).send(nestedError(err.status, code, err.message));
    }
    if (err.statusCode === 400 && String(err.code ?? '').startsWith('FST_ERR_CTP')) return reply.status(400).send(nestedError(400, 'invalid_json', `The body is not valid JSON: ${err.message}`));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.status(err.statusCode).send(nestedError(err.statusCode, 'invalid_request', err.message));
    req.log?.error?.(err);
    return reply.status(500).send(nestedError(500, 'internal', 'Internal error'));
  });

  // The routes check their requests themselves (OpenAI's error codes): `documented` only describes them.
  api.get('/v1/models', { schema: { summary: 'The models the agent can use', response: { 200: C.modelListAnswer } } }, async () => ({
    object: 'list',
    data: agents.catalog.all().map((m) => ({ id: m.id, object: 'model', created: 1_760_000_000, owned_by: m.provider === 'anthropic' ? 'anthropic' : m.providerName })),
  }));

  const completions = {
    config: { documented: { body: C.chatCompletionBody, headers: C.chatHeaders }, otherAnswers: C.eventStream('With stream: true, chat.completion.chunk objects as `data:` lines, then `data: [DONE]`') },
    schema: { summary: 'Run the computer-use agent on a computer (OpenAI chat completions)', response: { 200: C.chatCompletionAnswer } },
  };
  api.post<{ Body: ChatBody }>('/v1/chat/completions', completions, async (req, reply) => {
    const b = req.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw bad('invalid_json', 'The body must be a JSON object');
    const own = requestProvider(req);
    const model = (own && typeof b.model === 'string' && agents.catalog.fromRequest(b.model, own)) || agents.catalog.find(typeof b.model === 'string' ? b.model : undefined);
    if (!model || (b.model !== undefined && typeof b.model !== 'string')) {
      throw bad('invalid_model', `Unknown model ${JSON.stringify(b.model)}; the models are: ${agents.catalog.all().map((m) => m.id).join(', ')}`);
    }
    if (b.computer_id !== undefined && b.computer_id !== null && typeof b.computer_id !== 'string') {
      throw bad('invalid_request', `computer_id must be a string (the id of the running computer the agent should use), not ${JSON.stringify(b.computer_id)}`);
    }
    if (!b.computer_id) throw bad('missing_computer_id', 'computer_id is required: the id of the running computer the agent should use');
    if (!Array.isArray(b.messages) || !b.messages.length) throw bad('empty_messages', 'messages must be a non-empty list of {role, content}');
    const msgs = b.messages as Array<{ role?: unknown; content?: unknown }>;
    for (const [i, m] of msgs.entries()) {
      if (!m || typeof m !== 'object' || (m.role !== 'user' && m.role !== 'assistant')) throw bad('invalid_message_order', `messages[${i}].role must be user or assistant`);
      if (textOf(m.content) === null) throw bad('invalid_request', `messages[${i}].content must be text (a string, or a list of text parts)`);
    }
    if (msgs[0]!.role !== 'user') throw bad('invalid_message_order', 'The first message must be from the user');
    if (msgs[msgs.length - 1]!.role !== 'user') throw bad('invalid_message_order', 'The last message must be from the user: it is the task');
    const maxSteps = b.max_steps === undefined ? 100 : Number(b.max_steps);
    if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 1000) throw bad('invalid_request', 'max_steps must be a whole number from 1 to 1000');
    const stream = b.stream === true;

    const row = s.computerStore.get(b.computer_id);
    if (!row) throw new AgentError(404, 'computer_not_found', `No computer ${b.computer_id}`);
    requireWorkspace(req, row.workspace_id);

    const fingerprint = AgentService.fingerprint(req.apiKey.id, JSON.stringify(b), header(req, 'idempotency-key'));
    const retry = Number(header(req, 'x-stainless-retry-count') ?? 0) > 0 || !!header(req, 'idempotency-key');
    const attached = retry ? agents.attach(fingerprint) : undefined;
    let run: Run;
    if (attached) run = attached;
    else {
      if (row.status !== 'running' || !s.computers.desktop(row.id)?.alive) throw new AgentError(409, 'computer_not_running', `The computer is ${row.status}; start it first (POST /api/computers/${row.id}/start)`);
      let thread: ThreadRow | undefined;
      if (b.thread_id !== undefined) {
        if (typeof b.thread_id !== 'string') throw bad('invalid_request', 'thread_id must be a string');
        thread = s.threads.get(b.thread_id);
        if (!thread) throw new AgentError(404, 'thread_not_found', `No thread ${b.thread_id}`);
        if (thread.computer_id !== row.id) throw bad('invalid_request', `Thread ${thread.id} belongs to another computer (${thread.computer_id})`);
      }
      const modelKey = header(req, 'x-anthropic-key');
      if (model.provider === 'anthropic' && !agents.hasKey(modelKey)) throw noKey();
      // With a thread, the messages are only the new ones; without, earlier turns are context.
      const task = thread || msgs.length === 1 ? msgs.map((m) => textOf(m.content)).join('\n\n') : transcript(msgs);
      run = agents.start({ row, model, task, thread, maxSteps, modelKey, fingerprint });
    }
    return stream ? streamRun(req, reply, run, model.id, agents.dropGraceMs) : answerRun(req, reply, run, model.id, agents.dropGraceMs);
  });

  api.get<{ Querystring: { computer_id?: string } }>('/v1/threads', { config: { documented: { querystring: C.computerIdQuery } }, schema: { summary: 'List agent threads', response: { 200: C.threadListAnswer } } }, async (req) => {
    const computerId = req.query.computer_id;
    if (computerId) {
      const row = s.computerStore.get(computerId);
      if (!row) throw new AgentError(404, 'computer_not_found', `No computer ${computerId}`);
      requireWorkspace(req, row.workspace_id);
    }
    const rows = s.threads.list({ computerId, workspaceId: req.apiKey.workspace_id ?? undefined });
    return { object: 'list', data: rows.map(threadView) };
  });

  const thread = { documented: { params: C.threadIdParams } };
  api.get<{ Params: { id: string } }>('/v1/threads/:id', { config: thread, schema: { summary: 'A thread: its messages and steps', response: { 200: C.threadDetailAnswer } } }, async (req) => {
    const t = ownThread(req);
    const history = JSON.parse(t.history) as Array<{ role: 'user' | 'assistant'; content: string | Array<{ type: string; text?: string }> }>;
    const messages = history
      .map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : m.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n') }))
      .filter((m) => m.content.trim());
    return { ...threadView(t), messages, steps_detail: s.threads.steps(t.id).map((r) => stepView(r, true)) };
  });

  api.delete<{ Params: { id: string } }>('/v1/threads/:id', { config: thread, schema: { summary: 'Delete a thread (cancelling its run)', response: { 200: C.threadDeletedAnswer } } }, async (req) => {
    const t = ownThread(req);
    const run = agents.run(t.id);
    if (run) {
      run.cancel();
      await run.result.catch(() => {});
    }
    s.threads.delete(t.id);
    agents.closeShell(t.computer_id, t.id);
    return { id: t.id, object: 'thread.deleted', deleted: true };
  });

  for (const action of ['cancel', 'pause', 'resume'] as const) {
    api.post<{ Params: { id: string } }>(`/v1/threads/:id/${action}`, { config: thread, schema: { summary: `${action[0]!.toUpperCase()}${action.slice(1)} a thread's run`, response: { 200: C.threadAnswer } } }, async (req) => {
      const t = ownThread(req);
      const run = agents.run(t.id);
      if (!run) throw new AgentError(409, 'thread_not_running', `Thread ${t.id} is not running (it is ${t.status})`);
      if (action === 'cancel') {
        run.cancel();
        await run.result.catch(() => {});
      } else run[action]();
      return threadView(s.threads.get(t.id)!);
    });
  }

  // The live feed of a computer's agent runs: server-sent events, one AgentEvent per message.
  const events = { documented: { querystring: C.computerIdQuery }, otherAnswers: C.eventStream("Server-sent events: `hello`, then one AgentEvent (shared/api/agent.ts) per event, named by its type") };
  api.get<{ Querystring: { computer_id?: string } }>('/v1/agent/events', { config: events, schema: { summary: "The live feed of a computer's agent runs" } }, async (req, reply) => {
    const id = req.query.computer_id;
    if (!id) throw bad('missing_computer_id', 'computer_id is required');
    const row = s.computerStore.get(id);
    if (!row) throw new AgentError(404, 'computer_not_found', `No computer ${id}`);
    requireWorkspace(req, row.workspace_id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': req.id });
    const send = (e: AgentEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    const current = agents.running(id);
    res.write(`event: hello\ndata: ${JSON.stringify({ type: 'hello', computer_id: id, running: current ? { thread_id: current.threadId, status: current.status } : null })}\n\n`);
    const stop = agents.watch(id, send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(ping);
      stop();
    });
  });

  function ownThread(req: FastifyRequest<{ Params: { id: string } }>): ThreadRow {
    const t = s.threads.get(req.params.id);
    if (!t) throw new AgentError(404, 'thread_not_found', `No thread ${req.params.id}`);
    requireWorkspace(req, t.workspace_id);
    return t;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v || undefined;
}

/** Earlier turns given without a thread: the task, with what was said before as context. */
function transcript(msgs: Array<{ role?: unknown; content?: unknown }>): string {
  const last = textOf(msgs[msgs.length - 1]!.content);
  const before = msgs.slice(0, -1).map((m) => `${m.role}: ${textOf(m.content)}`).join('\n');
  return `Earlier in this conversation:\n${before}\n\nThe task now:\n${last}`;
}

const completionId = () => `chatcmpl-${randomBytes(12).toString('base64url')}`;

function usageOf(r: RunResult) {
  return { prompt_tokens: r.usage.input_tokens, completion_tokens: r.usage.output_tokens, total_tokens: r.usage.input_tokens + r.usage.output_tokens };
}

function orgoOf(run: Run, r: RunResult) {
  return { thread_id: run.threadId, steps: r.steps, cost_cents: r.usage.cost_cents, status: r.status, stopped_by: r.stopReason };
}

async function answerRun(req: FastifyRequest, reply: FastifyReply, run: Run, model: string, graceMs: number) {
  const me = run.attachClient();
  reply.raw.on('close', () => {
    if (reply.raw.writableFinished) return;
    run.detachClient(me, graceMs);
  });
  const r = await run.result;
  run.detachClient(me, 0, true);
  reply.header('X-Thread-Id', run.threadId);
  if (r.error) return reply.status(r.error.status).send({ ...nestedError(r.error.status, r.error.code, r.error.message), orgo: orgoOf(run, r) });
  return {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: r.text, refusal: null }, finish_reason: r.stopReason && r.stopReason !== 'cancelled' ? 'length' : 'stop', logprobs: null }],
    usage: usageOf(r),
    orgo: orgoOf(run, r),
  };
}

async function streamRun(req: FastifyRequest, reply: FastifyReply, run: Run, model: string, graceMs: number) {
  const me = run.attachClient();
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': req.id, 'x-thread-id': run.threadId });
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`);
  chunk({ role: 'assistant', content: '' }, null);
  // A retry that attaches late gets what was said so far at once.
  if (run.streamed) chunk({ content: run.streamed }, null);
  const onEvent = (e: AgentEvent) => {
    if (e.type === 'text_delta') chunk({ content: e.text }, null);
  };
  run.on('event', onEvent);
  res.on('close', () => {
    run.off('event', onEvent);
    if (!res.writableFinished) run.detachClient(me, graceMs);
  });
  const r = await run.result;
  run.off('event', onEvent);
  run.detachClient(me, 0, true);
  if (res.destroyed) return;
  if (r.error) res.write(`data: ${JSON.stringify({ ...nestedError(r.error.status, r.error.code, r.error.message), orgo: orgoOf(run, r) })}\n\n`);
  else {
    if (!run.streamed.trim() && r.text) chunk({ content: r.text }, null);
    chunk({}, r.stopReason && r.stopReason !== 'cancelled' ? 'length' : 'stop', { usage: usageOf(r), orgo: orgoOf(run, r) });
  }
  res.end('data: [DONE]\n\n');
}
