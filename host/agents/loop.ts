/**
 * One agent run on one computer: the model proposes, the host acts, until the model answers
 * without a tool call, a limit stops it (max_steps, the token budget, the wall clock: the result
 * says which), or someone cancels it. Between steps a person may take over (pause); resuming
 * tells the model a person acted and shows it the screen as it is now. Every step goes to the
 * thread in SQLite and to whoever watches the computer.
 */
import { EventEmitter } from 'node:events';
import type { AgentEvent, StopReason, ThreadStatus, ThreadStep, ThreadUsage } from '../../shared/api/agent.js';
import { logger } from '../../shared/node/log.js';
import type { Image } from '../imaging/pixels.js';
import { encodePng } from '../imaging/png.js';
import type { Actions } from '../services/actions.js';
import type { Computers } from '../services/computers.js';
import type { ComputerRow } from '../store/computers.js';
import { stepView, type ThreadStore } from '../store/threads.js';
import { ComputerTool, ToolInputError, type ComputerInput, type Shot, type ToolOutput } from './computer.js';
import { costCents, type AgentModel } from './models.js';
import { AgentError, Cancelled, type BetaContentBlockParam, type BetaMessageParam, type Provider, type Usage } from './provider.js';
import type { SettleRule } from './settle.js';
import { ShellTools } from './shell.js';

const log = logger('agent');

export interface RunLimits {
  maxSteps: number;
  /** Input plus output tokens over the whole run. */
  tokenBudget: number;
  timeLimitMs: number;
}

/** Screenshots kept in the conversation; older ones become a line of text, removed a few at a time so the cached prefix stays put for a while. */
const KEEP_IMAGES = 5;
const PRUNE_CHUNK = 5;

export const SYSTEM_PROMPT = [
  'You are operating a Linux desktop computer (Ubuntu-like, with an openbox desktop and a taskbar) through the computer, bash and str_replace_based_edit_tool tools.',
  'The bash tool runs commands inside that same computer as its user, in one live shell for this conversation: the working directory, exported variables and functions stay between calls (restart: true gives a fresh shell). A command that runs too long is interrupted. GUI programs started from it appear on the screen (start them in the background with &).',
  'Take a screenshot first when you need to know what is on the screen. After each action you are sent a screenshot taken once the screen has settled.',
  'When the task is done, answer with a short summary of what you did and what you found, without calling a tool.',
  `The date today is ${new Date().toDateString()}.`,
].join('\n');

export interface RunResult {
  text: string;
  status: ThreadStatus;
  stopReason: StopReason | null;
  error: AgentError | null;
  steps: number;
  usage: ThreadUsage;
  elapsedMs: number;
}

export interface RunSetup {
  threadId: string;
  row: ComputerRow;
  model: AgentModel;
  provider: Provider;
  history: BetaMessageParam[];
  /** The new user turn, as text. */
  task: string;
  limits: RunLimits;
  store: ThreadStore;
  actions: Actions;
  computers: Computers;
  publish(e: AgentEvent): void;
  /** Usage so far on this thread (a continued thread keeps counting). */
  usage: Usage;
  steps: number;
  settle?: SettleRule;
  /** How long one bash command may run before it is interrupted (shell.ts). */
  bashTimeoutS?: number;
}

/**
 * Events: `event` (AgentEvent) for every live message of this run; the result promise settles
 * once, when the run ends.
 */
export class Run extends EventEmitter {
  readonly result: Promise<RunResult>;
  status: ThreadStatus = 'running';
  /** Text streamed so far, for a client that attaches late (a retried request). */
  streamed = '';
  private readonly abort = new AbortController();
  private stopReason: StopReason | null = null;
  private pauseGate?: { promise: Promise<void>; open: () => void };
  private tookOver = false;
  private readonly started = performance.now();
  private readonly computer: ComputerTool;
  private readonly shell: ShellTools;
  private inBash = false;
  private readonly usage: Usage;
  private steps: number;
  private stepN: number;
  private readonly clients = new Set<number>();
  private nextClient = 1;

  constructor(private readonly s: RunSetup) {
    super();
    this.usage = { ...s.usage };
    this.steps = s.steps;
    this.stepN = s.store.nextStep(s.threadId);
    this.computer = new ComputerTool(s.actions, s.row, s.model.image, s.settle);
    this.shell = new ShellTools(s.computers, s.actions, s.row, s.threadId, s.bashTimeoutS);
    this.result = this.loop();
    this.result.catch(() => {});
  }

  get threadId(): string {
    return this.s.threadId;
  }

  get computerId(): string {
    return this.s.row.id;
  }

  get finished(): boolean {
    return this.status !== 'running' && this.status !== 'paused';
  }

