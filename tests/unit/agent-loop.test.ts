/** The agent loop's pure parts: model names, screenshot sizes within a model's limit, pruning of old screenshots. */
import { describe, expect, it } from 'vitest';
import { pruneImages } from '../../host/agents/loop.js';
import { ANTHROPIC_MODELS, ModelCatalog, canonicalName, modelScreen, parseProviders } from '../../host/agents/models.js';
import type { BetaMessageParam } from '../../host/agents/provider.js';

const limit = (id: string) => ANTHROPIC_MODELS.find((m) => m.id === id)!.image;

describe('models', () => {
  it('dotted names are aliases; unknown names are not found', () => {
    expect(canonicalName('claude-sonnet-4.6')).toBe('claude-sonnet-4-6');
    const c = new ModelCatalog();
    expect(c.find(undefined)?.id).toBe('claude-sonnet-4-6');
    expect(c.find('claude-haiku-4.5')?.id).toBe('claude-haiku-4-5');
    expect(c.find('gpt-4o')).toBeUndefined();
  });

  it('tool versions per model', () => {
    const tool = (id: string) => new ModelCatalog().find(id) as { computerTool: string; beta: string };
    for (const id of ['claude-opus-4-7', 'claude-opus-4-6', 'claude-sonnet-4-6']) expect(tool(id)).toMatchObject({ computerTool: 'computer_20251124', beta: 'computer-use-2025-11-24' });
    expect(tool('claude-haiku-4-5')).toMatchObject({ computerTool: 'computer_20250124', beta: 'computer-use-2025-01-24' });
  });

  it('screens within the limit go at their size; larger ones scale down keeping the aspect', () => {
    expect(modelScreen({ width: 1280, height: 720 }, limit('claude-sonnet-4-6'))).toEqual({ width: 1280, height: 720, scale: 1 });
    expect(modelScreen({ width: 1920, height: 1080 }, limit('claude-opus-4-7'))).toEqual({ width: 1920, height: 1080, scale: 1 });
    const s = modelScreen({ width: 1920, height: 1080 }, limit('claude-sonnet-4-6'));
    expect(s.width * s.height).toBeLessThanOrEqual(1_150_000);
    expect(Math.abs(s.width / s.height - 16 / 9)).toBeLessThan(0.01);
    const big = modelScreen({ width: 3840, height: 2160 }, limit('claude-opus-4-7'));
    expect(Math.max(big.width, big.height)).toBeLessThanOrEqual(2576);
    expect(big.width * big.height).toBeLessThanOrEqual(3_750_000);
  });

  it('a providers file is checked', () => {
    expect(parseProviders('[{"name":"ollama","base_url":"http://127.0.0.1:11434/v1","models":["qwen2.5-vl"]}]')[0]!.models).toEqual(['qwen2.5-vl']);
    expect(() => parseProviders('{}')).toThrow(/list/);
    expect(() => parseProviders('[{"name":"x","base_url":"ftp://x","models":["m"]}]')).toThrow(/base_url/);
    expect(() => parseProviders('[{"name":"x","base_url":"http://x","models":[]}]')).toThrow(/models/);
  });
});

describe('pruning old screenshots', () => {
  const shotTurn = (n: number): BetaMessageParam => ({
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: `img${n}` } }] }],
  });
  const images = (h: BetaMessageParam[]) => JSON.stringify(h).match(/"type":"image"/g)?.length ?? 0;

  it('keeps the five most recent, removing older ones five at a time so the cached prefix holds', () => {
    const h = Array.from({ length: 9 }, (_, i) => shotTurn(i));
    pruneImages(h);
    expect(images(h)).toBe(9); // 4 over the limit: not yet a whole chunk
    h.push(shotTurn(9));
    pruneImages(h);
    expect(images(h)).toBe(5);
    expect(JSON.stringify(h.slice(5))).not.toContain('removed');
    expect(JSON.stringify(h[0])).toContain('an older screenshot, removed');
  });
});
