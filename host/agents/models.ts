/**
 * The models the agent endpoint offers and what each needs from the loop: the computer-use tool
 * version and its beta, the thinking setting Anthropic documents for it, the largest screenshot
 * it takes unscaled, and its price (for `orgo.cost_cents`).
 */
import type { BetaThinkingConfigParam } from '@anthropic-ai/sdk/resources/beta/messages/messages';


export interface ImageLimit {
  /** Longest edge, pixels. */
  edge: number;
  /** Total pixels. */
  pixels: number;
}

export interface AnthropicModel {
  provider: 'anthropic';
  id: string;
  computerTool: 'computer_20251124' | 'computer_20250124';
  beta: 'computer-use-2025-11-24' | 'computer-use-2025-01-24';
  /** Zoom is an action of computer_20251124 only. */
  zoom: boolean;
  thinking: BetaThinkingConfigParam;
  maxTokens: number;
  image: ImageLimit;
  /** US dollars per million tokens. */
  price: { input: number; output: number };
}

/** Claude's image limit: about 1.15 megapixels and 1568 px on the longest edge (images over it are downscaled by the API, which would break coordinates). */
const STANDARD: ImageLimit = { edge: 1568, pixels: 1_150_000 };
/** Opus 4.7 reads high-resolution images: up to 2576 px on the longest edge, about 3.75 megapixels. */
const HIGH_RES: ImageLimit = { edge: 2576, pixels: 3_750_000 };

const NEW_TOOL = { computerTool: 'computer_20251124', beta: 'computer-use-2025-11-24', zoom: true } as const;

export const ANTHROPIC_MODELS: readonly AnthropicModel[] = [
  // Opus 4.7 takes adaptive thinking only; 4.6 and Sonnet 4.6 recommend it.
  { provider: 'anthropic', id: 'claude-opus-4-7', ...NEW_TOOL, thinking: { type: 'adaptive' }, maxTokens: 16_000, image: HIGH_RES, price: { input: 5, output: 25 } },
  { provider: 'anthropic', id: 'claude-opus-4-6', ...NEW_TOOL, thinking: { type: 'adaptive' }, maxTokens: 16_000, image: STANDARD, price: { input: 5, output: 25 } },
  { provider: 'anthropic', id: 'claude-sonnet-4-6', ...NEW_TOOL, thinking: { type: 'adaptive' }, maxTokens: 16_000, image: STANDARD, price: { input: 3, output: 15 } },
  // Haiku 4.5: extended thinking with a budget, below max_tokens.
  {
    provider: 'anthropic',
    id: 'claude-haiku-4-5',
    computerTool: 'computer_20250124',
    beta: 'computer-use-2025-01-24',
    zoom: false,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    maxTokens: 8192,
    image: STANDARD,
    price: { input: 1, output: 5 },
  },
];

export const DEFAULT_MODEL = 'claude-sonnet-4-6';

/** A model of an OpenAI-compatible provider configured on the host. */
export interface CompatModel {
  provider: 'openai';
  id: string;
  providerName: string;
  baseUrl: string;
  apiKey?: string;
  image: ImageLimit;
  maxTokens: number;
}

export type AgentModel = AnthropicModel | CompatModel;

export interface CompatProviderConfig {
  name: string;
  base_url: string;
  api_key?: string;
  models: string[];
}

/** `claude-sonnet-4.6` is `claude-sonnet-4-6`. */
export function canonicalName(name: string): string {
  return name.trim().replace(/^(claude-[a-z]+-\d+)\.(\d+)$/, '$1-$2');
}

export class ModelCatalog {
  constructor(private readonly compat: CompatProviderConfig[] = []) {}

  all(): AgentModel[] {
    const extra: CompatModel[] = this.compat.flatMap((p) =>
      p.models.map((id) => ({ provider: 'openai' as const, id, providerName: p.name, baseUrl: p.base_url, apiKey: p.api_key, image: STANDARD, maxTokens: 4096 })),
    );
    return [...ANTHROPIC_MODELS, ...extra];
  }

  /**
   * A model of an OpenAI-compatible provider the client names in its request (the app's own
   * providers: x-openai-base-url, x-openai-key, x-openai-provider), for a model name that is not
   * one of Anthropic's.
   */
  fromRequest(name: string, provider: { baseUrl: string; apiKey?: string; name?: string }): CompatModel | undefined {
    const id = name.trim();
    if (!id || ANTHROPIC_MODELS.some((m) => m.id === canonicalName(id))) return undefined;
    return { provider: 'openai', id, providerName: provider.name || new URL(provider.baseUrl).host, baseUrl: provider.baseUrl, apiKey: provider.apiKey, image: STANDARD, maxTokens: 4096 };
  }

  find(name: string | undefined): AgentModel | undefined {
    const id = canonicalName(name ?? DEFAULT_MODEL);
    return this.all().find((m) => m.id === id);
  }
}

/** Cents for the tokens used, at the model's list price (cache writes 1.25x, reads 0.1x of input). */
export function costCents(model: AgentModel, u: { input: number; output: number; cacheWrite: number; cacheRead: number }): number {
  if (model.provider !== 'anthropic') return 0;
  const p = model.price;
  const dollars = (u.input * p.input + u.cacheWrite * p.input * 1.25 + u.cacheRead * p.input * 0.1 + u.output * p.output) / 1e6;
  return Math.round(dollars * 100 * 10000) / 10000;
}

/** The screenshot size the model is sent: the screen's when within its limit, else scaled down keeping the aspect. */
export function modelScreen(screen: { width: number; height: number }, limit: ImageLimit): { width: number; height: number; scale: number } {
  const { width, height } = screen;
  const scale = Math.min(1, limit.edge / Math.max(width, height), Math.sqrt(limit.pixels / (width * height)));
  if (scale >= 1) return { width, height, scale: 1 };
  return { width: Math.floor(width * scale), height: Math.floor(height * scale), scale };
}

/** The --agent-providers file, checked: a list of {name, base_url, api_key?, models}. */
export function parseProviders(text: string): CompatProviderConfig[] {
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) throw new Error('the providers file must hold a JSON list');
  return list.map((p: Partial<CompatProviderConfig>, i) => {
    if (!p || typeof p.name !== 'string' || typeof p.base_url !== 'string' || !/^https?:\/\//.test(p.base_url)) throw new Error(`provider ${i}: name and an http(s) base_url are required`);
    if (!Array.isArray(p.models) || !p.models.length || !p.models.every((m) => typeof m === 'string')) throw new Error(`provider ${p.name}: models must be a list of model names`);
    return { name: p.name, base_url: p.base_url, api_key: typeof p.api_key === 'string' ? p.api_key : undefined, models: p.models };
  });
}
