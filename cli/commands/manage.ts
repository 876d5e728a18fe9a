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

async function offered<T>(what: string, server: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    // A missing route is the server's generic 404; a missing computer has its own code.
    if (e instanceof OrgoApiError && (e.status === 404 || e.status === 405) && (e.code === 'not_found' || e.code === undefined || /No such endpoint/i.test(e.message))) {
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
  const moved = await offered('moving computers', profile.baseUrl, () => client.request<Computer>('PATCH', `/computers/${encodeURIComponent(c.id)}/move`, { workspace_id: ws.id }));
  await done(ctx, moved, `Moved to ${ws.name}:`);
}

export async function resize(ctx: Ctx, wanted: string): Promise<void> {
  const o = ctx.opts;
  const body: Record<string, number> = {};
  if (o.cpu !== undefined) body.vcpus = positive('--cpu', o.cpu);
  if (o.ram !== undefined) body.mem_gb = positive('--ram', o.ram);
  if (o.disk !== undefined) body.disk_size_gb = positive('--disk', o.disk);
  if (!Object.keys(body).length) throw new UsageError('Say what to change: --cpu, --ram or --disk');
  const { client, profile } = await ctx.connect();
  const c = await findComputer(client, wanted);
  const after = await offered('resizing computers', profile.baseUrl, () => client.request<Computer>('PATCH', `/computers/${encodeURIComponent(c.id)}/resize`, body));
  await done(ctx, after, 'Resized');
}
