/**
 * A stand-in for an OpenAI-compatible model server (Ollama, vLLM, LM Studio) on loopback: chat
 * completions streamed as SSE `data:` chunks with tool_calls split across chunks, usage at the
 * end, `data: [DONE]`. It checks the requests (function tools, tool results answered, images as
 * data-URL PNG parts) and lets the test decide each answer from the screenshot it was sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodePng, type Decoded } from './png.js';

export interface CompatRequest {
  headers: Record<string, string | string[] | undefined>;
  body: { model: string; stream?: boolean; messages: Array<{ role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }>; tools?: Array<{ type: string; function: { name: string } }> };
  screenshots: Decoded[];
  /** The action of the last tool call answered, if any. */
  answering?: string;
}

export type CompatReply = { text?: string; tool?: { name: string; args: Record<string, unknown> } };

export interface OpenAIDouble {
  url: string;
  requests: CompatRequest[];
  problems: string[];
  close(): Promise<void>;
}

export async function startOpenAIDouble(decide: (r: CompatRequest) => CompatReply, key = 'local-key'): Promise<OpenAIDouble> {
  const d: OpenAIDouble = { url: '', requests: [], problems: [], close: async () => {} };
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      const i = d.requests.length;
      if (req.headers.authorization !== `Bearer ${key}`) d.problems.push(`request ${i}: authorization ${req.headers.authorization}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompatRequest['body'];
      const r: CompatRequest = { headers: req.headers, body, screenshots: [] };
      d.requests.push(r);
      if (!body.stream) d.problems.push(`request ${i}: not streamed`);
      const names = body.tools?.map((t) => t.function.name) ?? [];
      for (const want of ['computer', 'bash', 'str_replace_based_edit_tool']) if (!names.includes(want)) d.problems.push(`request ${i}: no ${want} function`);
      const msgs = body.messages;
      // The last assistant tool call must be answered by a tool message; its screenshot follows as a user image.
      const lastAssistant = [...msgs].reverse().find((m) => m.role === 'assistant');
      const call = (lastAssistant?.tool_calls as Array<{ id: string; function: { arguments: string } }> | undefined)?.[0];
      if (call) {
        if (!msgs.some((m) => m.role === 'tool' && m.tool_call_id === call.id)) d.problems.push(`request ${i}: tool call ${call.id} unanswered`);
        r.answering = (JSON.parse(call.function.arguments) as { action?: string }).action;
        const after = msgs.slice(msgs.indexOf(lastAssistant!) + 1);
        for (const m of after) {
          if (m.role !== 'user' || !Array.isArray(m.content)) continue;
          for (const p of m.content as Array<{ type: string; image_url?: { url: string } }>) {
            if (p.type !== 'image_url') continue;
            const m2 = /^data:image\/png;base64,(.+)$/.exec(p.image_url!.url);
            if (!m2) d.problems.push(`request ${i}: image is not a PNG data URL`);
            else r.screenshots.push(decodePng(Buffer.from(m2[1]!, 'base64')));
          }
        }
      }
      const reply = decide(r);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const id = `chatcmpl-double-${++n}`;
      const send = (delta: Record<string, unknown>, finish: string | null = null, extra = {}) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
      send({ role: 'assistant', content: '' });
      if (reply.text) for (const piece of reply.text.match(/.{1,10}/gs) ?? []) send({ content: piece });
      if (reply.tool) {
        const args = JSON.stringify(reply.tool.args);
        send({ tool_calls: [{ index: 0, id: `call_${n}`, type: 'function', function: { name: reply.tool.name, arguments: '' } }] });
        for (let k = 0; k < args.length; k += 7) send({ tool_calls: [{ index: 0, function: { arguments: args.slice(k, k + 7) } }] });
      }
      send({}, reply.tool ? 'tool_calls' : 'stop');
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: body.model, choices: [], usage: { prompt_tokens: 500, completion_tokens: 20, total_tokens: 520 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  d.close = () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  return d;
}
