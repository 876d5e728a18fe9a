/**
 * What a host that died without closing (SIGKILL, a crash, the OOM killer) left behind, found and
 * removed by the next host on the same data dir before it starts any computer of its own.
 *
 * Everything a host makes is named after its data dir, so the next one knows what is its own and
 * touches nothing else (other hosts run beside it on the same machine):
 * - processes: each computer's outermost process is written down as `run/INSTANCE/leader` and
 *   the guest zygote as `run/zygote.pid` (pid and start time, processes.ts); with limits on,
 *   every process of a computer is also in a group under `orgo-TAG`;
 * - cgroups: `orgo-TAG/COMPUTER_ID` on each hierarchy (cgroups.ts);
 * - network: links `ogTAGxxxxxx` (their /32 routes and tc qdiscs go with them) and the nftables
 *   table `inet orgo_TAG` (network.ts);
 * - mounts: the mount points in the folders where the host mounts (the computers' disk images
 *   on `computers/ID`; spare images are cleared by the spare pool itself, disk.ts).
 * TAG is a hash of the data dir's real path. The data dir's lock (host-lock.ts) makes sure no
 * live host holds it, so all of these are a dead host's. Hosts before this session named them
 * with a shorter tag (legacyHostTag, network.ts): what such a host left goes too.
 *
 * A computer's disk is never lost here: its image is only unmounted (after the processes that
 * wrote to it are gone, so the kernel has every write) and mounted afresh by the recovery, which
 * checks it first if the superblock says it needs it (disk.ts).
 */
import { readdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../../shared/node/log.js';
import { HostCgroups } from './cgroups.js';
import { mountsUnder, releaseMount } from './disk.js';
import { HostNetwork, legacyHostTag } from './network.js';
import { endProcesses, readMark } from './processes.js';

const log = logger('leftovers');
/** How long a dead host's guests get to end by themselves (they saw their stdin close). */
const GRACE_MS = 3000;

/** The file where a computer's outermost process is written down (run/INSTANCE/leader). */
export const LEADER_FILE = 'leader';
export const ZYGOTE_PID_FILE = 'zygote.pid';

/**
 * The processes a previous host wrote down and that still run. Read at once at host start,
 * before this host's own zygote writes its pid over the old one.
 */
export function writtenDownProcesses(dataDir: string): number[] {
  const runDir = join(dataDir, 'run');
  const pids: number[] = [];
  for (const name of safeList(runDir)) {
    const pid = readMark(name === ZYGOTE_PID_FILE ? join(runDir, name) : join(runDir, name, LEADER_FILE));
    if (pid !== null && pid !== process.pid) pids.push(pid);
  }
  return pids;
}

export interface Cleared {
  processes: number;
  mounts: string[];
  links: string[];
  cgroups: number;
}

export async function clearLeftovers(options: {
  dataDir: string;
  written: number[];
  cgroups?: HostCgroups;
  network?: HostNetwork;
}): Promise<Cleared> {
  const { dataDir, cgroups, network } = options;
  const real = realpathSync(dataDir);
  // The same, named as hosts of before named them.
  const legacy = legacyHostTag(dataDir);
  const allCgroups = cgroups ? [cgroups, new HostCgroups(legacy)] : [];
  const networks = network ? [network, new HostNetwork(dataDir, undefined, legacy)] : [];
  // Processes first: nothing may write to a disk while it is unmounted, or hold a namespace.
  const pids = [...new Set([...options.written, ...allCgroups.flatMap((c) => c.leftoverPids())])];
  const stuck = pids.length ? await endProcesses(pids, GRACE_MS) : [];
  if (stuck.length) log.warn(`processes a previous host left would not end: ${stuck.join(', ')}`);
  let groups = 0;
  for (const c of allCgroups) {
    groups += c.leftoverGroups().length;
    const busy = await c.clearLeftovers();
    if (busy.length) log.warn(`cgroups a previous host left are still busy: ${busy.join(', ')}`);
  }
  allCgroups[1]?.close(); // the old folders themselves (rmdir: only when empty)
  const links: string[] = [];
  for (const n of networks) links.push(...await n.clearLeftovers());
  const mounts: string[] = [];
  // Only where the host mounts things itself: a data dir may well sit on, or hold, mounts of the user's.
  const ours = ['computers', 'run', 'disks'].flatMap((d) => mountsUnder(join(real, d)));
  for (const dir of ours) {
    if (dir.startsWith(join(real, 'disks', 'spare-'))) continue; // the spare pool's own (disk.ts)
    try {
      await releaseMount(dir);
      mounts.push(dir);
    } catch (e) {
      log.warn(`could not unmount ${dir}, which a previous host left: ${(e as Error).message}`);
    }
  }
  // The runtime folders of computers that are no longer running, and half-made disk images
  // (a create or a clone the host died in; never a computer's image, which has no `.new`).
  for (const name of safeList(join(real, 'run'))) {
    if (!name.startsWith('zygote.')) rmSync(join(real, 'run', name), { recursive: true, force: true });
  }
  for (const name of safeList(join(real, 'disks'))) {
    if (name.endsWith('.img.new') && !name.startsWith('spare-')) rmSync(join(real, 'disks', name), { force: true });
  }
  const cleared = { processes: pids.length, mounts, links, cgroups: groups };
  if (pids.length || mounts.length || links.length || groups) {
    log.info(`cleared what the previous host on this data dir left: ${pids.length} process(es), ${mounts.length} mount(s), ${links.length} link(s), ${groups} cgroup(s)`);
  }
  return cleared;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
