/**
 * The agent endpoint against a stand-in for Anthropic's API that decides from the screenshots it
 * is sent: it must find a magenta terminal on a real 1920x1080 desktop, click it and type a
 * command, and the command's file is checked through the API. Once at the screen's own size
 * (Opus 4.7 takes 1920x1080 whole) and once scaled down (Sonnet 4.6's limit), where the click
 * lands only if coordinates are mapped back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { findColour, startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { chat, getJson, MAGENTA, magentaScript, magentaTerminal } from '../helpers/agent.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let model: AnthropicDouble;
let pc: Computer;
let script: (req: SeenRequest, i: number) => Reply = () => ({ text: 'no script' });

const sh = async (command: string) => (await t.client.bash(pc.id, command)).output;

beforeAll(async () => {
  model = await startAnthropicDouble((req, i) => script(req, i));
  t = await startTestHost({ agents: { anthropicBaseUrl: model.url, maxRetries: 1 } });
  const ws = await t.client.createWorkspace('agent');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'agent', resolution: '1920x1080x24' });
  expect(pc.status).toBe('running');
});
afterAll(async () => {
  await t?.close();
  await model?.close();
});
beforeEach(() => {
  model.requests.length = 0;
  model.problems.length = 0;
});

describe.each([
  { name: 'claude-opus-4-7', display: [1920, 1080] },
  { name: 'claude-sonnet-4.6', display: [1429, 804] },
])('$name', ({ name, display }) => {
  it('finds the magenta terminal in its screenshot, clicks it and types; the file is there', async () => {
    await sh('rm -f ~/agent.txt; pkill -f "xterm.*-T target" || true');
    await sh(magentaTerminal(900, 500));
    script = magentaScript();
    const r = await chat(t.api, { model: name, computer_id: pc.id, messages: [{ role: 'user', content: 'Run the command in the magenta terminal' }] }, { 'x-anthropic-key': model.key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(model.problems).toEqual([]);
    expect(r.body.object).toBe('chat.completion');
    expect(r.body.choices[0].message.content).toBe('Done: the command ran in the magenta terminal.');
    expect(r.body.choices[0].finish_reason).toBe('stop');
    expect(r.body.orgo.steps).toBe(3);
    expect(r.headers.get('x-thread-id')).toBe(r.body.orgo.thread_id);
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
    expect(r.body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(r.body.usage.total_tokens).toBe(r.body.usage.prompt_tokens + r.body.usage.completion_tokens);
    expect(r.body.orgo.cost_cents).toBeGreaterThan(0);
    // The tool was declared at the screenshot's size, and screenshots came at it.
    const tool = model.requests[0]!.body.tools!.find((x) => x.name === 'computer')!;
    expect([tool.display_width_px, tool.display_height_px]).toEqual(display);
    expect(model.requests[1]!.screenshots[0]).toMatchObject({ width: display[0], height: display[1] });
    await eventually(() => sh('cat ~/agent.txt 2>/dev/null'), (o) => o === 'agent-42\n', 10_000, 'the typed command to write its file');

    // The thread holds the steps, the click in screen pixels inside the terminal.
    const th = await getJson(t.api, `/v1/threads/${r.body.orgo.thread_id}`);
    expect(th.status).toBe(200);
    expect(th.body.status).toBe('done');
    const click = th.body.steps_detail.find((s: { action: string }) => s.action === 'left_click');
    const win = await sh(`xwininfo -name target`);
    const v = (k: string) => Number(new RegExp(`${k}:\\s+(-?\\d+)`).exec(win)?.[1]);
    const [wx, wy, ww, wh] = [v('Absolute upper-left X'), v('Absolute upper-left Y'), v('Width'), v('Height')];
    expect(click.x).toBeGreaterThanOrEqual(wx);
    expect(click.x).toBeLessThan(wx + ww);
    expect(click.y).toBeGreaterThanOrEqual(wy);
    expect(click.y).toBeLessThan(wy + wh);
    expect(click.thumbnail).toMatch(/^data:image\/png;base64,/);
    expect(th.body.messages[0]).toEqual({ role: 'user', content: 'Run the command in the magenta terminal' });
    const list = await getJson(t.api, `/v1/threads?computer_id=${pc.id}`);
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(r.body.orgo.thread_id);
  });
});

it('prompt caching: the three most recent user turns carry a cache breakpoint', async () => {
  await sh('pkill -f "xterm.*-T target" || true');
  await sh(magentaTerminal(300, 300));
  script = magentaScript('true');
  const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'go' }] }, { 'x-anthropic-key': model.key });
  expect(r.status).toBe(200);
  const last = model.requests[model.requests.length - 1]!.body;
  expect(last.model).toBe('claude-sonnet-4-6'); // the default
  expect(last.thinking).toEqual({ type: 'adaptive' });
  const marked = last.messages.filter((m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((b) => b.cache_control));
  expect(marked.length).toBe(3);
});

it('haiku 4.5 gets computer_20250124, its beta, and thinking with a budget', async () => {
  script = () => ({ text: 'Nothing to do.' });
  const r = await chat(t.api, { model: 'claude-haiku-4-5', computer_id: pc.id, messages: [{ role: 'user', content: 'say hi' }] }, { 'x-anthropic-key': model.key });
  expect(r.status).toBe(200);
  expect(model.problems).toEqual([]);
  expect(model.requests[0]!.body.thinking).toMatchObject({ type: 'enabled', budget_tokens: 2048 });
  expect(model.requests[0]!.body.max_tokens).toBeGreaterThan(2048);
});

it('streams chat.completion.chunk events with the text, usage on the last chunk, then [DONE]', async () => {
  script = (req) => (req.answering.length ? { text: 'All done here.' } : { text: 'Looking.', tool: { name: 'computer', input: { action: 'screenshot' } } });
  const res = await fetch(`${t.api}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${(await import('../helpers/host.js')).TEST_KEY}`, 'content-type': 'application/json', 'x-anthropic-key': model.key },
    body: JSON.stringify({ computer_id: pc.id, stream: true, messages: [{ role: 'user', content: 'look' }] }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  expect(res.headers.get('x-thread-id')).toMatch(/^thr_/);
  expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  const text = await res.text();
  const datas = text.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
  expect(datas[datas.length - 1]).toBe('[DONE]');
  const chunks = datas.slice(0, -1).map((d) => JSON.parse(d));
  expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  const content = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  expect(content).toContain('Looking.');
  expect(content).toContain('All done here.');
  const last = chunks[chunks.length - 1];
  expect(last.choices[0].finish_reason).toBe('stop');
  expect(last.usage.prompt_tokens).toBeGreaterThan(0);
  expect(last.orgo.thread_id).toBe(res.headers.get('x-thread-id'));
  expect(last.orgo.steps).toBe(1);
});

it('zoom (computer_20251124) answers a region of the screen at full detail', async () => {
  await sh('pkill -f "xterm.*-T target" || true');
  await sh(magentaTerminal(900, 500));
  let zoomed: SeenRequest | undefined;
  script = (req) => {
    if (!req.answering.length) return { tool: { name: 'computer', input: { action: 'screenshot' } } };
    if (req.answering[0]!.action === 'screenshot') {
      const box = findColour(req.screenshots[0]!, MAGENTA)!;
      // A region inside the terminal, in the screenshot's coordinates.
      return { tool: { name: 'computer', input: { action: 'zoom', region: [box.x + 10, box.y + 40, box.x + 170, box.y + 130] } } };
    }
    zoomed = req;
    return { text: 'zoomed' };
  };
  const r = await chat(t.api, { model: 'claude-opus-4-7', computer_id: pc.id, messages: [{ role: 'user', content: 'zoom' }] }, { 'x-anthropic-key': model.key });
  expect(r.status).toBe(200);
  expect(model.problems).toEqual([]);
  const img = zoomed!.screenshots[0]!;
  // 161x91 screen pixels shown larger, within the model's limit, and all of it the terminal's magenta.
  expect(img.width).toBeGreaterThan(161);
  expect(img.width * img.height).toBeLessThanOrEqual(3_750_000);
  const box = findColour(img, MAGENTA)!;
  expect(box.width).toBeGreaterThan(img.width * 0.9);
});