  /** Stops the run: the model request in flight is aborted, an action in flight is not waited for. */
  cancel(reason: StopReason = 'cancelled'): void {
    if (this.finished || this.abort.signal.aborted) return;
    this.stopReason = reason;
    this.abort.abort();
    // A command still running in the thread's shell holds the computer's queue: Ctrl-C it.
    if (this.inBash) void this.shell.interrupt();
    this.pauseGate?.open();
  }

  /** A request answering from this run (the one that started it, or a retry attached to it). */
  attachClient(): number {
    const id = this.nextClient++;
    this.clients.add(id);
    return id;
  }

  /**
   * That request is done (`finished`) or its client went away: once no request is left after
   * `graceMs` (time for an SDK's retry to attach), the run is cancelled.
   */
  detachClient(id: number, graceMs: number, finished = false): void {
    if (!this.clients.delete(id) || finished) return;
    setTimeout(() => {
      if (!this.finished && this.clients.size === 0) this.cancel('client_disconnected');
    }, graceMs).unref();
  }

  /** Take over: the run holds before its next model request until resume(). */
  pause(): void {
    if (this.finished || this.pauseGate) return;
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.pauseGate = { promise, open };
    this.tookOver = true;
    this.setStatus('paused');
  }

  resume(): void {
    const gate = this.pauseGate;
    if (!gate) return;
    this.pauseGate = undefined;
    this.setStatus('running');
    gate.open();
  }

  private emitEvent(e: AgentEvent): void {
    this.s.publish(e);
    this.emit('event', e);
  }

  private usageView(): ThreadUsage {
    const u = this.usage;
    return { input_tokens: u.input + u.cacheWrite + u.cacheRead, output_tokens: u.output, cache_write_tokens: u.cacheWrite, cache_read_tokens: u.cacheRead, cost_cents: costCents(this.s.model, u) };
  }

  private setStatus(status: ThreadStatus): void {
    this.status = status;
    this.s.store.update(this.s.threadId, { status });
    this.emitEvent({ type: 'status', thread_id: this.s.threadId, status, steps: this.steps, usage: this.usageView() });
  }

