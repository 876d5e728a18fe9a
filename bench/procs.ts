/**
 * What a computer's processes cost, read from /proc: the `unshare` leader and all its
 * descendants, each with its memory (RSS, PSS, private) and CPU time so far.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcCost {
  pid: number;
  comm: string;
  rssKb: number;
  pssKb: number;
  /** Private_Clean + Private_Dirty: what this process alone holds. */
  privateKb: number;
  /** utime + stime, in clock ticks (100 a second on Linux). */
  cpuTicks: number;
}

export const TICKS_PER_S = 100;

/** pid → children, for the whole machine: build once and reuse for many computers. */
export function processTree(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(statFields(Number(name))[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* gone */
    }
  }
  return children;
}

/** The fields of /proc/pid/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function descendants(leader: number, tree = processTree()): number[] {
  const all: number[] = [];
  for (const queue = [leader]; queue.length; ) {
    const p = queue.shift()!;
    all.push(p);
    queue.push(...(tree.get(p) ?? []));
  }
  return all;
}

/** CPU ticks only (cheap: no smaps), for idle-CPU sampling across many computers. */
export function cpuTicks(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      const f = statFields(p);
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return sum;
}

export function processCosts(pids: number[]): ProcCost[] {
  const out: ProcCost[] = [];
  for (const pid of pids) {
    try {
      const roll = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(roll)?.[1] ?? 0);
      const f = statFields(pid);
      out.push({
        pid,
        comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
        rssKb: kb('Rss'),
        pssKb: kb('Pss'),
        privateKb: kb('Private_Clean') + kb('Private_Dirty'),
        cpuTicks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      /* gone, or a kernel thread without smaps */
    }
  }
  return out;
}

/** The memory the kernel says is still available (MemAvailable), in kB. */
export function memAvailableKb(): number {
  return Number(/^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
}

/** The machine's CPU time so far: busy and total jiffies over all cores. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = v.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3]! - n[4]!, total };
}
