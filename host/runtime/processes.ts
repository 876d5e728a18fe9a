/**
 * Processes named across host instances: a pid alone can be reused by an unrelated process once
 * its owner is gone, so a pid written down for a later host to find goes with the process's
 * start time (field 22 of /proc/PID/stat, in clock ticks since boot), and only a process with
 * both is taken to be the one written down.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** The start time of `pid`, or null when there is no such process (or only its zombie). */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** `pid start` for a file a later host reads with `readMark`. */
export function markOf(pid: number): string {
  return `${pid} ${startTime(pid) ?? '?'}\n`;
}

export function writeMark(file: string, pid: number): void {
  try {
    writeFileSync(file, markOf(pid), { mode: 0o600 });
  } catch {
    /* the folder went with the computer meanwhile */
  }
}

/** The pid a mark names if that very process still runs, else null. */
export function livePid(mark: string): number | null {
  const [pid, start] = mark.trim().split(' ');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 1 || !start) return null;
  return startTime(n) === start ? n : null;
}

export function readMark(file: string): number | null {
  try {
    return livePid(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/**
 * Ends processes a previous host left: first they get `graceMs` to end by themselves (a guest
 * whose host died has seen its stdin close and is stopping its desktop politely), then SIGKILL,
 * to their process group too (each computer's outermost process leads its own). Resolves once
 * all are gone, or after `graceMs` + 5 s with those still there.
 */
export async function endProcesses(pids: number[], graceMs: number): Promise<number[]> {
  const marks = new Map(pids.map((p) => [p, startTime(p)] as const));
  const alive = () => [...marks].filter(([p, s]) => s !== null && startTime(p) === s).map(([p]) => p);
  const wait = async (ms: number) => {
    for (const until = Date.now() + ms; alive().length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 25));
  };
  await wait(graceMs);
  for (const pid of alive()) {
    signal(-pid, 'SIGKILL');
    signal(pid, 'SIGKILL');
  }
  await wait(5000);
  return alive();
}