  private async loop(): Promise<RunResult> {
    const s = this.s;
    const history = s.history;
    appendUser(history, [{ type: 'text', text: s.task }]);
    this.emitEvent({ type: 'run_start', thread_id: s.threadId, computer_id: s.row.id, model: s.model.id, task: s.task });
    let finalText = '';
    let error: AgentError | null = null;
    let lastToolStep: number | undefined;
    let toolCallAt: number | undefined;
    try {
      const display = await this.computer.display();
      for (;;) {
        if (this.pauseGate) {
          await this.pauseGate.promise;
          toolCallAt = undefined; // a person's time is not the host's
        }
        this.checkCancelled();
        if (this.tookOver) {
          this.tookOver = false;
          const shot = await this.computer.screenshot();
          appendUser(history, [
            { type: 'text', text: 'A person took over the computer for a while and has handed it back to you. The screen may have changed; here it is now. Continue the task from here.' },
            image(shot),
          ]);
          this.record({ kind: 'note', text: 'A person took over; the agent resumed with a fresh screenshot.', thumb: shot.thumb });
        }
        const limit = this.limitReached();
        if (limit) {
          this.stopReason = limit;
          finalText = `Stopped: ${LIMIT_WORDS[limit]}.`;
          break;
        }
        pruneImages(history);
        s.store.update(s.threadId, { history: JSON.stringify(storable(history)) });
        if (toolCallAt !== undefined && lastToolStep !== undefined) s.store.setHostMs(s.threadId, lastToolStep, performance.now() - toolCallAt);
        const asked = performance.now();
        let turnText = '';
        const turn = await s.provider.next({
          system: SYSTEM_PROMPT,
          history,
          display,
          signal: this.abort.signal,
          onText: (delta) => {
            turnText += delta;
            this.streamed += delta;
            this.emitEvent({ type: 'text_delta', thread_id: s.threadId, text: delta });
          },
        });
        toolCallAt = performance.now();
        const modelMs = Math.round(toolCallAt - asked);
        for (const k of ['input', 'output', 'cacheWrite', 'cacheRead'] as const) this.usage[k] += turn.usage[k];
        history.push({ role: 'assistant', content: turn.content.length ? turn.content : [{ type: 'text', text: '(no answer)' }] });
        const text = turn.content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('\n').trim() || turnText.trim();
        if (text) this.record({ kind: 'text', text, input_tokens: turn.usage.input + turn.usage.cacheRead + turn.usage.cacheWrite, output_tokens: turn.usage.output, model_ms: modelMs });
        const calls = turn.content.filter((b): b is Extract<BetaContentBlockParam, { type: 'tool_use' }> => b.type === 'tool_use');
        if (!calls.length) {
          finalText = text;
          break;
        }
        if (this.streamed && !this.streamed.endsWith('\n')) {
          this.streamed += '\n\n';
          this.emitEvent({ type: 'text_delta', thread_id: s.threadId, text: '\n\n' });
        }
        const results: BetaContentBlockParam[] = [];
        for (const call of calls) {
          this.checkCancelled();
          const out = await this.cancellable(this.tool(call.name, call.input as Record<string, unknown>));
          this.steps++;
          lastToolStep = this.record({
            kind: call.name === 'bash' ? 'bash' : call.name === 'computer' ? 'action' : 'edit',
            action: call.name === 'computer' ? String((call.input as ComputerInput).action) : call.name === 'bash' ? 'bash' : String((call.input as { command?: string }).command ?? 'edit'),
            input: call.input as Record<string, unknown>,
            x: out.at?.x,
            y: out.at?.y,
            result: out.text ?? (out.image ? `screenshot ${out.image.width}x${out.image.height}` : null),
            error: out.error,
            thumb: out.image?.thumb,
            model_ms: calls.length === 1 ? modelMs : undefined,
          });
          results.push(toolResult(call.id, out));
        }
        appendUser(history, results);
        s.store.update(s.threadId, { steps: this.steps });
      }
    } catch (e) {
      if (e instanceof Cancelled || this.abort.signal.aborted) {
        this.stopReason ??= 'cancelled';
        finalText = this.stopReason === 'client_disconnected' ? 'Cancelled: the client disconnected.' : this.stopReason === 'host_restart' ? 'Interrupted: the host is stopping.' : 'Cancelled.';
      } else if (e instanceof AgentError) {
        error = e;
      } else {
        const err = e as Error & { status?: number; code?: string };
        // The computer stopped, or its display went away, mid-run.
        if (err.status && err.code) error = new AgentError(err.status === 400 ? 409 : err.status, err.code === 'desktop_not_running' ? 'computer_not_running' : err.code, err.message);
        else {
          log.error(`run ${s.threadId}: ${err.stack ?? err}`);
          error = new AgentError(500, 'internal', `The run failed: ${err.message}`);
        }
      }
    }
    const status: ThreadStatus = error ? 'error' : this.stopReason === 'host_restart' ? 'interrupted' : this.stopReason === 'cancelled' || this.stopReason === 'client_disconnected' ? 'cancelled' : this.stopReason ? 'stopped' : 'done';
    if (finalText && this.stopReason) closeHistory(history, finalText);
    const usage = this.usageView();
    s.store.update(s.threadId, {
      status,
      stop_reason: error ? 'error' : this.stopReason,
      error: error?.message ?? null,
      history: JSON.stringify(storable(history)),
      steps: this.steps,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_write_tokens: usage.cache_write_tokens,
      cache_read_tokens: usage.cache_read_tokens,
      cost_cents: usage.cost_cents,
    });
    this.status = status;
    const elapsedMs = Math.round(performance.now() - this.started);
    this.emitEvent({ type: 'run_end', thread_id: s.threadId, status, stop_reason: error ? 'error' : this.stopReason, error: error?.message ?? null, text: finalText, steps: this.steps, usage, elapsed_ms: elapsedMs });
    return { text: finalText, status, stopReason: error ? 'error' : this.stopReason, error, steps: this.steps, usage, elapsedMs };
  }

  private checkCancelled(): void {
    if (this.abort.signal.aborted) throw new Cancelled('cancelled');
  }

