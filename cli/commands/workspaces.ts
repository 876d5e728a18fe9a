/** workspaces / ws: list, create, delete. */
import type { Ctx } from '../context.js';
import { confirm } from '../prompt.js';
import { findWorkspace } from '../resolve.js';
import { printJson, say, table } from '../output.js';
import { ago } from '../units.js';

export async function list(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const all = await client.listWorkspaces();
  if (ctx.out.json) return printJson(all);
  if (!all.length) return say(ctx.out, 'No workspaces yet. Create one with: orgo ws create NAME');
  table(ctx.out, ['NAME', 'ID', 'COMPUTERS', 'CREATED'], all.map((w) => [w.name, w.id, String(w.computer_count), ago(w.created_at)]));
}

export async function create(ctx: Ctx, name: string): Promise<void> {
  const { client } = await ctx.connect();
  const w = await client.createWorkspace(name);
  if (ctx.out.json) return printJson(w);
  say(ctx.out, `Created workspace ${w.name} (${w.id}).`);
}

export async function remove(ctx: Ctx, wanted: string): Promise<number> {
  const { client } = await ctx.connect();
  const w = await findWorkspace(client, wanted);
  if (!ctx.opts.yes && !(await confirm(`Delete workspace ${w.name}${ctx.opts.force ? ` and its ${w.computer_count} computers` : ''}?`))) return 1;
  await client.deleteWorkspace(w.id, { force: !!ctx.opts.force });
  if (ctx.out.json) printJson({ deleted: w.id });
  else say(ctx.out, `Deleted workspace ${w.name}.`);
  return 0;
}
