/**
 * A stand-in for Anthropic's Messages API on loopback (a third party unreachable here), speaking
 * its wire format: JSON errors, and streamed answers as server-sent events with `event:` lines
 * (message_start, content_block_start, text and input_json_delta chunks, content_block_stop,
 * message_delta with usage.output_tokens, message_stop). It checks every request as the real API
 * would need it (the key as the SDK sends it, anthropic-version, the beta and tool version for
 * the model, tool_result screenshots as real PNGs of the declared display size) and lets the test
 * decide each answer from what the request holds (the screenshot it was sent). Faults on demand:
 * 429, 529, a malformed stream, a connection reset, an answer that never ends.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodePng, type Decoded } from './png.js';

export interface SeenRequest {
  url: string;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    stream?: boolean;
    max_tokens: number;
    system?: Array<{ type: string; text: string; cache_control?: unknown }>;
    messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
    tools?: Array<Record<string, unknown>>;
    thinking?: Record<string, unknown>;
  };
  /** performance.now() when the request's body had arrived. */
  arrivedAt: number;
  /** The screenshots of the last user turn (tool results), decoded. */
  screenshots: Decoded[];
  /** The tool_use this request answers, if any. */
  answering: Array<{ id: string; action?: string }>;
}

export type Reply =
  | { text?: string; tool?: { name: string; input: Record<string, unknown> }; delayMs?: number }
  | { fault: '429' | '529' | 'malformed' | 'reset' | 'hang' | '500' | 'context' };

export const EXPECT = {
  'claude-opus-4-7': { tool: 'computer_20251124', beta: 'computer-use-2025-11-24' },
  'claude-opus-4-6': { tool: 'computer_20251124', beta: 'computer-use-2025-11-24' },
  'claude-sonnet-4-6': { tool: 'computer_20251124', beta: 'computer-use-2025-11-24' },
  'claude-haiku-4-5': { tool: 'computer_20250124', beta: 'computer-use-2025-01-24' },
} as Record<string, { tool: string; beta: string }>;

export interface AnthropicDouble {
  url: string;
  key: string;
  requests: SeenRequest[];
  /** What was wrong with requests; a test expects it empty. */
  problems: string[];
  /** performance.now() when each answer's message_stop was written, by request index. */
  answeredAt: number[];
  /** Requests whose client went away before the answer ended (an abort). */
  aborted: number;
  close(): Promise<void>;
}

let ids = 0;
const id = (p: string) => `${p}_double${(++ids).toString(36).padStart(8, '0')}`;