  /** An action in flight finishes on its own (it holds the computer's queue briefly); the run does not wait for it. */
  private cancellable<T>(p: Promise<T>): Promise<T> {
    const signal = this.abort.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Cancelled('cancelled'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async tool(name: string, input: Record<string, unknown>): Promise<ToolOutput> {
    try {
      if (name === 'computer') return await this.computer.run(input as unknown as ComputerInput, this.abort.signal);
      if (name === 'bash') {
        this.inBash = true;
        try {
          return await this.shell.bash(input);
        } finally {
          this.inBash = false;
        }
      }
      if (name === 'str_replace_based_edit_tool' || name === 'str_replace_editor') return await this.shell.edit(input);
      return { error: `There is no tool named ${name}.` };
    } catch (e) {
      if (e instanceof ToolInputError) return { error: e.message };
      throw e;
    }
  }

  private limitReached(): StopReason | null {
    const l = this.s.limits;
    if (this.steps >= l.maxSteps) return 'max_steps';
    const u = this.usage;
    if (u.input + u.cacheWrite + u.cacheRead + u.output >= l.tokenBudget) return 'token_budget';
    if (performance.now() - this.started >= l.timeLimitMs) return 'time_limit';
    return null;
  }

  private record(r: { kind: ThreadStep['kind']; text?: string; action?: string; input?: Record<string, unknown>; x?: number; y?: number; result?: string | null; error?: string; thumb?: Image; input_tokens?: number; output_tokens?: number; model_ms?: number }): number {
    const n = this.stepN++;
    const row = this.s.store.addStep({
      thread_id: this.s.threadId,
      n,
      kind: r.kind,
      text: r.text ?? null,
      action: r.action ?? null,
      input: r.input ? JSON.stringify(r.input) : null,
      x: r.x ?? null,
      y: r.y ?? null,
      result: r.result ?? null,
      error: r.error ?? null,
      thumb: r.thumb ? encodePng(r.thumb) : null,
      input_tokens: r.input_tokens ?? 0,
      output_tokens: r.output_tokens ?? 0,
      model_ms: r.model_ms ?? null,
      host_ms: null,
    });
    this.emitEvent({ type: 'step', thread_id: this.s.threadId, step: stepView(row, true) });
    return n;
  }
}

const LIMIT_WORDS: Record<string, string> = {
  max_steps: 'the run reached max_steps',
  token_budget: 'the run used up its token budget',
  time_limit: 'the run reached its time limit',
};

function image(shot: Shot): BetaContentBlockParam {
  return { type: 'image', source: { type: 'base64', media_type: 'image/png', data: shot.png.toString('base64') } };
}

function toolResult(id: string, out: ToolOutput): BetaContentBlockParam {
  const content: Array<{ type: 'text'; text: string } | ReturnType<typeof image>> = [];
  const text = out.error ?? out.text;
  if (text) content.push({ type: 'text', text });
  if (out.image) content.push(image(out.image));
  return { type: 'tool_result', tool_use_id: id, is_error: out.error ? true : undefined, content: content as never };
}

/** Adds blocks as a user turn, joining the last turn when it is the user's already (the API wants turns to alternate). */
function appendUser(history: BetaMessageParam[], blocks: BetaContentBlockParam[]): void {
  const last = history[history.length - 1];
  if (last?.role === 'user') {
    const content = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
    last.content = [...content, ...blocks];
  } else history.push({ role: 'user', content: blocks });
}

/**
 * After a run stopped early, leaves the conversation so it can be continued: tool calls that got
 * no result get one saying they were not run, and the run's last word is the assistant's.
 */
function closeHistory(history: BetaMessageParam[], text: string): void {
  const last = history[history.length - 1];
  if (last?.role === 'assistant' && Array.isArray(last.content)) {
    const open = last.content.filter((b) => b.type === 'tool_use') as Array<{ id: string }>;
    if (open.length) appendUser(history, open.map((b) => ({ type: 'tool_result' as const, tool_use_id: b.id, is_error: true, content: 'Not run: the run stopped first.' })));
  }
  if (history[history.length - 1]?.role === 'assistant') return;
  history.push({ role: 'assistant', content: [{ type: 'text', text }] });
}

const PRUNED = { type: 'text' as const, text: '[an older screenshot, removed to save context]' };

/** Keeps the KEEP_IMAGES most recent screenshots; older ones are removed PRUNE_CHUNK at a time. */
export function pruneImages(history: BetaMessageParam[], keep = KEEP_IMAGES): void {
  const spots: Array<{ content: unknown[]; i: number }> = [];
  for (const m of history) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const b of m.content) {
      if (b.type === 'image') spots.push({ content: m.content, i: m.content.indexOf(b) });
      if (b.type === 'tool_result' && Array.isArray(b.content)) b.content.forEach((c, i) => c.type === 'image' && spots.push({ content: b.content as unknown[], i }));
    }
  }
  let remove = spots.length - keep;
  if (remove <= 0) return;
  remove -= remove % PRUNE_CHUNK;
  for (const spot of spots.slice(0, remove)) spot.content[spot.i] = PRUNED;
}

/** The history as stored: every screenshot as a line of text (a continued thread starts from a fresh one). Copies only what it changes. */
function storable(history: BetaMessageParam[]): BetaMessageParam[] {
  const strip = <T extends { type: string }>(blocks: T[]): T[] => blocks.map((b) => (b.type === 'image' ? (PRUNED as unknown as T) : b));
  return history.map((m) => {
    if (typeof m.content === 'string' || !Array.isArray(m.content)) return m;
    const content = strip(m.content as BetaContentBlockParam[]).map((b) => (b.type === 'tool_result' && Array.isArray(b.content) ? { ...b, content: strip(b.content) } : b));
    return { ...m, content } as BetaMessageParam;
  });
}
