/**
 * The agent endpoint's own shapes beyond OpenAI's: threads as `GET /api/v1/threads…` answers
 * them, and the live messages of `GET /api/v1/agent/events?computer_id=…` (server-sent events,
 * one JSON `AgentEvent` per `data:` line), which the app's Agent panel and anyone else watching
 * a computer read while an agent works on it.
 */

export type ThreadStatus = 'running' | 'paused' | 'done' | 'stopped' | 'cancelled' | 'error' | 'interrupted';

/** Why a run ended other than by the model finishing. */
export type StopReason = 'max_steps' | 'token_budget' | 'time_limit' | 'cancelled' | 'client_disconnected' | 'error' | 'host_restart';

export interface ThreadUsage {
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
  cost_cents: number;
}

export interface ThreadSummary {
  id: string;
  computer_id: string;
  model: string;
  title: string;
  status: ThreadStatus;
  stop_reason: StopReason | null;
  error: string | null;
  steps: number;
  usage: ThreadUsage;
  created_at: string;
  updated_at: string;
}

export type StepKind = 'text' | 'action' | 'bash' | 'edit' | 'note';

export interface ThreadStep {
  n: number;
  kind: StepKind;
  /** The model's words (kind text), or a note (a person took over). */
  text: string | null;
  /** The computer-use action (`left_click`, `type`, ...) or the tool's command. */
  action: string | null;
  input: Record<string, unknown> | null;
  /** Where on the screen (screen pixels) the action landed. */
  x: number | null;
  y: number | null;
  result: string | null;
  error: string | null;
  /** A small PNG of the screen after the step, as a data URL (threads/{id} only). */
  thumbnail: string | null;
  input_tokens: number;
  output_tokens: number;
  /** The model's time for the request that asked for this step. */
  model_ms: number | null;
  /** The host's time: the tool call arriving to the next model request leaving. */
  host_ms: number | null;
  created_at: string;
}

export interface ThreadMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ThreadDetail extends ThreadSummary {
  messages: ThreadMessage[];
  steps_detail: ThreadStep[];
}

/** Live messages of one computer's agent runs. */
export type AgentEvent =
  /** A run started (or continued a thread). */
  | { type: 'run_start'; thread_id: string; computer_id: string; model: string; task: string }
  /** The model's text as it streams. */
  | { type: 'text_delta'; thread_id: string; text: string }
  /** A step finished (its thumbnail as a data URL). */
  | { type: 'step'; thread_id: string; step: ThreadStep }
  /** The run's state changed: paused (a person took over), running again, ... */
  | { type: 'status'; thread_id: string; status: ThreadStatus; steps: number; usage: ThreadUsage }
  /** The run ended: the final text, or the error or limit that stopped it. */
  | { type: 'run_end'; thread_id: string; status: ThreadStatus; stop_reason: StopReason | null; error: string | null; text: string; steps: number; usage: ThreadUsage; elapsed_ms: number };

export const AGENT_MODELS = ['claude-opus-4-7', 'claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'] as const;
