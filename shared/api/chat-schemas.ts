/**
 * The agent endpoint under /api/v1 (host/http/routes/chat.ts) as the OpenAPI document describes
 * it: OpenAI's chat-completions and models shapes with Orgo's `orgo` block, the threads, and
 * OpenAI's nested error shape. The route checks its body itself, in OpenAI's words and codes
 * (`missing_computer_id`, `invalid_model`, ...), so the body here documents and does not validate;
 * the answers are checked against real ones by tests/host/openapi.test.ts. The thread types of
 * agent.ts are checked against these schemas at compile time (the assertions at the end).
 */
import { z } from 'zod';
import type { ThreadDetail, ThreadStep, ThreadSummary } from './agent.js';

const THREAD_STATUSES = ['running', 'paused', 'done', 'stopped', 'cancelled', 'error', 'interrupted'] as const;
const STOP_REASONS = ['max_steps', 'token_budget', 'time_limit', 'cancelled', 'client_disconnected', 'error', 'host_restart'] as const;

const content = z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]);

/** `POST /api/v1/chat/completions`: the task for the agent, on one running computer. */
export const chatCompletionBody = z.object({
  computer_id: z.string().meta({ description: 'The running computer the agent uses' }),
  messages: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content }))
    .min(1)
    .meta({ description: 'From the user first and last (the last is the task); earlier turns are context, or with thread_id only the new ones' }),
  model: z.string().optional().meta({ description: 'One of GET /api/v1/models; left out: the host\'s default' }),
  stream: z.boolean().optional().meta({ description: 'true: server-sent chat.completion.chunk events, then [DONE]' }),
  thread_id: z.string().optional().meta({ description: 'Continue this thread (of the same computer)' }),
  max_steps: z.number().int().min(1).max(1000).optional().meta({ description: 'Default 100' }),
});

/** The headers the endpoint reads besides the API key. */
export const chatHeaders = z.object({
  'x-anthropic-key': z.string().optional().meta({ description: "An Anthropic key for this run (else the host's)" }),
  'x-openai-base-url': z.string().optional().meta({ description: 'An OpenAI-compatible provider for this run (account-wide keys only)' }),
  'x-openai-key': z.string().optional().meta({ description: "That provider's key" }),
  'x-openai-provider': z.string().optional().meta({ description: "That provider's display name" }),
  'idempotency-key': z.string().optional().meta({ description: 'A retry with the same key attaches to the same run' }),
});

export const threadIdParams = z.object({ id: z.string().meta({ description: "The thread's id" }) });
export const computerIdQuery = z.object({ computer_id: z.string().optional().meta({ description: "A computer: only its threads (its runs' events)" }) });

/** What a run did, beside OpenAI's fields. */
const orgo = z.object({
  thread_id: z.string(),
  steps: z.number(),
  cost_cents: z.number(),
  status: z.enum(THREAD_STATUSES),
  stopped_by: z.enum(STOP_REASONS).nullable(),
});

export const chatCompletionAnswer = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      finish_reason: z.enum(['stop', 'length']),
      logprobs: z.null(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }),
  orgo,
});

/** OpenAI's nested error shape, which OpenAI's SDKs read (`err.code`); a failed run adds `orgo`. */
export const openAiError = z.object({
  error: z.object({ type: z.string(), message: z.string(), code: z.string(), param: z.null() }),
  orgo: orgo.optional(),
});

export const modelListAnswer = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() })),
});

const usage = z.object({ input_tokens: z.number(), output_tokens: z.number(), cache_write_tokens: z.number(), cache_read_tokens: z.number(), cost_cents: z.number() });

export const threadAnswer = z.object({
  id: z.string(),
  computer_id: z.string(),
  model: z.string(),
  title: z.string(),
  status: z.enum(THREAD_STATUSES),
  stop_reason: z.enum(STOP_REASONS).nullable(),
  error: z.string().nullable(),
  steps: z.number(),
  usage,
  created_at: z.string(),
  updated_at: z.string(),
});

export const threadStepAnswer = z.object({
  n: z.number(),
  kind: z.enum(['text', 'action', 'bash', 'edit', 'note']),
  text: z.string().nullable(),
  action: z.string().nullable(),
  input: z.record(z.string(), z.unknown()).nullable(),
  x: z.number().nullable(),
  y: z.number().nullable(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  thumbnail: z.string().nullable().meta({ description: 'A small PNG of the screen after the step, as a data URL' }),
  input_tokens: z.number(),
  output_tokens: z.number(),
  model_ms: z.number().nullable(),
  host_ms: z.number().nullable(),
  created_at: z.string(),
});

export const threadListAnswer = z.object({ object: z.literal('list'), data: z.array(threadAnswer) });
export const threadDetailAnswer = threadAnswer.extend({
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  steps_detail: z.array(threadStepAnswer),
});
export const threadDeletedAnswer = z.object({ id: z.string(), object: z.literal('thread.deleted'), deleted: z.literal(true) });

/** Server-sent events, as text. */
export const eventStream = (description: string) => ({ 'text/event-stream': { schema: { type: 'string', description } } });

// agent.ts's types and these schemas say the same (a type error here when one side changes).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: [Same<ThreadSummary, z.output<typeof threadAnswer>>, Same<ThreadStep, z.output<typeof threadStepAnswer>>, Same<ThreadDetail, z.output<typeof threadDetailAnswer>>] = [true, true, true];
void same;
