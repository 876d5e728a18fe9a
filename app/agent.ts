/**
 * The app's side of the agent: runs, controls, threads and the live feed of a computer's runs,
 * over the active profile's agent endpoint (the built-in host, another host or Orgo's cloud all
 * answer `/api/v1/chat/completions`). The Anthropic key lives in the keychain (Credentials, as a
 * profile key does) and is added here as `x-anthropic-key`; the renderer never holds it. The
 * OpenAI-compatible providers added in the app (model-providers.ts) go along with the runs of
 * their models the same way. Both go only with a run's request (never with reading threads or
 * the live feed), and only to a host the person allowed (model-key-hosts.ts); a run on another
 * host uses that host's own key, and when it has none the error says the key was not sent.
 */
import type { AgentEvent, ThreadDetail, ThreadSummary } from '../shared/api/agent.js';
import type { EventName, Events, ModelKeysView } from '../shared/ipc/channels.js';
import type { Credentials } from './credentials.js';
import { logger } from './log.js';
import type { Profile } from './profiles.js';
import type { HostKeyStatus, ModelKeyHosts } from './model-key-hosts.js';
import type { ModelProviders } from './model-providers.js';
import type { Session } from './session.js';

const log = logger('agent');
/** The keychain account of the Anthropic key (profiles use their ids; this cannot clash with one). */
export const ANTHROPIC_ACCOUNT = 'model-provider:anthropic';

type Broadcast = <E extends EventName>(event: E, payload: Events[E]) => void;

export class AgentError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Feed {
  abort: AbortController;
  watchers: Set<string>;
}

export class AppAgent {
  private readonly feeds = new Map<string, Feed>();
  /** Runs this app started and still streams, so closing their request does not cancel them. */
  private readonly runs = new Map<string, AbortController>();

  constructor(
    private readonly session: Session,
    private readonly credentials: Credentials,
    private readonly broadcast: Broadcast,
    readonly providers: ModelProviders,
    private readonly hosts: ModelKeyHosts,
  ) {}

  /** The keys kept (whether, where, the last four characters), and which hosts get them. */
  async keyStatus(): Promise<ModelKeysView> {
    const k = await this.credentials.lookup(ANTHROPIC_ACCOUNT);
    return {
      anthropic: { set: !!k, source: k?.source ?? null, hint: k ? `…${k.key.slice(-4)}` : null },
      held: !!k || (await this.providers.list()).some((p) => p.key.set),
      host: this.hosts.status(this.session.profiles.active()),
      hosts: this.hosts.list(),
    };
  }

  /** The person's yes (or no) to sending their model keys to a profile's host with its runs. */
  async allowHost(profileId: string, allow: boolean) {
    if (allow) this.hosts.allow(profileId);
    else this.hosts.revoke(profileId);
    return this.keyStatus();
  }

  async setKey(key: string) {
    await this.credentials.set(ANTHROPIC_ACCOUNT, key);
    return this.keyStatus();
  }

  async clearKey() {
    await this.credentials.delete(ANTHROPIC_ACCOUNT);
    return this.keyStatus();
  }

  /** The host's models, then the app's own providers' (a host that has none of its own still runs them). */
  async models(): Promise<Array<{ id: string; owned_by: string }>> {
    const r = await this.call<{ data: Array<{ id: string; owned_by: string }> }>('GET', '/v1/models');
    const host = r.data.map((m) => ({ id: m.id, owned_by: m.owned_by }));
    return [...host, ...this.providers.models().filter((m) => !host.some((h) => h.id === m.id))];
  }

  async threads(computerId: string): Promise<ThreadSummary[]> {
    return (await this.call<{ data: ThreadSummary[] }>('GET', `/v1/threads?computer_id=${encodeURIComponent(computerId)}`)).data;
  }

  thread(id: string): Promise<ThreadDetail> {
    return this.call<ThreadDetail>('GET', `/v1/threads/${encodeURIComponent(id)}`);
  }

  async control(threadId: string, action: 'cancel' | 'pause' | 'resume'): Promise<ThreadSummary> {
    return this.call<ThreadSummary>('POST', `/v1/threads/${encodeURIComponent(threadId)}/${action}`);
  }

  async deleteThread(id: string): Promise<void> {
    await this.call('DELETE', `/v1/threads/${encodeURIComponent(id)}`);
  }

