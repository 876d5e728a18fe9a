/** computers / c: list, create, get, start, stop, restart, delete. */
import { CPU_COUNTS, RAM_GB } from '../../shared/api/specs.js';
import type { Computer } from '../../shared/api/types.js';
import type { OrgoClient } from '../../shared/api/client.js';
import type { Ctx } from '../context.js';
import { UsageError } from '../fail.js';
import { paint, printJson, say, spinner, status, table, type Out } from '../output.js';
import { ask, canAsk, choose, confirm } from '../prompt.js';
import { findComputer, findWorkspace } from '../resolve.js';
import { ago } from '../units.js';

export async function list(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const wsId = ctx.opts.workspace ? (await findWorkspace(client, String(ctx.opts.workspace))).id : undefined;
  const all = await client.listComputers(wsId);
  if (ctx.out.json) return printJson(all);
  if (!all.length) return say(ctx.out, 'No computers yet. Create one with: orgo computers create');
  const names = new Map((await client.listWorkspaces()).map((w) => [w.id, w.name]));
  table(
    ctx.out,
    ['NAME', 'STATUS', 'WORKSPACE', 'CPU', 'RAM', 'SCREEN', 'ID', 'CREATED'],
    all.map((c) => [c.name, status(ctx.out, c.status), names.get(c.workspace_id) ?? c.workspace_id, String(c.cpu), `${c.ram} GB`, c.resolution.replace(/x\d+$/, ''), c.id, ago(c.created_at)]),
  );
}

function show(out: Out, c: Computer): void {
  if (out.json) return printJson(c);
  const rows: Array<[string, string]> = [
    ['name', paint(out, 'bold', c.name)],
    ['status', status(out, c.status) + (c.error_message ? ` (${c.error_message})` : '')],
    ['id', c.id],
    ['workspace', c.workspace_id],
    ['cpu', String(c.cpu)],
    ['ram', `${c.ram} GB`],
    ['disk', `${c.disk_size_gb} GB`],
    ['screen', c.resolution],
    ['auto-stop', c.auto_stop_minutes ? `${c.auto_stop_minutes} min` : 'never'],
    ['url', c.connection_url],
    ['created', c.created_at],
  ];
  for (const [k, v] of rows) say(out, `${paint(out, 'dim', k.padEnd(10))} ${v}`);
}

const num = (flag: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not "${v}"`);
  return n;
};

async function workspaceFor(ctx: Ctx, client: OrgoClient, interactive: boolean): Promise<string> {
  if (ctx.opts.workspace) return (await findWorkspace(client, String(ctx.opts.workspace))).id;
  const all = await client.listWorkspaces();
  if (all.length === 0) return (await client.createWorkspace('Default')).id;
  if (all.length === 1) return all[0]!.id;
  if (!interactive) throw new UsageError(`--workspace is needed: there are ${all.length} workspaces (${all.map((w) => w.name).join(', ')})`);
  const name = await choose('Workspace', all.map((w) => w.name), all[0]!.name);
  return all.find((w) => w.name === name)!.id;
}

export async function create(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const o = ctx.opts;
  const interactive = canAsk() && !ctx.out.json && (!o.name || !o.workspace);
  const workspace_id = await workspaceFor(ctx, client, interactive);
  let name = o.name as string | undefined;
  let ram = num('--ram', o.ram);
  let cpu = num('--cpu', o.cpu);
  if (interactive) {
    while (!name) {
      name = await ask('Name', undefined);
      if (!name) process.stderr.write('  a computer needs a name, for example agent-1\n');
    }
    ram ??= Number(await choose('RAM in GB', RAM_GB.map(String), '4'));
    cpu ??= Number(await choose('CPU cores', CPU_COUNTS.map(String), '2'));
  }
  if (!name) throw new UsageError('--name is needed (or run it on a terminal to be asked)');
  const spin = spinner(ctx.out, `Creating ${name}…`);
  let c: Computer;
  try {
    c = await client.createComputer({
      workspace_id,
      name,
      ram: ram as 4,
      cpu: cpu as 1,
      disk_size_gb: num('--disk', o.disk),
      resolution: o.resolution as string | undefined,
      auto_stop_minutes: num('--auto-stop', o.autoStop),
    });
  } finally {
    spin.stop();
  }
  if (ctx.out.json) return printJson(c);
  say(ctx.out, `${paint(ctx.out, 'green', '✓')} Created ${paint(ctx.out, 'bold', c.name)} (${c.id}), ${status(ctx.out, c.status)}. Try: orgo ssh ${c.name}`);
}

export async function get(ctx: Ctx, wanted: string): Promise<void> {
  const { client } = await ctx.connect();
  show(ctx.out, await client.getComputer((await findComputer(client, wanted)).id));
}

async function lifecycle(ctx: Ctx, wanted: string, verb: 'start' | 'stop' | 'restart'): Promise<void> {
  const { client } = await ctx.connect();
  const c = await findComputer(client, wanted);
  const spin = spinner(ctx.out, `${verb === 'stop' ? 'Stopping' : verb === 'start' ? 'Starting' : 'Restarting'} ${c.name}…`);
  let after: Computer;
  try {
    after = await (verb === 'start' ? client.startComputer(c.id) : verb === 'stop' ? client.stopComputer(c.id) : client.restartComputer(c.id));
  } finally {
    spin.stop();
  }
  if (ctx.out.json) return printJson(after);
  say(ctx.out, `${c.name} is ${status(ctx.out, after.status)}.`);
}

export const start = (ctx: Ctx, wanted: string) => lifecycle(ctx, wanted, 'start');
export const stop = (ctx: Ctx, wanted: string) => lifecycle(ctx, wanted, 'stop');
export const restart = (ctx: Ctx, wanted: string) => lifecycle(ctx, wanted, 'restart');

export async function remove(ctx: Ctx, wanted: string): Promise<number> {
  const { client } = await ctx.connect();
  const c = await findComputer(client, wanted);
  if (!ctx.opts.yes && !(await confirm(`Delete computer ${c.name} and everything on its disk?`))) {
    say(ctx.out, 'Kept it.');
    return 1;
  }
  await client.deleteComputer(c.id);
  if (ctx.out.json) printJson({ deleted: c.id, name: c.name });
  else say(ctx.out, `Deleted ${c.name}.`);
  return 0;
}
