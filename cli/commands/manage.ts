/**
 * clone, move and resize: endpoints not every server has (Orgo documents them; this project's
 * host gains them in its own branch). A server without one answers 404 for the route itself,
 * which is said in words rather than as "not found".
 */
import { OrgoApiError, type OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import type { Ctx } from '../context.js';
import { CliError, UsageError } from '../fail.js';
import { printJson, say, spinner, status } from '../output.js';
import { findComputer, findWorkspace } from '../resolve.js';

export async function offered<T>(what: string, server: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    // A missing route: this host's "No such endpoint", or a page that is not the API's JSON.
    // (A missing computer is a 404 too, in words of its own; it was looked up just before.)
    if (e instanceof OrgoApiError && (e.status === 404 || e.status === 405) && (e.code === undefined || /No such endpoint/i.test(e.message))) {
      throw new CliError(`${server} does not offer ${what} (it answered ${e.status} for the endpoint)`, 1, 'not_offered');
    }
    throw e;
  }
}

const positive = (flag: string, v: unknown) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number, not "${v}"`);
  return n;
};

async function done(ctx: Ctx, c: Computer, words: string): Promise<void> {
  if (ctx.out.json) return printJson(c);
  say(ctx.out, `${words} ${c.name} (${c.id}), ${status(ctx.out, c.status)}.`);
}

export async function clone(ctx: Ctx, wanted: string): Promise<void> {
  const { client, profile } = await ctx.connect();
  const c = await findComputer(client, wanted);
  const spin = spinner(ctx.out, `Cloning ${c.name}…`);
  const copy = await offered('cloning computers', profile.baseUrl, () =>
    (client as OrgoClient).request<Computer>('POST', `/computers/${encodeURIComponent(c.id)}/clone`, ctx.opts.name ? { name: ctx.opts.name } : {}),
  ).finally(() => spin.stop());
  await done(ctx, copy, 'Cloned into');
}

export async function move(ctx: Ctx, wanted: string): Promise<void> {
  const { client, profile } = await ctx.connect();
  const c = await findComputer(client, wanted);
  const ws = await findWorkspace(client, String(ctx.opts.workspace));
  const answer = await offered('moving computers', profile.baseUrl, () => client.request<Record<string, unknown>>('PATCH', `/computers/${encodeURIComponent(c.id)}/move`, { workspace_id: ws.id }));
  if (ctx.out.json) return printJson(answer);
  say(ctx.out, `Moved ${c.name} to workspace ${ws.name}.`);
}

interface FieldResult {
  requested: number | null;
  applied: number | null;
  ok: boolean;
  error: string | null;
  takes_effect?: 'now' | 'next_start';
}

const FIELD_WORDS: Record<string, string> = { vcpus: 'CPU', mem_gb: 'RAM (GB)', disk_size_gb: 'disk (GB)', bandwidth_limit_mbps: 'bandwidth (Mbit/s)', auto_stop_minutes: 'auto-stop (min)' };

export async function resize(ctx: Ctx, wanted: string): Promise<number> {
  const o = ctx.opts;
  const body: Record<string, number> = {};
  if (o.cpu !== undefined) body.vcpus = positive('--cpu', o.cpu);
  if (o.ram !== undefined) body.mem_gb = positive('--ram', o.ram);
  if (o.disk !== undefined) body.disk_size_gb = positive('--disk', o.disk);
  if (!Object.keys(body).length) throw new UsageError('Say what to change: --cpu, --ram or --disk');
  const { client, profile } = await ctx.connect();
  const c = await findComputer(client, wanted);
  // The answer says, field by field, what was applied and when it takes effect.
  const answer = await offered('resizing computers', profile.baseUrl, () =>
    client.request<{ results?: Record<string, FieldResult> } & Record<string, unknown>>('PATCH', `/computers/${encodeURIComponent(c.id)}/resize`, body),
  );
  const results = Object.entries(answer.results ?? {});
  if (ctx.out.json) printJson(answer);
  else if (!results.length) say(ctx.out, `Resized ${c.name}.`);
  else
    for (const [field, r] of results) {
      const what = FIELD_WORDS[field] ?? field;
      say(ctx.out, r.ok ? `${what}: ${r.applied}${r.takes_effect === 'next_start' ? ' (from the next start)' : ''}` : `${what}: not changed (${r.error})`);
    }
  return results.some(([, r]) => !r.ok) ? 1 : 0;
}
