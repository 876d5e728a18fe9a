/**
 * The host's agent runs: at most one per computer, each known by its thread and by the request
 * that started it, so a client's retry of that request attaches to the run instead of starting
 * the task again (see `attach`); the live messages of every run go to the computer's watchers.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../shared/api/agent.js';
import { logger } from '../../shared/node/log.js';
import { actionsFor } from '../services/actions.js';
import type { Computers } from '../services/computers.js';
import type { ComputerRow } from '../store/computers.js';
import type { ThreadRow, ThreadStore } from '../store/threads.js';
import { AnthropicProvider } from './anthropic.js';
import { Run, type RunLimits } from './loop.js';
import { ModelCatalog, type AgentModel, type CompatProviderConfig } from './models.js';
import { OpenAICompatProvider } from './openai-compat.js';
import { AgentError, type BetaMessageParam, type Provider } from './provider.js';
import type { SettleRule } from './settle.js';
import { ShellTools } from './shell.js';

const log = logger('agent');

/** How long a finished run answers retries of the request that started it. */
const REMEMBER_MS = 10 * 60_000;

export interface AgentConfig {
  /** The host's own Anthropic key (ANTHROPIC_API_KEY or a key file); a request's x-anthropic-key wins. */
  anthropicKey?: string;
  anthropicBaseUrl?: string;
  providers?: CompatProviderConfig[];
  limits?: Partial<RunLimits>;
  /** A client that drops its stream cancels its run after this long, unless a retry of it attaches first. */
  dropGraceMs?: number;
  /** Retries of the model API (the SDK's backoff); fewer in tests. */
  maxRetries?: number;
  /** When the screenshot after an action is taken (settle.ts's SETTLE); the bench compares rules. */
  settle?: SettleRule;
  /** How long one bash command may run before it is interrupted (120 s, as Anthropic's reference tool). */
  bashTimeoutS?: number;
}

export const DEFAULT_LIMITS: RunLimits = { maxSteps: 100, tokenBudget: 5_000_000, timeLimitMs: 60 * 60_000 };

export interface StartRequest {
  row: ComputerRow;
  model: AgentModel;
  task: string;
  thread?: ThreadRow;
  maxSteps: number;
  modelKey?: string;
  /** Identifies the request for retries: who sent it and exactly what. */
  fingerprint: string;
}

type Watcher = (e: AgentEvent) => void;

export class AgentService {
  readonly catalog: ModelCatalog;
  private readonly byComputer = new Map<string, Run>();
  private readonly byThread = new Map<string, Run>();
  private readonly byFingerprint = new Map<string, { run: Run; until: number }>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  readonly dropGraceMs: number;

  constructor(
    private readonly computers: Computers,
    private readonly store: ThreadStore,
    private readonly config: AgentConfig,
  ) {
    this.catalog = new ModelCatalog(config.providers ?? []);
    this.dropGraceMs = config.dropGraceMs ?? 5000;
    const n = store.markInterrupted();
    if (n) log.info(`${n} agent run(s) were cut by the host's restart; marked interrupted`);
  }

  static fingerprint(keyId: string, body: string, idempotencyKey?: string): string {
    return createHash('sha256').update(`${keyId}\0${idempotencyKey ?? ''}\0${body}`).digest('hex');
  }

  /** A run started by the same request (a retry): it is answered from, never run again. */
  attach(fingerprint: string): Run | undefined {
    const hit = this.byFingerprint.get(fingerprint);
    if (!hit) return undefined;
    if (hit.run.finished && hit.until < Date.now()) {
      this.byFingerprint.delete(fingerprint);
      return undefined;
    }
    return hit.run;
  }

  running(computerId: string): Run | undefined {
    return this.byComputer.get(computerId);
  }

  run(threadId: string): Run | undefined {
    return this.byThread.get(threadId);
  }

  hasKey(requestKey?: string): boolean {
    return !!(requestKey || this.config.anthropicKey);
  }

