/** run, agent, resume, sessions: AI agents on a computer, through the agent endpoint. */
import type { Ctx } from '../context.js';
import { CliError, UsageError } from '../fail.js';
import { onInterrupt } from '../interrupt.js';
import { paint, printJson, say, table } from '../output.js';
import { findComputer, needRunning } from '../resolve.js';
import { ago } from '../units.js';
import { AgentEndpointError } from './endpoint.js';
import { listSessions, loadSession, newSession, totalUsage, type Session } from './sessions.js';
import { printer, turn } from './turn.js';

const steps = (v: unknown) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--max-steps must be a whole number above 0');
  return n;
};

function failure(e: unknown): never {
  if (e instanceof AgentEndpointError) throw new CliError(e.message, 1, e.code);
  throw e;
}

export async function run(ctx: Ctx, prompt: string): Promise<number> {
  if (!prompt.trim()) throw new UsageError('Say what the agent should do: orgo run "…" --computer NAME');
  const maxSteps = steps(ctx.opts.maxSteps);
  const c = await ctx.connect();
  const pc = await findComputer(c.client, String(ctx.opts.computer));
  needRunning(pc);
  const s = newSession({ profile: c.profile.id, base_url: c.profile.baseUrl, computer: { id: pc.id, name: pc.name }, model: (ctx.opts.model as string) ?? null });
  const abort = new AbortController();
  const stop = onInterrupt(() => abort.abort());
  const started = performance.now();
  const r = await turn(c, s, prompt, { signal: abort.signal, maxSteps, on: ctx.out.json ? undefined : printer(ctx.out) });
  stop();
  if (r.error) {
    if (abort.signal.aborted) {
      process.stderr.write('\nStopped; the run was cancelled on the server.\n');
      return 130;
    }
    failure(r.error);
  }
  if (ctx.out.json) {
    printJson({ text: r.turn.text, tool_calls: r.turn.tool_calls, tool_results: r.turn.tool_results, usage: r.turn.usage, computer: s.computer, session: s.id, thread_id: s.thread_id });
  } else {
    if (!r.turn.text.endsWith('\n')) process.stdout.write('\n');
    // What the run cost and how to go on, for a person (stderr, so stdout stays the answer).
    if (ctx.out.errTty) {
      const n = r.turn.tool_calls.length;
      const tokens = r.turn.usage?.total_tokens ?? 0;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(paint({ color: ctx.out.color }, 'dim', `${n} step${n === 1 ? '' : 's'} · ${tokens.toLocaleString('en')} tokens · ${secs} s · continue with: orgo resume ${s.id}`) + '\n');
    }
  }
  return 0;
}

export async function sessions(ctx: Ctx): Promise<void> {
  const all = listSessions();
  if (ctx.out.json) return printJson(all.map((s) => ({ id: s.id, computer: s.computer, profile: s.profile, model: s.model, thread_id: s.thread_id, turns: s.turns.length, created_at: s.created_at, updated_at: s.updated_at, first_prompt: s.turns[0]?.prompt ?? null })));
  if (!all.length) return say(ctx.out, 'No sessions yet. Start one with: orgo agent --computer NAME');
  table(ctx.out, ['ID', 'COMPUTER', 'TURNS', 'UPDATED', 'FIRST PROMPT'], all.map((s) => [s.id, s.computer.name, String(s.turns.length), ago(s.updated_at), (s.turns[0]?.prompt ?? '').slice(0, 50)]));
}

export async function agent(ctx: Ctx): Promise<number> {
  const c = await ctx.connect();
  const pc = await findComputer(c.client, String(ctx.opts.computer));
  const s = newSession({ profile: c.profile.id, base_url: c.profile.baseUrl, computer: { id: pc.id, name: pc.name }, model: (ctx.opts.model as string) ?? null });
  const { chat } = await import('./tui.js');
  return chat(ctx, c, s, steps(ctx.opts.maxSteps));
}

export async function resume(ctx: Ctx, id?: string): Promise<number> {
  const s: Session | null = loadSession(id);
  if (!s) throw new CliError(id ? `No session "${id}" in ~/.orgo/sessions (see: orgo sessions)` : 'No sessions yet. Start one with: orgo agent --computer NAME', 1, 'session_not_found');
  if (ctx.opts.model) s.model = String(ctx.opts.model);
  const c = await ctx.connect();
  if (c.profile.id !== s.profile) process.stderr.write(`Note: this session was made on profile "${s.profile}"; continuing on "${c.profile.id}".\n`);
  const u = totalUsage(s);
  process.stderr.write(`Resuming ${s.id} on ${s.computer.name}: ${s.turns.length} turn${s.turns.length === 1 ? '' : 's'}, ${u.total_tokens} tokens so far.\n`);
  const { chat } = await import('./tui.js');
  return chat(ctx, c, s, undefined);
}
