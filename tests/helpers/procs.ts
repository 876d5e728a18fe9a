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
  // A child the process forked and has not yet exec'd carries its name and environment: Xvnc
  // forks one to run xkbcomp around the time the computer is running. It is not a second X server.
  const parents = new Map(out.map((pid) => [pid, parentOf(pid)]));
  return out.filter((pid) => !out.includes(parents.get(pid) ?? -1));
}

/** The parent's pid, from /proc/PID/stat; undefined once the process is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `leader` and every process under it, with its command name (the user's session carries no ORGO_INSTANCE_ID). */
export function processTreeOf(leader: number): Array<{ pid: number; comm: string }> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: Array<{ pid: number; comm: string }> = [];
  for (const queue = [leader]; queue.length; ) {
    const pid = queue.shift()!;
    try {
      out.push({ pid, comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() });
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Pids of the hosts serving `dataDir` (`--data-dir DIR` on their command line): a built-in host the app started. */
export function hostsOn(dataDir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const i = argv.indexOf('--data-dir');
      if (i >= 0 && argv[i + 1] === dataDir) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** What is mounted under `dir`, outermost first (unmount in reverse). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));
}
