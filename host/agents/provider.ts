/**
 * What the loop needs of a model provider: given the conversation (kept in Anthropic's message
 * shape, whatever the provider), the next assistant turn, streamed (text deltas as they come),
 * cancellable. Errors become AgentError with a code the endpoint answers.
 */
import type { BetaContentBlockParam, BetaMessageParam } from '@anthropic-ai/sdk/resources/beta/messages/messages';

export type { BetaContentBlockParam, BetaMessageParam };

export interface Usage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface Turn {
  content: BetaContentBlockParam[];
  usage: Usage;
  stopReason: string | null;
}

export interface TurnRequest {
  system: string;
  history: BetaMessageParam[];
  display: { width: number; height: number };
  signal: AbortSignal;
  onText(delta: string): void;
}

export interface Provider {
  next(req: TurnRequest): Promise<Turn>;
}

/** An error the endpoint answers as it is: status, Orgo's code, a sentence. */
export class AgentError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when the run was cancelled (by a person, a limit or a dropped client) while waiting. */
export class Cancelled extends Error {}
