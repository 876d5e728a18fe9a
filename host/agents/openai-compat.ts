/**
 * OpenAI-compatible providers (Ollama, vLLM, LM Studio, or any service speaking the chat
 * completions API) for models that take images and function calls: the same actions offered as
 * function tools, the conversation translated from the loop's Anthropic shape on every request,
 * the answer streamed (SSE) and translated back. Screenshots travel as image parts of a user
 * message right after the tool results, since tool messages carry text only.
 */
import type { CompatModel } from './models.js';
import { AgentError, Cancelled, type BetaContentBlockParam, type Provider, type Turn, type TurnRequest } from './provider.js';

type ChatMessage =
  | { role: 'system' | 'user'; content: string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }> }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

const point = { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2, description: '[x, y] in screenshot pixels' };

function functionTools(display: { width: number; height: number }) {
  return [
    {
      type: 'function',
      function: {
        name: 'computer',
        description: `Use the computer's screen (${display.width}x${display.height}), mouse and keyboard. Every action but cursor_position answers with a screenshot.`,
        parameters: {
          type: 'object',
          properties: {
            action: {
              type: 'string',
              enum: ['screenshot', 'left_click', 'right_click', 'middle_click', 'double_click', 'triple_click', 'left_mouse_down', 'left_mouse_up', 'mouse_move', 'left_click_drag', 'scroll', 'type', 'key', 'hold_key', 'wait', 'cursor_position'],
            },
            coordinate: point,
            start_coordinate: point,
            text: { type: 'string', description: 'type: the text; key and hold_key: xdotool key names such as ctrl+s or Return; clicks and scroll: modifier keys to hold' },
            scroll_direction: { type: 'string', enum: ['up', 'down', 'left', 'right'] },
            scroll_amount: { type: 'integer' },
            duration: { type: 'number', description: 'seconds, for wait and hold_key' },
          },
          required: ['action'],
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'bash',
        description: 'Run a command in a live bash shell inside the computer: the working directory, exported variables and functions stay between calls; restart: true gives a fresh shell.',
        parameters: { type: 'object', properties: { command: { type: 'string' }, restart: { type: 'boolean' } } },
      },
    },
    {
      type: 'function',
      function: {
        name: 'str_replace_based_edit_tool',
        description: 'View, create and edit files inside the computer: command is view, create, str_replace or insert.',
        parameters: {
          type: 'object',
          properties: {
            command: { type: 'string', enum: ['view', 'create', 'str_replace', 'insert'] },
            path: { type: 'string' },
            file_text: { type: 'string' },
            old_str: { type: 'string' },
            new_str: { type: 'string' },
            insert_line: { type: 'integer' },
            insert_text: { type: 'string' },
            view_range: { type: 'array', items: { type: 'integer' } },
          },
          required: ['command', 'path'],
        },
      },
    },
  ];
}

/** The loop's conversation as chat messages. */
export function toChat(system: string, history: TurnRequest['history']): ChatMessage[] {
  const out: ChatMessage[] = [{ role: 'system', content: system }];
  for (const m of history) {
    const blocks: BetaContentBlockParam[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    if (m.role === 'assistant') {
      const text = blocks.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('\n');
      const calls = blocks.filter((b) => b.type === 'tool_use') as Array<{ id: string; name: string; input: unknown }>;
      out.push({ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) } })) } : {}) });
      continue;
    }
    const parts: Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }> = [];
    const imagePart = (b: { source: { type: string; media_type?: string; data?: string } }) =>
      b.source.type === 'base64' ? parts.push({ type: 'image_url', image_url: { url: `data:${b.source.media_type};base64,${b.source.data}` } }) : undefined;
    for (const b of blocks) {
      if (b.type === 'text') parts.push({ type: 'text', text: b.text });
      else if (b.type === 'image') imagePart(b as never);
      else if (b.type === 'tool_result') {
        const content = typeof b.content === 'string' ? [{ type: 'text' as const, text: b.content }] : (b.content ?? []);
        const text = content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('\n');
        out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: text || (content.some((c) => c.type === 'image') ? 'Done; the screenshot follows.' : 'Done.') });
        for (const c of content) if (c.type === 'image') imagePart(c as never);
      }
    }
    if (parts.length) out.push({ role: 'user', content: parts });
  }
  return out;
}

export class OpenAICompatProvider implements Provider {
  constructor(private readonly model: CompatModel) {}

  async next(req: TurnRequest): Promise<Turn> {
    const m = this.model;
    let res: Response;
    try {
      res = await fetch(`${m.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(m.apiKey ? { authorization: `Bearer ${m.apiKey}` } : {}) },
        body: JSON.stringify({
          model: m.id,
          messages: toChat(req.system, req.history),
          tools: functionTools(req.display),
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: m.maxTokens,
        }),
        signal: req.signal,
      });
    } catch (e) {
      if (req.signal.aborted) throw new Cancelled('cancelled');
      throw new AgentError(502, 'provider_unreachable', `${m.providerName} could not be reached: ${(e as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let said = text.slice(0, 500);
      try {
        const j = JSON.parse(text) as { error?: { message?: string } | string };
        said = typeof j.error === 'string' ? j.error : (j.error?.message ?? said);
      } catch {
        /* not JSON */
      }
      if (res.status === 401 || res.status === 403) throw new AgentError(401, 'invalid_api_key', `${m.providerName} refused the key (${res.status}): ${said}`);
      throw new AgentError(res.status === 429 ? 429 : 502, res.status === 429 ? 'provider_rate_limited' : 'provider_error', `${m.providerName} answered ${res.status}: ${said}`);
    }
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let text = '';
    let usage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
    let stopReason: string | null = null;
    try {
      for await (const data of sseData(res.body!)) {
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data) as {
          choices?: Array<{ delta?: { content?: string | null; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> }; finish_reason?: string | null }>;
          usage?: { prompt_tokens?: number; completion_tokens?: number };
        };
        const c = chunk.choices?.[0];
        if (c?.delta?.content) {
          text += c.delta.content;
          req.onText(c.delta.content);
        }
        for (const tc of c?.delta?.tool_calls ?? []) {
          const got = calls.get(tc.index) ?? { id: '', name: '', args: '' };
          if (tc.id) got.id = tc.id;
          if (tc.function?.name) got.name += tc.function.name;
          if (tc.function?.arguments) got.args += tc.function.arguments;
          calls.set(tc.index, got);
        }
        if (c?.finish_reason) stopReason = c.finish_reason;
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens ?? 0, output: chunk.usage.completion_tokens ?? 0, cacheWrite: 0, cacheRead: 0 };
      }
    } catch (e) {
      if (req.signal.aborted) throw new Cancelled('cancelled');
      throw new AgentError(502, 'provider_error', `${m.providerName}'s stream could not be read: ${(e as Error).message}`);
    }
    const content: BetaContentBlockParam[] = [];
    if (text) content.push({ type: 'text', text });
    for (const [i, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      let input: unknown;
      try {
        input = c.args ? JSON.parse(c.args) : {};
      } catch {
        throw new AgentError(502, 'provider_error', `${m.providerName} sent tool call arguments that are not JSON: ${c.args.slice(0, 200)}`);
      }
      content.push({ type: 'tool_use', id: c.id || `call_${i}`, name: c.name, input });
    }
    return { content, usage, stopReason };
  }
}

/** The `data:` payloads of a server-sent event stream. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buf.search(/\r?\n\r?\n/)) >= 0) {
      const event = buf.slice(0, end);
      buf = buf.slice(end).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) yield data;
    }
  }
}
