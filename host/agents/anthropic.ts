/**
 * Anthropic's Messages API through the official SDK, streamed (`/v1/messages?beta=true`): the
 * computer-use tool version and beta for the model, the bash and text editor tools, prompt
 * caching on the system prompt and the three most recent user turns, thinking as the model takes
 * it. The SDK retries 429, 529 and 5xx answers and dropped connections with backoff (honouring
 * retry-after); what still fails becomes an AgentError naming the provider's status and message.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { BetaContentBlock, BetaMessageParam, BetaToolUnion } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { AnthropicModel } from './models.js';
import { AgentError, Cancelled, type BetaContentBlockParam, type Provider, type Turn, type TurnRequest } from './provider.js';

const MAX_RETRIES = 4;
/** Breakpoints: the system prompt plus this many recent user turns (Anthropic allows four in all). */
const CACHED_USER_TURNS = 3;

export interface AnthropicOptions {
  apiKey: string;
  baseURL?: string;
  /** Shorter in tests. */
  maxRetries?: number;
}

export class AnthropicProvider implements Provider {
  private readonly client: Anthropic;

  constructor(
    private readonly model: AnthropicModel,
    options: AnthropicOptions,
  ) {
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL || undefined, maxRetries: options.maxRetries ?? MAX_RETRIES, timeout: 10 * 60_000 });
  }

  tools(display: { width: number; height: number }): BetaToolUnion[] {
    const m = this.model;
    const computer: BetaToolUnion =
      m.computerTool === 'computer_20251124'
        ? { type: 'computer_20251124', name: 'computer', display_width_px: display.width, display_height_px: display.height, enable_zoom: m.zoom }
        : { type: 'computer_20250124', name: 'computer', display_width_px: display.width, display_height_px: display.height };
    return [computer, { type: 'bash_20250124', name: 'bash' }, { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }];
  }

  async next(req: TurnRequest): Promise<Turn> {
    const m = this.model;
    try {
      const stream = this.client.beta.messages.stream(
        {
          model: m.id,
          max_tokens: m.maxTokens,
          system: [{ type: 'text', text: req.system, cache_control: { type: 'ephemeral' } }],
          messages: withCacheBreakpoints(req.history),
          tools: this.tools(req.display),
          thinking: m.thinking,
          betas: [m.beta],
        },
        { signal: req.signal },
      );
      stream.on('text', (delta) => req.onText(delta));
      const msg = await stream.finalMessage();
      const u = msg.usage;
      return {
        content: msg.content.map(toParam).filter((b): b is BetaContentBlockParam => !!b),
        usage: { input: u.input_tokens ?? 0, output: u.output_tokens ?? 0, cacheWrite: u.cache_creation_input_tokens ?? 0, cacheRead: u.cache_read_input_tokens ?? 0 },
        stopReason: msg.stop_reason,
      };
    } catch (e) {
      throw providerError(e, req.signal);
    }
  }
}

/** The response's blocks as blocks to send back (thinking with its signature, as the API requires). */
function toParam(b: BetaContentBlock): BetaContentBlockParam | null {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} };
    case 'thinking':
      return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: b.data };
    default:
      return null;
  }
}

/** A copy of the history with cache breakpoints on the last block of the most recent user turns. */
function withCacheBreakpoints(history: BetaMessageParam[]): BetaMessageParam[] {
  let left = CACHED_USER_TURNS;
  const out = history.map((m) => m);
  for (let i = out.length - 1; i >= 0 && left > 0; i--) {
    const m = out[i]!;
    if (m.role !== 'user') continue;
    const content: BetaContentBlockParam[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : [...m.content];
    const last = content[content.length - 1];
    if (!last || last.type === 'thinking' || last.type === 'redacted_thinking') continue;
    content[content.length - 1] = { ...last, cache_control: { type: 'ephemeral' } } as BetaContentBlockParam;
    out[i] = { role: 'user', content };
    left--;
  }
  return out;
}

function providerError(e: unknown, signal: AbortSignal): Error {
  if (signal.aborted || e instanceof Anthropic.APIUserAbortError) return new Cancelled('cancelled');
  if (e instanceof Anthropic.APIConnectionError) {
    return new AgentError(502, 'provider_unreachable', `Anthropic's API could not be reached or its stream broke: ${e.message}`);
  }
  if (e instanceof Anthropic.APIError) {
    const body = e.error as { error?: { type?: string; message?: string } } | undefined;
    const said = body?.error?.message ?? e.message;
    const status = e.status ?? 0;
    if (status === 401 || status === 403) return new AgentError(401, 'invalid_api_key', `Anthropic refused the model key (${status}): ${said}`);
    if (status === 400 && /prompt is too long|context|too many tokens/i.test(said)) return new AgentError(400, 'context_overflow', `The conversation is over the model's context window: ${said}`);
    if (status === 429) return new AgentError(429, 'provider_rate_limited', `Anthropic is rate-limiting this key (429), still after ${MAX_RETRIES} retries: ${said}`);
    if (status === 529) return new AgentError(503, 'provider_overloaded', `Anthropic's API is overloaded (529), still after ${MAX_RETRIES} retries: ${said}`);
    return new AgentError(502, 'provider_error', `Anthropic's API answered ${status || 'an error'}: ${said}`);
  }
  // The SDK throws plain errors for a stream it cannot read (malformed events).
  return new AgentError(502, 'provider_error', `Anthropic's answer could not be read: ${(e as Error).message ?? e}`);
}
