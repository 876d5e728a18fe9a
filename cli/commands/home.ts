/** Bare `orgo`: who is signed in where, their workspaces and most recent computers. */
import type { Ctx } from '../context.js';
import { keyFor, place } from '../connect.js';
import { lightFetch } from '../http-fetch.js';
import { OrgoClient } from '../../shared/api/client.js';
import { paint, printJson, say, status, table } from '../output.js';
import { ago } from '../units.js';

export async function home(ctx: Ctx): Promise<number> {
  const p = place(ctx.profile);
  ctx.server = p.profile.baseUrl;
  const k = await keyFor(p);
  const { out } = ctx;
  if (!k) {
    if (out.json) printJson({ profile: p.profile, signed_in: false, workspaces: [], computers: [] });
    else {
      say(out, `${paint(out, 'bold', p.profile.name)}  ${p.profile.baseUrl}`);
      say(out, `Not signed in. Run ${paint(out, 'cyan', 'orgo login')}, or ${paint(out, 'cyan', 'orgo --help')} for every command.`);
    }
    return 0;
  }
  if (p.profile.id === 'local') await p.localHost.ensure();
  const client = new OrgoClient({ baseUrl: p.profile.baseUrl, apiKey: k.key, fetch: lightFetch });
  const [workspaces, computers] = await Promise.all([client.listWorkspaces(), client.listComputers()]);
  const recent = [...computers].sort((a, b) => Date.parse(b.updated_at ?? b.created_at) - Date.parse(a.updated_at ?? a.created_at)).slice(0, 5);
  if (out.json) {
    printJson({ profile: p.profile, signed_in: true, key_source: k.source, workspaces, computers: recent });
    return 0;
  }
  const wsName = new Map(workspaces.map((w) => [w.id, w.name]));
  say(out, `${paint(out, 'bold', p.profile.name)}  ${p.profile.baseUrl}  ${paint(out, 'dim', `(key from ${k.source})`)}`);
  say(out, '');
  say(out, paint(out, 'bold', `Workspaces (${workspaces.length})`));
  if (workspaces.length) say(out, workspaces.map((w) => `  ${w.name}  ${paint(out, 'dim', `${w.computer_count} computer${w.computer_count === 1 ? '' : 's'}`)}`).join('\n'));
  else say(out, '  none yet: orgo ws create NAME');
  say(out, '');
  say(out, paint(out, 'bold', `Recent computers (${recent.length} of ${computers.length})`));
  if (recent.length) table(out, ['NAME', 'STATUS', 'WORKSPACE', 'UPDATED'], recent.map((c) => [c.name, status(out, c.status), wsName.get(c.workspace_id) ?? c.workspace_id, ago(c.updated_at ?? c.created_at)]));
  else say(out, '  none yet: orgo computers create');
  say(out, '');
  say(out, paint(out, 'dim', 'orgo --help lists every command.'));
  return 0;
}
