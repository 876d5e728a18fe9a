/**
 * CPU and memory limits that hold: one cgroup per computer, on either hierarchy.
 *
 * - cgroup v2 (a normal Debian/Ubuntu host, systemd or a container with its own cgroup
 *   namespace): `cpu.max`, `memory.max` (and `memory.swap.max` 0, so a limit is not
 *   swap in disguise). A cgroup with processes cannot also hand controllers to children, so the
 *   computers' folder is a sibling of the host's own cgroup (or under the root when the host is
 *   at the root, as in a container).
 * - cgroup v1 (machines without systemd as pid 1, like these): the CFS quota in the `cpu`
 *   controller, `memory.limit_in_bytes` (and `memsw` when swap accounting is on), and `cpuacct`
 *   for the usage. v1 allows processes beside child groups, so the computers' folder sits under
 *   the host's own group and stays inside whatever limits the host itself has.
 *
 * The folder is `orgo-<tag>` (tag of the data dir, as the network's names), one child per
 * computer, removed when the computer stops; the host's exit removes the folder.
 * The memory controller kills inside the computer only when it is over: the kernel picks the
 * biggest process of the group, and `oomKills` counts what it did.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { logger } from '../../shared/node/log.js';
import { runTool } from './run.js';

const log = logger('cgroups');
const PERIOD_US = 100_000;

export type Hierarchy = 'v2' | 'v1' | 'none';

export interface Limits {
  vcpus: number;
  memGb: number;
}

export interface OomKill {
  /** The killed process's name (comm) and its pid as the host sees it. */
  process: string;
  pid: number;
  rss_mb: number | null;
}

interface Mount {
  controllers: string[];
  /** The folder of the host's own group in this hierarchy. */
  own: string;
}

/** The cgroup mounts this process sees, with its own group in each. */
function mounts(): { hierarchy: Hierarchy; list: Mount[] } {
  const info = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const own = new Map<string, string>(); // controllers key ('' for v2) -> own path
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, ctrls, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path !== undefined) own.set(ctrls!, path);
  }
  const v2 = info.map((l) => l.split(' - ')).find(([a, b]) => b?.startsWith('cgroup2 ') && a!.split(' ')[4] === '/sys/fs/cgroup');
  if (v2) {
    const point = '/sys/fs/cgroup';
    const root = v2[0]!.split(' ')[3]!;
    const controllers = readFileSync(`${point}/cgroup.controllers`, 'utf8').trim().split(/\s+/);
    const path = own.get('') ?? '/';
    return { hierarchy: 'v2', list: [{ controllers, own: join(point, path.startsWith(root) ? path.slice(root.length) : path) }] };
  }
  const list: Mount[] = [];
  for (const l of info) {
    const [pre, post] = l.split(' - ');
    if (!post?.startsWith('cgroup ')) continue;
    const [, , , root, point] = pre!.split(' ') as [string, string, string, string, string];
    const opts = post.split(' ')[2]!.split(',');
    const controllers = opts.filter((o) => ['cpu', 'cpuacct', 'memory'].includes(o));
    if (!controllers.length) continue;
    const key = [...own.keys()].find((k) => k.split(',').some((c) => controllers.includes(c)));
    // Inside a cgroup namespace the mount's root is the host's own group already.
    const path = key !== undefined ? own.get(key)! : '/';
    list.push({ controllers, own: join(point, path.startsWith(root) ? path.slice(root.length) : path) });
  }
  const has = (c: string) => list.some((m) => m.controllers.includes(c));
  return has('cpu') && has('memory') ? { hierarchy: 'v1', list } : { hierarchy: 'none', list: [] };
}

const write = (path: string, value: string | number) => writeFileSync(path, String(value));

export class HostCgroups {
  readonly hierarchy: Hierarchy;
  /** Per mount: the folder holding this host's computers. */
  private readonly bases: Array<{ controllers: string[]; dir: string }> = [];

  constructor(tag: string) {
    let found: ReturnType<typeof mounts>;
    try {
      found = mounts();
    } catch (e) {
      log.warn(`no cgroups: ${(e as Error).message}`);
      found = { hierarchy: 'none', list: [] };
    }
    this.hierarchy = found.hierarchy;
    for (const m of found.list) {
      let parent = m.own;
      if (this.hierarchy === 'v2' && m.own !== '/sys/fs/cgroup') {
        parent = dirname(m.own);
      }
      this.bases.push({ controllers: m.controllers, dir: join(parent, `orgo-${tag}`) });
    }
  }

  get enforced(): boolean {
    return this.hierarchy !== 'none';
  }

  /** Makes the folders; leftovers of a host that crashed on this data dir are removed when empty. */
  init(): void {
    for (const b of this.bases) {
      if (this.hierarchy === 'v2') enableControllers(dirname(b.dir));
      mkdirSync(b.dir, { recursive: true });
      if (this.hierarchy === 'v2') enableControllers(b.dir);
      for (const child of readdirSync(b.dir, { withFileTypes: true })) {
        if (child.isDirectory()) tryRmdir(join(b.dir, child.name));
      }
    }
  }

  /** The computers' groups left in this host's folders (a host of this data dir that died). */
  leftoverGroups(): string[] {
    const out: string[] = [];
    for (const b of this.bases) {
      try {
        for (const child of readdirSync(b.dir, { withFileTypes: true })) if (child.isDirectory()) out.push(join(b.dir, child.name));
      } catch {
        /* no folder: nothing left */
      }
    }
    return out;
  }

