/** files: upload (with progress, onto a computer's Desktop), list, download, export, delete. */
import { basename } from 'node:path';
import type { Ctx } from '../context.js';
import { CliError } from '../fail.js';
import { onInterrupt } from '../interrupt.js';
import { printJson, progress, say, table } from '../output.js';
import { findComputer, findWorkspace } from '../resolve.js';
import { ago, formatBytes } from '../units.js';

export async function upload(ctx: Ctx, file: string): Promise<number> {
  const { client } = await ctx.connect();
  const c = ctx.opts.computer ? await findComputer(client, String(ctx.opts.computer)) : undefined;
  const ws = ctx.opts.workspace ? await findWorkspace(client, String(ctx.opts.workspace)) : undefined;
  if (!c && !ws) throw new CliError('Say where it goes: --computer NAME (onto its Desktop) or --workspace NAME', 2, 'usage');
  const bar = progress(ctx.out, `Uploading ${basename(file)}`);
  const abort = new AbortController();
  const stop = onInterrupt(() => abort.abort());
  try {
    const f = await client.uploadFile(file, { desktopId: c?.id, workspaceId: ws?.id ?? c?.workspace_id, onProgress: (p) => bar.update(p.sent, p.total), signal: abort.signal });
    bar.done(`Uploaded ${f.name} (${formatBytes(f.size)})${f.desktop_path ? ` to ${c!.name}:${f.desktop_path}` : ''}.`);
    if (ctx.out.json) printJson(f);
    return 0;
  } catch (e) {
    if (abort.signal.aborted) {
      bar.done('Upload cancelled; the server discards what it received.');
      return 130;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`No such file: ${file}`, 1, 'no_such_file');
    throw e;
  } finally {
    stop();
  }
}

export async function list(ctx: Ctx): Promise<void> {
  const { client } = await ctx.connect();
  const c = ctx.opts.computer ? await findComputer(client, String(ctx.opts.computer)) : undefined;
  const ws = ctx.opts.workspace ? await findWorkspace(client, String(ctx.opts.workspace)) : undefined;
  let files;
  if (c || ws) files = await client.listFiles({ desktopId: c?.id, workspaceId: ws?.id ?? c?.workspace_id });
  else files = (await Promise.all((await client.listWorkspaces()).map((w) => client.listFiles({ workspaceId: w.id })))).flat();
  if (ctx.out.json) return printJson(files);
  if (!files.length) return say(ctx.out, 'No files.');
  table(ctx.out, ['NAME', 'SIZE', 'ID', 'ON COMPUTER', 'CREATED'], files.map((f) => [f.name, formatBytes(f.size), f.id, f.desktop_path ?? f.desktop_id ?? '-', ago(f.created_at)]));
}

async function save(ctx: Ctx, id: string, to: string): Promise<number> {
  const { client } = await ctx.connect();
  const bar = progress(ctx.out, `Downloading ${basename(to)}`);
  const abort = new AbortController();
  const stop = onInterrupt(() => abort.abort());
  try {
    const n = await client.downloadFile(id, to, { onProgress: (p) => p.total && bar.update(p.received, p.total), signal: abort.signal });
    bar.done(`Saved ${to} (${formatBytes(n)}).`);
    return n;
  } finally {
    stop();
  }
}

export async function download(ctx: Ctx, id: string): Promise<void> {
  const { client } = await ctx.connect();
  const meta = await client.downloadUrl(id);
  const to = (ctx.opts.output as string | undefined) ?? meta.name;
  const bytes = await save(ctx, id, to);
  if (ctx.out.json) printJson({ path: to, bytes, file: meta });
}

export async function exportFile(ctx: Ctx, wanted: string, path: string): Promise<void> {
  const { client } = await ctx.connect();
  const c = await findComputer(client, wanted);
  const inside = path.startsWith('/') ? path : `/home/user/${path}`;
  const f = await client.exportFile(c.id, inside);
  const to = (ctx.opts.output as string | undefined) ?? f.name;
  const bytes = await save(ctx, f.id, to);
  if (ctx.out.json) printJson({ path: to, bytes, file: f });
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  const { client } = await ctx.connect();
  await client.deleteFile(id);
  if (ctx.out.json) return printJson({ deleted: id });
  say(ctx.out, `Deleted file ${id}.`);
}
