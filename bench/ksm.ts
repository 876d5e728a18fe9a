/** The kernel's same-page merging (KSM) as the bench sees it: how far ksmd got and what it costs. */
import { readdirSync, readFileSync } from 'node:fs';

const ROOT = '/sys/kernel/mm/ksm';

export interface KsmState {
  on: boolean;
  fullScans: number;
  /** Pages that point at a merged page (the saving, in pages), and the merged pages themselves. */
  pagesSharing: number;
  pagesShared: number;
  /** ksmd's CPU time so far, in clock ticks. */
  ksmdTicks: number;
}

function num(name: string): number {
  try {
    return Number(readFileSync(`${ROOT}/${name}`, 'utf8').trim());
  } catch {
    return 0;
  }
}

let ksmdPid: number | undefined;
function ksmdTicks(): number {
  try {
    ksmdPid ??= Number(readdirSync('/proc').find((p) => /^\d+$/.test(p) && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'ksmd'));
    const stat = readFileSync(`/proc/${ksmdPid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

export function ksmState(): KsmState {
  return { on: num('run') === 1, fullScans: num('full_scans'), pagesSharing: num('pages_sharing'), pagesShared: num('pages_shared'), ksmdTicks: ksmdTicks() };
}

/** Waits until ksmd has made `passes` full scans from now (what a page needs to be merged), at most `maxMs`. */
export async function ksmSettled(passes: number, maxMs: number): Promise<KsmState> {
  const start = ksmState();
  const until = performance.now() + maxMs;
  while (start.on && ksmState().fullScans < start.fullScans + passes && performance.now() < until) await new Promise((r) => setTimeout(r, 1000));
  return ksmState();
}
