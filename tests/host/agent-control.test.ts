/**
 * The agent endpoint as clients use it and as it fails: the real `openai` package (plain,
 * streamed, computer_id as an extra body field, err.code, a retry that must not run the task
 * twice), every documented error code, cancel, a client that drops, take over and resume,
 * provider faults (429, 529, a malformed stream, a reset connection, context overflow), an
 * OpenAI-compatible provider, and a host restart mid-run. After each failure the computer's
 * action queue is free.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { chat, getJson, MAGENTA, magentaScript, magentaTerminal } from '../helpers/agent.js';
import { eventually, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { findColour } from '../helpers/anthropic-double.js';
import { startOpenAIDouble, type OpenAIDouble } from '../helpers/openai-double.js';

let t: TestHost;
let model: AnthropicDouble;
let local: OpenAIDouble;
let pc: Computer;
let script: (req: SeenRequest, i: number) => Reply = () => ({ text: 'no script' });

const sh = async (command: string) => (await t.client.bash(pc.id, command)).output;
const openai = (opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL: `${t.api}/v1`, apiKey: TEST_KEY, defaultHeaders: { 'x-anthropic-key': model.key }, ...opts });
const thread = async (id: string) => (await getJson(t.api, `/v1/threads/${id}`)).body;
/** The queue is free: an action goes through at once. */
const queueFree = () => t.client.screenshot(pc.id);

beforeAll(async () => {
  model = await startAnthropicDouble((req, i) => script(req, i));
  local = await startOpenAIDouble((r) => {
    if (!r.answering) return { tool: { name: 'computer', args: { action: 'screenshot' } } };
    if (r.answering === 'screenshot') {
      const box = r.screenshots[0] && findColour(r.screenshots[0], MAGENTA);
      if (!box) return { text: 'no magenta window' };
      return { tool: { name: 'computer', args: { action: 'left_click', coordinate: [box.cx, box.cy] } } };
    }
    if (r.answering === 'left_click') return { tool: { name: 'computer', args: { action: 'type', text: 'echo local-$((2+3)) > ~/local.txt\n' } } };
    return { text: 'Typed it.' };
  });
  t = await startTestHost({
    agents: { anthropicBaseUrl: model.url, maxRetries: 1, dropGraceMs: 3000, providers: [{ name: 'local', base_url: `${local.url}/v1`, api_key: 'local-key', models: ['local-vision'] }] },
  });
  const ws = await t.client.createWorkspace('agent-control');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'agent-control', resolution: '1280x720x24' });
  expect(pc.status).toBe('running');
  await sh(magentaTerminal(400, 200));
});
afterAll(async () => {
  await t?.close();
  await model?.close();
  await local?.close();
});
beforeEach(() => {
  model.requests.length = 0;
  model.problems.length = 0;
});

describe('the openai package', () => {
  it('plain: computer_id as an extra body field, the final text, usage and orgo', async () => {
    script = magentaScript('echo sdk > ~/sdk.txt');
    const r = await openai().chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'type in the magenta terminal' }], computer_id: pc.id } as never);
    const c = r as unknown as OpenAI.ChatCompletion & { orgo: { thread_id: string; steps: number } };
    expect(c.choices[0]!.message.content).toBe('Done: the command ran in the magenta terminal.');
    expect(c.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(c.orgo.steps).toBe(3);
    expect(model.problems).toEqual([]);
    await eventually(() => sh('cat ~/sdk.txt 2>/dev/null'), (o) => o === 'sdk\n', 10_000, 'the file');
  });

  it('streamed: text deltas, then a finishing chunk with usage', async () => {
    script = (req) => (req.answering.length ? { text: 'Seen it.' } : { text: 'Let me look. ', tool: { name: 'computer', input: { action: 'screenshot' } } });
    const stream = await openai().chat.completions.create({ model: 'claude-opus-4-6', stream: true, messages: [{ role: 'user', content: 'look' }], computer_id: pc.id } as never);
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toContain('Let me look.');
    expect(text).toContain('Seen it.');
    expect(finish).toBe('stop');
    expect(usage!.total_tokens).toBeGreaterThan(0);
  });

  it('errors are readable as err.code', async () => {
    const codeOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: InstanceType<typeof OpenAI.APIError>) => `${e.status} ${e.code}`);
    const c = openai({ maxRetries: 0 });
    expect(await codeOf(c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], computer_id: pc.id } as never))).toBe('400 invalid_model');
    expect(await codeOf(c.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'x' }] }))).toBe('400 missing_computer_id');
    expect(await codeOf(c.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [], computer_id: pc.id } as never))).toBe('400 empty_messages');
    expect(await codeOf(c.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'x' }], computer_id: 'nope' } as never))).toBe('404 computer_not_found');
    expect(await codeOf(new OpenAI({ baseURL: `${t.api}/v1`, apiKey: 'sk_wrong', maxRetries: 0 }).models.list())).toBe('401 invalid_api_key');
    const models = await c.models.list();
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['claude-opus-4-7', 'claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'local-vision']));
  });

  it('a retry after a time-out attaches to the run: the task runs once and the retry gets its answer', async () => {
    await sh('rm -f ~/retry.txt');
    const inner = magentaScript('echo once >> ~/retry.txt');
    // The first model answer takes longer than the client's time-out; the SDK gives up and retries.
    script = (req, i) => (i === 0 ? { ...(inner(req) as object), delayMs: 4000 } : inner(req));
    const c = openai({ timeout: 3000, maxRetries: 2 });
    const r = await c.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'append once' }], computer_id: pc.id } as never);
    expect(r.choices[0]!.message.content).toBe('Done: the command ran in the magenta terminal.');
    // One conversation started (one first request), and the command ran once.
    expect(model.requests.filter((q) => q.body.messages.length === 1).length).toBe(1);
    await eventually(() => sh('cat ~/retry.txt 2>/dev/null'), (o) => o === 'once\n', 10_000, 'the file');
    await new Promise((res) => setTimeout(res, 500));
    expect(await sh('cat ~/retry.txt')).toBe('once\n');
  });
});