  /** Every process still in a leftover group: what a dead host's computers still run. */
  leftoverPids(): number[] {
    const pids = new Set<number>();
    for (const d of this.leftoverGroups()) {
      try {
        for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (p) pids.add(Number(p));
      } catch {
        /* gone meanwhile */
      }
    }
    return [...pids];
  }

  /** Removes the leftover groups once their processes are gone; answers those that stay (still busy). */
  async clearLeftovers(): Promise<string[]> {
    const stay: string[] = [];
    for (const d of this.leftoverGroups()) {
      for (let i = 0; i < 40 && existsSync(d) && !tryRmdir(d); i++) await new Promise((r) => setTimeout(r, 25));
      if (existsSync(d)) stay.push(d);
    }
    return stay;
  }

  private dirs(computerId: string): string[] {
    return this.bases.map((b) => join(b.dir, computerId));
  }

  /** The `cgroup.procs` files a starting computer's first process writes itself into. */
  create(computerId: string, limits: Limits): string[] {
    if (!this.enforced) return [];
    for (const d of this.dirs(computerId)) {
      tryRmdir(d);
      mkdirSync(d, { recursive: true });
    }
    this.apply(computerId, limits, null);
    return this.dirs(computerId).map((d) => join(d, 'cgroup.procs'));
  }

  /** Sets the limits, live; `previous` orders the v1 memory writes (memsw must stay ≥ the limit). */
  apply(computerId: string, limits: Limits, previous: Limits | null): void {
    if (!this.enforced) return;
    const mem = Math.round(limits.memGb * 1024 ** 3);
    for (const [i, d] of this.dirs(computerId).entries()) {
      const ctrls = this.bases[i]!.controllers;
      if (this.hierarchy === 'v2') {
        write(join(d, 'cpu.max'), `${limits.vcpus * PERIOD_US} ${PERIOD_US}`);
        write(join(d, 'memory.max'), mem);
        if (existsSync(join(d, 'memory.swap.max'))) write(join(d, 'memory.swap.max'), 0);
        continue;
      }
      if (ctrls.includes('cpu')) {
        write(join(d, 'cpu.cfs_period_us'), PERIOD_US);
        write(join(d, 'cpu.cfs_quota_us'), limits.vcpus * PERIOD_US);
      }
      if (ctrls.includes('memory')) {
        const memsw = join(d, 'memory.memsw.limit_in_bytes');
        const order = existsSync(memsw) ? (previous && limits.memGb > previous.memGb ? [memsw, 'limit'] : ['limit', memsw]) : ['limit'];
        for (const f of order) write(f === 'limit' ? join(d, 'memory.limit_in_bytes') : f, mem);
      }
    }
  }

  /** Processes the memory controller has killed in the computer since its group was made. */
  oomKills(computerId: string): number {
    for (const [i, d] of this.dirs(computerId).entries()) {
      if (!this.bases[i]!.controllers.includes('memory')) continue;
      const file = this.hierarchy === 'v2' ? 'memory.events' : 'memory.oom_control';
      try {
        const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(d, file), 'utf8'));
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    }
    return 0;
  }

  /** CPU time used by the computer's processes, in microseconds (for tests and the bench). */
  cpuUsageUs(computerId: string): number | null {
    for (const [i, d] of this.dirs(computerId).entries()) {
      const ctrls = this.bases[i]!.controllers;
      try {
        if (this.hierarchy === 'v2') return Number(/^usage_usec (\d+)$/m.exec(readFileSync(join(d, 'cpu.stat'), 'utf8'))![1]);
        if (ctrls.includes('cpuacct')) return Math.round(Number(readFileSync(join(d, 'cpuacct.usage'), 'utf8')) / 1000);
      } catch {
        return null;
      }
    }
    return null;
  }

  /** The kernel's own account of what it killed in this computer's group, newest last. */
  async lastOomKill(computerId: string): Promise<OomKill | null> {
    const r = await runTool('dmesg', []);
    const lines = r.stdout.split('\n');
    let found: OomKill | null = null;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const m = /oom-kill:.*task_memcg=([^,]*),task=([^,]*),pid=(\d+)/.exec(l);
      if (!m || !m[1]!.endsWith(`/${computerId}`)) continue;
      const pid = Number(m[3]);
      const killed = lines.slice(i, i + 4).map((x) => new RegExp(`Killed process ${pid} \\(.*?\\).*anon-rss:(\\d+)kB`).exec(x)).find(Boolean);
      found = { process: m[2]!, pid, rss_mb: killed ? Math.round(Number(killed[1]) / 1024) : null };
    }
    return found;
  }

  /** The computer's groups go once its processes have (a few ms after its pid 1 exits). */
  async remove(computerId: string): Promise<void> {
    for (const d of this.dirs(computerId)) {
      for (let i = 0; i < 40 && existsSync(d) && !tryRmdir(d); i++) await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): void {
    for (const b of this.bases) tryRmdir(b.dir);
  }
}

function enableControllers(dir: string): void {
  for (const c of ['cpu', 'memory']) {
    try {
      write(join(dir, 'cgroup.subtree_control'), `+${c}`);
    } catch (e) {
      log.warn(`could not enable ${c} in ${dir}: ${(e as Error).message}`);
    }
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
