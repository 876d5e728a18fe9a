/** api-keys / keys: list, create (the key is shown once), delete. */
import type { Ctx } from '../context.js';
import { CliError } from '../fail.js';
import { note, paint, printJson, say, table } from '../output.js';
import { confirm } from '../prompt.js';
import { findWorkspace } from '../resolve.js';
import { ago } from '../units.js';

export async function list(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const keys = await client.listKeys();
  if (ctx.out.json) return printJson(keys);
  table(ctx.out, ['NAME', 'PREFIX', 'SCOPE', 'ID', 'LAST USED', 'CREATED'], keys.map((k) => [k.name, k.prefix, k.scope === 'workspace' ? `workspace ${k.workspace_id}` : 'account', k.id, ago(k.last_used_at), ago(k.created_at)]));
}

export async function create(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const ws = ctx.opts.workspace ? await findWorkspace(client, String(ctx.opts.workspace)) : undefined;
  const k = await client.createKey({ name: String(ctx.opts.name), workspace_id: ws?.id });
  if (ctx.out.json) return printJson(k);
  say(ctx.out, k.key);
  note(paint({ color: ctx.out.color && ctx.out.errTty }, 'yellow', `Created ${k.name} (${k.scope === 'workspace' ? `workspace ${ws!.name}` : 'account-wide'}). The key above is shown only now: keep it somewhere safe.`));
}

export async function remove(ctx: Ctx, wanted: string): Promise<number> {
  const { client } = await ctx.connect();
  const keys = await client.listKeys();
  const matches = keys.filter((k) => k.id === wanted || k.name === wanted);
  if (matches.length !== 1) throw new CliError(matches.length ? `${matches.length} keys are named "${wanted}": use the id` : `No API key "${wanted}"`, 1, matches.length ? 'ambiguous_name' : 'key_not_found');
  const k = matches[0]!;
  if (!ctx.opts.yes && !(await confirm(`Delete API key ${k.name} (${k.prefix}…)? Programs using it stop working.`))) return 1;
  await client.deleteKey(k.id);
  if (ctx.out.json) printJson({ deleted: k.id });
  else say(ctx.out, `Deleted API key ${k.name}.`);
  return 0;
}