describe('bad requests get their codes in the nested shape', () => {
  const cases: Array<[string, unknown, number, string]> = [
    ['invalid JSON', '{"computer_id": ', 400, 'invalid_json'],
    ['no computer_id', { messages: [{ role: 'user', content: 'x' }] }, 400, 'missing_computer_id'],
    ['computer_id not a string', { computer_id: 123, messages: [{ role: 'user', content: 'x' }] }, 400, 'invalid_request'],
    ['unknown model', { model: 'claude-9', computer_id: 'c', messages: [{ role: 'user', content: 'x' }] }, 400, 'invalid_model'],
    ['no messages', { computer_id: 'c', messages: [] }, 400, 'empty_messages'],
    ['assistant first', { computer_id: 'c', messages: [{ role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }] }, 400, 'invalid_message_order'],
    ['a system role', { computer_id: 'c', messages: [{ role: 'system', content: 'x' }] }, 400, 'invalid_message_order'],
    ['unknown computer', { computer_id: 'c', messages: [{ role: 'user', content: 'x' }] }, 404, 'computer_not_found'],
  ];
  it.each(cases)('%s', async (_name, body, status, code) => {
    const r = await chat(t.api, body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
    expect(r.body.error.type).toBe(status === 404 ? 'not_found_error' : 'invalid_request_error');
  });

  it('a computer_id that is not a string is named as such, not as missing', async () => {
    const r = await chat(t.api, { computer_id: 123, messages: [{ role: 'user', content: 'x' }] });
    expect(r.body.error.message).toBe('computer_id must be a string (the id of the running computer the agent should use), not 123');
  });

  it('no model key: 401 invalid_api_key saying how to give one', async () => {
    const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'x' }] });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_api_key');
    expect(r.body.error.message).toMatch(/x-anthropic-key/);
  });

  it('invalid model lists the models; dotted names are aliases', async () => {
    const r = await chat(t.api, { model: 'gpt-4o', computer_id: pc.id, messages: [{ role: 'user', content: 'x' }] });
    expect(r.body.error.message).toMatch(/claude-sonnet-4-6/);
    script = () => ({ text: 'hi' });
    const ok = await chat(t.api, { model: 'claude-haiku-4.5', computer_id: pc.id, messages: [{ role: 'user', content: 'x' }] }, { 'x-anthropic-key': model.key });
    expect(ok.status).toBe(200);
    expect(model.requests[0]!.body.model).toBe('claude-haiku-4-5');
  });
});

