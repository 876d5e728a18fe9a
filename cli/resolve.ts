/** Computers and workspaces named the way people name them: by id, or by name when it is unique. */
import type { OrgoClient } from '../shared/api/client.js';
import type { Computer, Workspace } from '../shared/api/types.js';
import { CliError } from './fail.js';

function pick<T extends { id: string; name: string }>(all: T[], wanted: string, what: string, describe: (x: T) => string): T {
  const byId = all.find((x) => x.id === wanted);
  if (byId) return byId;
  const byName = all.filter((x) => x.name === wanted);
  const loose = byName.length ? byName : all.filter((x) => x.name.toLowerCase() === wanted.toLowerCase());
  if (loose.length === 1) return loose[0]!;
  if (loose.length > 1) throw new CliError(`${loose.length} ${what}s are named "${wanted}": ${loose.map(describe).join(', ')}. Use the id.`, 1, 'ambiguous_name');
  const names = all.map((x) => x.name).slice(0, 10);
  throw new CliError(`No ${what} "${wanted}"${names.length ? `. ${what[0]!.toUpperCase()}${what.slice(1)}s: ${names.join(', ')}${all.length > 10 ? ', …' : ''}` : ''}`, 1, `${what}_not_found`);
}

export async function findComputer(client: OrgoClient, wanted: string): Promise<Computer> {
  return pick(await client.listComputers(), wanted, 'computer', (c) => `${c.id} (workspace ${c.workspace_id})`);
}

export async function findWorkspace(client: OrgoClient, wanted: string): Promise<Workspace> {
  return pick(await client.listWorkspaces(), wanted, 'workspace', (w) => w.id);
}

/** A running computer, or words saying how to start it. */
export function needRunning(c: Computer): void {
  if (c.status !== 'running') throw new CliError(`Computer "${c.name}" is ${c.status}. Start it with: orgo computers start ${c.name}`, 1, 'computer_not_running');
}
