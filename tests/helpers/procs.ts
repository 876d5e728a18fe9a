import { readdirSync, readFileSync } from 'node:fs';

/** Host pids of processes named `comm` that belong to the computer with this instance id. */
export function computerProcesses(instanceId: string, comm: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== comm) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (env.includes(`ORGO_INSTANCE_ID=${instanceId}`)) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}