describe('control', () => {
  it('cancel aborts the model request in flight and frees the computer', async () => {
    script = (req) => (req.answering.length ? { fault: 'hang' } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
    const running = chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'hang' }] }, { 'x-anthropic-key': model.key });
    await eventually(() => model.requests.length, (n) => n === 2, 15_000, 'the second model request');
    const list = await getJson(t.api, `/v1/threads?computer_id=${pc.id}`);
    const id = list.body.data[0].id;
    const abortedBefore = model.aborted;
    const cancelled = await getJson(t.api, `/v1/threads/${id}/cancel`, 'POST');
    expect(cancelled.body.status).toBe('cancelled');
    const r = await running;
    expect(r.status).toBe(200);
    expect(r.body.orgo.status).toBe('cancelled');
    await eventually(() => model.aborted, (n) => n === abortedBefore + 1, 5000, 'the double to see the request aborted');
    await queueFree();
  });

  it('a client that drops its stream cancels its run', async () => {
    script = (req) => (req.answering.length ? { fault: 'hang' } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
    const ac = new AbortController();
    const res = await fetch(`${t.api}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', 'x-anthropic-key': model.key },
      body: JSON.stringify({ computer_id: pc.id, stream: true, messages: [{ role: 'user', content: 'drop' }] }),
      signal: ac.signal,
    });
    const id = res.headers.get('x-thread-id')!;
    await eventually(() => model.requests.length, (n) => n === 2, 15_000, 'the second model request');
    ac.abort();
    const th = await eventually(() => thread(id), (b) => b.status !== 'running', 15_000, 'the run to end');
    expect(th.status).toBe('cancelled');
    expect(th.stop_reason).toBe('client_disconnected');
    await queueFree();
  });

  it('take over holds the run; resume continues with a fresh screenshot and a note', async () => {
    let resumedWith: SeenRequest | undefined;
    script = (req, i) => {
      if (i === 0) return { tool: { name: 'computer', input: { action: 'screenshot' } }, delayMs: 1500 };
      const note = req.body.messages[req.body.messages.length - 1]!.content;
      if (Array.isArray(note) && note.some((b) => b.type === 'text' && String(b.text).includes('A person took over'))) {
        resumedWith = req;
        return { text: 'Continuing after the person.' };
      }
      return { tool: { name: 'computer', input: { action: 'screenshot' } } };
    };
    const running = chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'take over test' }] }, { 'x-anthropic-key': model.key });
    await eventually(() => model.requests.length, (n) => n === 1, 15_000, 'the first model request');
    const id = (await getJson(t.api, `/v1/threads?computer_id=${pc.id}`)).body.data[0].id;
    expect((await getJson(t.api, `/v1/threads/${id}/pause`, 'POST')).body.status).toBe('paused');
    // The run holds: no further model request while the person works.
    await new Promise((r) => setTimeout(r, 2500));
    expect(model.requests.length).toBe(1);
    expect((await thread(id)).status).toBe('paused');
    await t.client.click(pc.id, 10, 10); // the person acts
    expect((await getJson(t.api, `/v1/threads/${id}/resume`, 'POST')).body.status).toBe('running');
    const r = await running;
    expect(r.body.choices[0].message.content).toBe('Continuing after the person.');
    // The screenshot the paused step took, then the fresh one after the person's turn.
    expect(resumedWith!.screenshots.length).toBe(2);
    expect(model.problems).toEqual([]);
    const steps = (await thread(id)).steps_detail;
    expect(steps.some((s: { kind: string }) => s.kind === 'note')).toBe(true);
  });

  it('max_steps stops the run and says so', async () => {
    script = () => ({ tool: { name: 'computer', input: { action: 'cursor_position' } } });
    const r = await chat(t.api, { computer_id: pc.id, max_steps: 2, messages: [{ role: 'user', content: 'loop' }] }, { 'x-anthropic-key': model.key });
    expect(r.status).toBe(200);
    expect(r.body.orgo.steps).toBe(2);
    expect(r.body.orgo.stopped_by).toBe('max_steps');
    expect(r.body.choices[0].finish_reason).toBe('length');
  });

  it('a thread continues with only the new message', async () => {
    script = () => ({ text: 'first answer' });
    const a = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'one' }] }, { 'x-anthropic-key': model.key });
    script = () => ({ text: 'second answer' });
    const b = await chat(t.api, { computer_id: pc.id, thread_id: a.body.orgo.thread_id, messages: [{ role: 'user', content: 'two' }] }, { 'x-anthropic-key': model.key });
    expect(b.body.orgo.thread_id).toBe(a.body.orgo.thread_id);
    const sent = model.requests[model.requests.length - 1]!.body.messages;
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent[0])).toContain('one');
    expect(JSON.stringify(sent[2])).toContain('two');
    expect(model.problems).toEqual([]);
    const th = await thread(a.body.orgo.thread_id);
    expect(th.messages.map((m: { content: string }) => m.content)).toEqual(['one', 'first answer', 'two', 'second answer']);
  });
});

describe('provider faults end in clear errors with the queue free', () => {
  const faults: Array<['429' | '529' | 'malformed' | 'reset' | 'context', number, RegExp]> = [
    ['429', 429, /^provider_rate_limited$/],
    ['529', 503, /^provider_overloaded$/],
    ['malformed', 502, /^provider_(error|unreachable)$/],
    ['reset', 502, /^provider_(error|unreachable)$/],
    ['context', 400, /^context_overflow$/],
  ];
  it.each(faults)('%s', async (fault, status, code) => {
    script = (req) => (req.answering.length ? { fault } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
    const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: `fault ${fault}` }] }, { 'x-anthropic-key': model.key });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toMatch(code);
    expect(r.body.error.message.length).toBeGreaterThan(10);
    const th = await thread(r.headers.get('x-thread-id')!);
    expect(th.status).toBe('error');
    await queueFree();
  });

  it('a 429 then success: the SDK retries with backoff and the run completes', async () => {
    let failed = false;
    script = () => (failed ? { text: 'fine now' } : ((failed = true), { fault: '429' }));
    const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'retry' }] }, { 'x-anthropic-key': model.key });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toBe('fine now');
    expect(model.requests.length).toBe(2);
  });
});

it('an OpenAI-compatible provider drives the same loop with function tools', async () => {
  await sh('rm -f ~/local.txt');
  const r = await chat(t.api, { model: 'local-vision', computer_id: pc.id, messages: [{ role: 'user', content: 'type in the magenta terminal' }] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(local.problems).toEqual([]);
  expect(r.body.choices[0].message.content).toBe('Typed it.');
  expect(local.requests[1]!.screenshots[0]).toMatchObject({ width: 1280, height: 720 });
  await eventually(() => sh('cat ~/local.txt 2>/dev/null'), (o) => o === 'local-5\n', 10_000, 'the file');
});

it("a provider the request names itself (the app's own): x-openai-base-url, x-openai-key, x-openai-provider", async () => {
  await sh('rm -f ~/local.txt');
  const before = local.requests.length;
  const headers = { 'x-openai-base-url': `${local.url}/v1/`, 'x-openai-key': 'local-key', 'x-openai-provider': 'My Ollama' };
  // Not a model the host knows: the request's provider serves it.
  const r = await chat(t.api, { model: 'app-vision:7b', computer_id: pc.id, messages: [{ role: 'user', content: 'type in the magenta terminal, app provider' }] }, headers);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(local.problems).toEqual([]);
  expect(local.requests.slice(before).map((q) => q.body.model)).toEqual(['app-vision:7b', 'app-vision:7b', 'app-vision:7b', 'app-vision:7b']);
  expect(r.body.choices[0].message.content).toBe('Typed it.');
  await eventually(() => sh('cat ~/local.txt 2>/dev/null'), (o) => o === 'local-5\n', 10_000, 'the file');
  // The key is not kept with the thread.
  const th = await thread(r.body.orgo.thread_id);
  expect(JSON.stringify(th)).not.toContain('local-key');
  // Bad provider headers: 400 with the header named, nothing run.
  for (const [h, v] of [
    ['x-openai-base-url', 'ftp://x/v1'],
    ['x-openai-base-url', 'not a url'],
    ['x-openai-base-url', 'http://user:pw@localhost/v1'],
    ['x-openai-key', 'two words'],
    ['x-openai-provider', '<script>'],
  ] as const) {
    const bad = await chat(t.api, { model: 'app-vision:7b', computer_id: pc.id, messages: [{ role: 'user', content: `bad ${h}` }] }, { ...headers, [h]: v });
    expect(bad.status, `${h}: ${v}`).toBe(400);
    expect(bad.body.error.code).toBe('invalid_provider');
    expect(bad.body.error.message).toContain(h);
  }
  // A workspace's key may not aim the host at an address of its choosing: 403, nothing sent.
  const scoped = await t.client.createKey({ name: 'scoped', workspace_id: pc.workspace_id });
  const seen = local.requests.length;
  const refused = await chat(t.api, { model: 'app-vision:7b', computer_id: pc.id, messages: [{ role: 'user', content: 'scoped' }] }, { ...headers, authorization: `Bearer ${scoped.key}` });
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('provider_not_allowed');
  expect(local.requests.length).toBe(seen);
  // An Anthropic model name stays Anthropic's, whatever the headers say.
  const before2 = local.requests.length;
  const claude = await chat(t.api, { model: 'claude-sonnet-4-6', computer_id: pc.id, messages: [{ role: 'user', content: 'claude with provider headers' }] }, { ...headers, 'x-anthropic-key': model.key });
  expect(claude.status).toBe(200);
  expect(local.requests.length).toBe(before2);
});

it('a run cut by a host restart is marked interrupted, never left running', async () => {
  script = (req) => (req.answering.length ? { fault: 'hang' } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
  const running = chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'restart' }] }, { 'x-anthropic-key': model.key }).catch((e) => e);
  await eventually(() => model.requests.length, (n) => n === 2, 15_000, 'the second model request');
  const id = (await getJson(t.api, `/v1/threads?computer_id=${pc.id}`)).body.data[0].id;
  await t.restart();
  await running;
  // The client's pooled connection to the old process is gone: the first call may fail on it.
  const th = await eventually(() => thread(id).catch(() => null), (b) => !!b, 10_000, 'the restarted host to answer');
  expect(th!.status).toBe('interrupted');
  expect(th!.stop_reason).toBe('host_restart');
});
