/**
 * The OpenAI-compatible model providers a person adds in the app (a local Ollama, vLLM, LM
 * Studio, or a service): name, base URL and models in model-providers.json of the app's config
 * folder, and the API key in the keychain (Credentials, as the Anthropic key and profile keys).
 * Main adds the provider to each run that uses one of its models, as the headers the host reads
 * (x-openai-base-url, x-openai-key, x-openai-provider); the renderer only ever sees whether a key
 * is set and its last four characters.
 */
import { join } from 'node:path';
import type { ModelProviderInput, ModelProviderView } from '../shared/ipc/channels.js';
import type { Credentials } from './credentials.js';
import { readJson, writeJson } from './json-file.js';

interface Stored {
  name: string;
  baseUrl: string;
  models: string[];
}

const account = (name: string) => `model-provider:openai:${name}`;

export class ModelProviders {
  private readonly file: string;

  constructor(
    configDir: string,
    private readonly credentials: Credentials,
  ) {
    this.file = join(configDir, 'model-providers.json');
  }

  private stored(): Stored[] {
    const list = readJson<Stored[]>(this.file, []);
    return Array.isArray(list) ? list : [];
  }

  async list(): Promise<ModelProviderView[]> {
    return Promise.all(
      this.stored().map(async (p) => {
        const k = await this.credentials.lookup(account(p.name));
        return { name: p.name, baseUrl: p.baseUrl, models: p.models, key: { set: !!k, hint: k ? `…${k.key.slice(-4)}` : null } };
      }),
    );
  }

  /** Adds a provider or changes one (by name); a key left out keeps the one already kept. */
  async save(input: ModelProviderInput): Promise<ModelProviderView[]> {
    const list = this.stored().filter((p) => p.name !== input.name);
    list.push({ name: input.name, baseUrl: input.baseUrl.replace(/\/+$/, ''), models: input.models });
    if (input.key) await this.credentials.set(account(input.name), input.key);
    else if (input.key === '') await this.credentials.delete(account(input.name));
    writeJson(this.file, list);
    return this.list();
  }

  async remove(name: string): Promise<ModelProviderView[]> {
    writeJson(this.file, this.stored().filter((p) => p.name !== name));
    await this.credentials.delete(account(name));
    return this.list();
  }

  /** The models the app's providers offer, in the host's models shape. */
  models(): Array<{ id: string; owned_by: string }> {
    return this.stored().flatMap((p) => p.models.map((id) => ({ id, owned_by: p.name })));
  }

  /** The headers for a run of `model` when one of the app's providers offers it (the first that does). */
  async headersFor(model: string): Promise<Record<string, string>> {
    const p = this.stored().find((x) => x.models.includes(model));
    if (!p) return {};
    const key = await this.credentials.get(account(p.name));
    return { 'x-openai-base-url': p.baseUrl, 'x-openai-provider': p.name, ...(key ? { 'x-openai-key': key } : {}) };
  }
}