export async function startAnthropicDouble(decide: (req: SeenRequest, index: number) => Reply, key = 'sk-ant-double-0123456789'): Promise<AnthropicDouble> {
  const d: AnthropicDouble = { url: '', key, requests: [], problems: [], answeredAt: [], aborted: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  const problem = (i: number, what: string) => d.problems.push(`request ${i}: ${what}`);

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const i = d.requests.length;
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no ${req.method} ${url.pathname}` } }));
      return;
    }
    // The SDK sends the key as x-api-key or, since 1.x, as a bearer token: either must be ours.
    const sent = req.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (sent !== key) {
      problem(i, `the key sent was ${JSON.stringify(sent)}`);
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
      return;
    }
    let body: SeenRequest['body'];
    try {
      body = JSON.parse(raw);
    } catch {
      problem(i, 'body is not JSON');
      res.writeHead(400).end();
      return;
    }
    const seen: SeenRequest = { url: req.url ?? '', headers: req.headers, body, arrivedAt: performance.now(), screenshots: [], answering: [] };
    d.requests.push(seen);
    check(i, seen);
    const reply = decide(seen, i);
    if ('fault' in reply) return fault(res, reply.fault, i);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    await stream(res, body.model, reply, i);
  }

  function check(i: number, r: SeenRequest) {
    const h = r.headers;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(h['anthropic-version']))) problem(i, `anthropic-version was ${h['anthropic-version']}`);
    if (!/^\/v1\/messages(\?beta=true)?$/.test(r.url)) problem(i, `not the messages path: ${r.url}`);
    const want = EXPECT[r.body.model];
    if (!want) return problem(i, `unknown model ${r.body.model}`);
    const betas = String(h['anthropic-beta'] ?? '').split(',').map((s) => s.trim());
    if (!betas.includes(want.beta)) problem(i, `anthropic-beta ${h['anthropic-beta']} lacks ${want.beta}`);
    if (!r.body.stream) problem(i, 'not streamed');
    const computer = r.body.tools?.find((t) => t.name === 'computer');
    if (!computer || computer.type !== want.tool) problem(i, `computer tool ${JSON.stringify(computer)} is not ${want.tool}`);
    if (want.tool === 'computer_20251124' && computer?.enable_zoom !== true) problem(i, 'zoom not enabled');
    if (!r.body.tools?.some((t) => t.type === 'bash_20250124')) problem(i, 'no bash tool');
    if (!r.body.tools?.some((t) => t.type === 'text_editor_20250728')) problem(i, 'no text editor tool');
    if (!r.body.system?.[0]?.cache_control) problem(i, 'system prompt not cached');
    const msgs = r.body.messages;
    if (msgs[0]?.role !== 'user') problem(i, 'first message not the user');
    for (let k = 1; k < msgs.length; k++) if (msgs[k]!.role === msgs[k - 1]!.role) problem(i, `two ${msgs[k]!.role} turns in a row at ${k}`);
    // tool_use ids of the previous assistant turn must each be answered.
    const last = msgs[msgs.length - 1];
    const prev = msgs[msgs.length - 2];
    const uses = Array.isArray(prev?.content) ? prev.content.filter((b) => b.type === 'tool_use') : [];
    const results = Array.isArray(last?.content) ? last.content.filter((b) => b.type === 'tool_result') : [];
    for (const u of uses) if (!results.some((t) => t.tool_use_id === u.id)) problem(i, `tool_use ${u.id} has no tool_result`);
    r.answering = uses.map((u) => ({ id: String(u.id), action: (u.input as { action?: string })?.action }));
    const W = Number(computer?.display_width_px);
    const H = Number(computer?.display_height_px);
    const images: Array<Record<string, unknown>> = [];
    for (const b of Array.isArray(last?.content) ? last.content : []) {
      if (b.type === 'image') images.push(b);
      if (b.type === 'tool_result' && Array.isArray(b.content)) for (const c of b.content as Array<Record<string, unknown>>) if (c.type === 'image') images.push(c);
    }
    for (const img of images) {
      const src = img.source as { type: string; media_type: string; data: string };
      if (src?.type !== 'base64' || src.media_type !== 'image/png') {
        problem(i, `image source ${JSON.stringify(src).slice(0, 80)}`);
        continue;
      }
      try {
        const png = decodePng(Buffer.from(src.data, 'base64'));
        // A zoom answers with a region, sized its own way; every other screenshot is the display's size.
        const zoomed = r.answering.some((a) => a.action === 'zoom');
        if (!zoomed && (png.width !== W || png.height !== H)) problem(i, `screenshot ${png.width}x${png.height} but the display is ${W}x${H}`);
        r.screenshots.push(png);
      } catch (e) {
        problem(i, `screenshot is not a PNG: ${(e as Error).message}`);
      }
    }
  }

  const ev = (res: ServerResponse, type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);

  async function stream(res: ServerResponse, model: string, reply: Extract<Reply, { text?: string }>, i: number) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': id('req') });
    ev(res, 'message_start', {
      message: { id: id('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: i ? 900 : 0, output_tokens: 1 } },
    });
    ev(res, 'ping', {});
    let index = 0;
    let output = 1;
    if (reply.text) {
      ev(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
      // In a few pieces, as the real API streams words.
      for (const piece of reply.text.match(/.{1,12}/gs) ?? []) {
        ev(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
        output += 3;
      }
      ev(res, 'content_block_stop', { index });
      index++;
    }
    if (reply.tool) {
      ev(res, 'content_block_start', { index, content_block: { type: 'tool_use', id: id('toolu'), name: reply.tool.name, input: {} } });
      const json = JSON.stringify(reply.tool.input);
      for (let k = 0; k < json.length; k += 9) ev(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(k, k + 9) } });
      ev(res, 'content_block_stop', { index });
      output += 20;
    }
    ev(res, 'message_delta', { delta: { stop_reason: reply.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: output } });
    ev(res, 'message_stop', {});
    d.answeredAt[i] = performance.now();
    res.end();
  }

  function fault(res: ServerResponse, f: string, i: number) {
    const json = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers }).end(JSON.stringify({ type: 'error', error: { type, message }, request_id: id('req') }));
    if (f === '429') return json(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after-ms': '20' });
    if (f === '529') return json(529, 'overloaded_error', 'Overloaded', { 'retry-after-ms': '20' });
    if (f === '500') return json(500, 'api_error', 'Internal server error');
    if (f === 'context') return json(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    ev(res, 'message_start', { message: { id: id('msg'), type: 'message', role: 'assistant', model: 'x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } });
    if (f === 'malformed') {
      res.write('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_bl\n\n');
      res.end();
    } else if (f === 'reset') {
      ev(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    } else if (f === 'hang') {
      ev(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      ev(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Thinking about it' } });
      res.on('close', () => d.aborted++);
    }
    void i;
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  d.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return d;
}

/** The bounding box of pixels of one colour (within a tolerance) in a screenshot, or null. */
export function findColour(img: Decoded, rgb: [number, number, number], tolerance = 24): { x: number; y: number; width: number; height: number; cx: number; cy: number } | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      if (Math.abs(img.rgb[i]! - rgb[0]) <= tolerance && Math.abs(img.rgb[i + 1]! - rgb[1]) <= tolerance && Math.abs(img.rgb[i + 2]! - rgb[2]) <= tolerance) {
        n++;
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x > x1) x1 = x;
        if (y > y1) y1 = y;
      }
    }
  }
  if (n < 50) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, cx: Math.round((x0 + x1) / 2), cy: Math.round((y0 + y1) / 2) };
}
