/**
 * CPU and memory limits that hold: one cgroup per computer, on either hierarchy.
 *
 * - cgroup v2 (a normal Debian/Ubuntu host, systemd or a container with its own cgroup
 *   namespace): `cpu.max`, `memory.max` (and `memory.swap.max` 0, so a limit is not
 *   swap in disguise), `memory.events`' oom_kill for the kill event. The host works only inside
 *   its own cgroup, the subtree systemd delegates to a service (`Delegate=yes`, or
 *   `Delegate=cpu memory`) or to a user's session; never in its parent (a slice systemd owns) and
 *   never at the root unless it runs there (a container with its own cgroup namespace). A cgroup
 *   with processes cannot hand controllers to children ("no internal processes"), so the host
 *   first moves its cgroup's processes into a leaf `orgo-<tag>-host` beside the computers'
 *   folder, as systemd's delegation documentation asks, then enables +cpu +memory in its
 *   cgroup's `cgroup.subtree_control` and in the computers' folder. Without cpu and memory in its
 *   cgroup's `cgroup.controllers` (not delegated) limits are off, said once, not half applied.
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

/** What the host found: the hierarchy, its mounts, and for v2 the mount point (its root). */
export interface Layout {
  hierarchy: Hierarchy;
  list: Mount[];
  v2Root?: string;
}

/** A v2 layout: the hierarchy mounted at `point`, the host's own group at `own` (a path in it, as /proc/self/cgroup's `0::` line says). */
export function v2Layout(point: string, own: string): Layout {
  const controllers = readFileSync(join(point, own, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
  return { hierarchy: 'v2', list: [{ controllers, own: join(point, own) }], v2Root: point };
}

/** The cgroup mounts this process sees, with its own group in each. */
function mounts(): Layout {
  const info = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const own = new Map<string, string>(); // controllers key ('' for v2) -> own path
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, ctrls, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path !== undefined) own.set(ctrls!, path);
  }
  const v2 = info.map((l) => l.split(' - ')).find(([a, b]) => b?.startsWith('cgroup2 ') && a!.split(' ')[4] === '/sys/fs/cgroup');
  if (v2) {
    const root = v2[0]!.split(' ')[3]!;
    const path = own.get('') ?? '/';
    return v2Layout('/sys/fs/cgroup', path.startsWith(root) ? path.slice(root.length) || '/' : path);
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

  private readonly v2Root?: string;

  /** `layout`: what the host runs in (found from /proc/self by default; a test gives its own). */
  constructor(private readonly tag: string, layout?: Layout) {
    let found: Layout;
    try {
      found = layout ?? mounts();
    } catch (e) {
      log.warn(`no cgroups: ${(e as Error).message}`);
      found = { hierarchy: 'none', list: [] };
    }
    this.hierarchy = found.hierarchy;
    this.v2Root = found.v2Root;
    for (const m of found.list) this.bases.push({ controllers: m.controllers, dir: join(m.own, `orgo-${tag}`) });
  }

  get enforced(): boolean {
    return this.hierarchy !== 'none';
  }

  /**
   * Makes the folders; leftovers of a host that crashed on this data dir are removed when empty.
   * Throws when the limits cannot hold here (v2 without cpu and memory delegated).
   */
  init(): void {
    for (const b of this.bases) {
      if (this.hierarchy === 'v2') this.delegate(dirname(b.dir), b.controllers);
      mkdirSync(b.dir, { recursive: true });
      if (this.hierarchy === 'v2') enableControllers(b.dir);
      for (const child of readdirSync(b.dir, { withFileTypes: true })) {
        if (child.isDirectory()) tryRmdir(join(b.dir, child.name));
      }
    }
  }

  /** v2: the host's own group hands cpu and memory down (see the top of this file). */
  private delegate(own: string, controllers: string[]): void {
    const missing = ['cpu', 'memory'].filter((c) => !controllers.includes(c));
    if (missing.length) {
      throw new Error(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not delegated to ${own} (its cgroup.controllers has ${controllers.join(' ') || 'none'}); under systemd give the host's unit Delegate=cpu memory`);
    }
    const enabled = () => readFileSync(join(own, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
    if (['cpu', 'memory'].every((c) => enabled().includes(c))) return;
    if (own !== this.v2Root) {
      // The root may hold processes beside enabled controllers; any other group may not.
      const leaf = join(own, `orgo-${this.tag}-host`);
      mkdirSync(leaf, { recursive: true });
      for (const pid of readFileSync(join(own, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try {
          write(join(leaf, 'cgroup.procs'), pid);
        } catch {
          /* ended meanwhile, or a kernel thread: the enable below says if it matters */
        }
      }
    }
    write(join(own, 'cgroup.subtree_control'), '+cpu +memory');
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
  try {
    // One write, as one change (the kernel takes a list); one by one if that is refused.
    write(join(dir, 'cgroup.subtree_control'), '+cpu +memory');
    return;
  } catch {
    /* below */
  }
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