  /**
   * Starts a run and answers its thread id once the host has taken it (its headers); the stream
   * is read to its end here, and the steps reach windows through the computer's live feed.
   */
  async run(input: { computerId: string; model: string; task: string; threadId?: string; maxSteps?: number }): Promise<{ threadId: string }> {
    const { url, headers, profile } = await this.endpoint();
    const host = this.hosts.status(profile);
    const keys = host.allowed ? await this.modelHeaders(input.model) : {};
    const abort = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, ...keys, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        computer_id: input.computerId,
        model: input.model,
        stream: true,
        messages: [{ role: 'user', content: input.task }],
        ...(input.threadId ? { thread_id: input.threadId } : {}),
        ...(input.maxSteps ? { max_steps: input.maxSteps } : {}),
      }),
      signal: abort.signal,
    });
    if (!res.ok) {
      const e = await failure(res);
      if (!host.allowed && (e.code === 'invalid_api_key' || e.code === 'invalid_model') && Object.keys(await this.modelHeaders(input.model)).length) throw notSent(host, e);
      throw e;
    }
    const threadId = res.headers.get('x-thread-id') ?? '';
    this.runs.set(threadId, abort);
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk; // the feed carries the steps
      } catch (e) {
        if (!abort.signal.aborted) log.warn(`run ${threadId}: the stream broke: ${(e as Error).message}`);
      } finally {
        this.runs.delete(threadId);
      }
    })();
    return { threadId };
  }

  /** A window watches a computer's runs: one feed per computer, shared by the windows watching it. */
  async watch(computerId: string, windowId: string): Promise<void> {
    const existing = this.feeds.get(computerId);
    if (existing) {
      existing.watchers.add(windowId);
      return;
    }
    const feed: Feed = { abort: new AbortController(), watchers: new Set([windowId]) };
    this.feeds.set(computerId, feed);
    void this.follow(computerId, feed);
  }

  unwatch(computerId: string, windowId: string): void {
    const feed = this.feeds.get(computerId);
    if (!feed) return;
    feed.watchers.delete(windowId);
    if (feed.watchers.size) return;
    feed.abort.abort();
    this.feeds.delete(computerId);
  }

  close(): void {
    for (const f of this.feeds.values()) f.abort.abort();
    this.feeds.clear();
    for (const a of this.runs.values()) a.abort();
  }

  /** Reads the feed, reconnecting after a break while someone still watches. */
  private async follow(computerId: string, feed: Feed): Promise<void> {
    while (!feed.abort.signal.aborted) {
      try {
        const { url, headers } = await this.endpoint();
        const res = await fetch(`${url}/v1/agent/events?computer_id=${encodeURIComponent(computerId)}`, { headers: { ...headers, accept: 'text/event-stream' }, signal: feed.abort.signal });
        if (!res.ok) throw await failure(res);
        let buf = '';
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (!data) continue;
            const event = JSON.parse(data.slice(6)) as AgentEvent | { type: 'hello' };
            if (event.type !== 'hello') this.broadcast('agent.event', { computerId, event });
          }
        }
      } catch (e) {
        if (feed.abort.signal.aborted) return;
        log.debug(`agent feed of ${computerId}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** The active profile's API and its key; no model key (that goes with runs alone: modelHeaders). */
  private async endpoint(): Promise<{ url: string; headers: Record<string, string>; profile: Profile }> {
    const { profile } = await this.session.client();
    const key = await this.session.keyFor(profile);
    return { url: profile.baseUrl.replace(/\/+$/, ''), headers: { authorization: `Bearer ${key}` }, profile };
  }

  /** The model keys for a run of `model`: the Anthropic key, or the app's provider that offers the model. */
  private async modelHeaders(model: string): Promise<Record<string, string>> {
    const provider = await this.providers.headersFor(model);
    if (Object.keys(provider).length) return provider;
    const key = await this.credentials.get(ANTHROPIC_ACCOUNT);
    return key ? { 'x-anthropic-key': key } : {};
  }

  private async call<T>(method: string, path: string): Promise<T> {
    const { url, headers } = await this.endpoint();
    const res = await fetch(`${url}${path}`, { method, headers, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw await failure(res);
    return (await res.json()) as T;
  }
}

/** A run refused for want of a key that the app holds but did not send to this host. */
function notSent(host: HostKeyStatus, e: AgentError): AgentError {
  const why = host.refusal ?? `Your model keys are only sent to hosts you allow, and ${host.name} (${host.baseUrl}) is not one yet: allow it in the Agent panel to send them.`;
  return new AgentError(`${host.name} has no model key of its own for this run (it said: ${e.message}). ${why}`, 'model_key_not_sent', e.status);
}

async function failure(res: Response): Promise<AgentError> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { error?: { message?: string; code?: string } | string; code?: string };
    if (typeof j.error === 'object' && j.error) return new AgentError(j.error.message ?? `HTTP ${res.status}`, j.error.code, res.status);
    if (typeof j.error === 'string') return new AgentError(j.error, j.code, res.status);
  } catch {
    /* not JSON */
  }
  if (res.status === 404) return new AgentError('This host has no agent endpoint.', 'not_found', 404);
  return new AgentError(`The host answered ${res.status}`, undefined, res.status);
}