  start(r: StartRequest): Run {
    const busy = this.byComputer.get(r.row.id);
    if (busy) throw new AgentError(409, 'agent_busy', `An agent is already working on this computer (thread ${busy.threadId}). Cancel it or wait for it to finish.`);
    const provider = this.provider(r.model, r.modelKey);
    const threadId = r.thread?.id ?? `thr_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const history: BetaMessageParam[] = r.thread ? (JSON.parse(r.thread.history) as BetaMessageParam[]) : [];
    if (r.thread) this.store.update(threadId, { status: 'running', stop_reason: null, error: null, model: r.model.id });
    else this.store.insert({ id: threadId, workspace_id: r.row.workspace_id, computer_id: r.row.id, model: r.model.id, title: r.task.slice(0, 120), status: 'running', history: '[]' });
    const t = r.thread;
    const limits = { ...DEFAULT_LIMITS, ...this.config.limits, maxSteps: r.maxSteps };
    const run = new Run({
      threadId,
      row: r.row,
      model: r.model,
      provider,
      history,
      task: r.task,
      limits,
      store: this.store,
      actions: actionsFor(this.computers),
      computers: this.computers,
      publish: (e) => this.publish(r.row.id, e),
      usage: t ? { input: t.input_tokens - t.cache_write_tokens - t.cache_read_tokens, output: t.output_tokens, cacheWrite: t.cache_write_tokens, cacheRead: t.cache_read_tokens } : { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
      steps: t?.steps ?? 0,
      settle: this.config.settle,
      bashTimeoutS: this.config.bashTimeoutS,
    });
    this.byComputer.set(r.row.id, run);
    this.byThread.set(threadId, run);
    this.byFingerprint.set(r.fingerprint, { run, until: Infinity });
    const done = () => {
      if (this.byComputer.get(r.row.id) === run) this.byComputer.delete(r.row.id);
      if (this.byThread.get(threadId) === run) this.byThread.delete(threadId);
      const hit = this.byFingerprint.get(r.fingerprint);
      if (hit?.run === run) hit.until = Date.now() + REMEMBER_MS;
      for (const [fp, h] of this.byFingerprint) if (h.run.finished && h.until < Date.now()) this.byFingerprint.delete(fp);
    };
    run.result.then(done, done);
    return run;
  }

  /** A deleted thread: its live shell in the computer goes with it (if the computer runs). */
  closeShell(computerId: string, threadId: string): void {
    if (this.computers.desktop(computerId)?.alive) void ShellTools.close(this.computers, computerId, threadId);
  }

  watch(computerId: string, w: Watcher): () => void {
    let set = this.watchers.get(computerId);
    if (!set) this.watchers.set(computerId, (set = new Set()));
    set.add(w);
    return () => {
      set.delete(w);
      if (!set.size) this.watchers.delete(computerId);
    };
  }

  /** Host shutdown: running runs end now (their threads say interrupted at the next start if they could not). */
  async shutdown(): Promise<void> {
    const runs = [...this.byComputer.values()];
    for (const r of runs) r.cancel('host_restart');
    await Promise.all(runs.map((r) => r.result.catch(() => {})));
  }

  private publish(computerId: string, e: AgentEvent): void {
    for (const w of this.watchers.get(computerId) ?? []) {
      try {
        w(e);
      } catch (err) {
        log.warn(`agent watcher: ${(err as Error).message}`);
      }
    }
  }

  private provider(model: AgentModel, requestKey?: string): Provider {
    if (model.provider === 'openai') return new OpenAICompatProvider(model);
    const apiKey = requestKey || this.config.anthropicKey;
    if (!apiKey) throw noKey();
    return new AnthropicProvider(model, { apiKey, baseURL: this.config.anthropicBaseUrl, maxRetries: this.config.maxRetries });
  }
}

export const noKey = () =>
  new AgentError(401, 'invalid_api_key', 'No model key: send your Anthropic API key in the x-anthropic-key header, or start the host with ANTHROPIC_API_KEY set (or --anthropic-key-file).');
