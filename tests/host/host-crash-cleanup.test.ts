/**
 * A host killed with SIGKILL (none of its close runs) leaves its computers' mounts, cgroups,
 * links, firewall table and maybe processes; the next host on the same data dir removes exactly
 * those (other hosts run beside it on this machine), brings the computers back with their disks
 * intact, and its own normal close leaves nothing at all. One computer's processes are stopped
 * (SIGSTOP) before the kill, as a guest that hangs instead of ending when its host dies: the
 * next host must end them itself.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag } from '../../host/runtime/network.js';
import { startTime } from '../../host/runtime/processes.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { eventually, tempDataDir, TEST_KEY } from '../helpers/host.js';
import { processTreeOf } from '../helpers/procs.js';

const dataDir = tempDataDir('orgo-hostcrash-');
const real = realpathSync(dataDir);
const tag = hostTag(dataDir);
const hosts: HostProcess[] = [];
let stopped: number[] = [];

/** A tool's output, also when it exits non-zero (find meets folders it may not read). */
const sh = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
};

/** Everything of this data dir's hosts on the machine, as a person would list it. */
function resources() {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' '))
    .filter((f) => f[4]?.startsWith(`${real}/`)).map((f) => ({ id: f[0]!, point: f[4]! }));
  const links = [...sh('ip', ['-o', 'link', 'show']).matchAll(new RegExp(`^(\\d+): (og${tag}[0-9a-f]{6})[@:]`, 'gm'))]
    .map((m) => ({ index: m[1]!, name: m[2]! }));
  const netns = sh('ip', ['netns', 'list']).split('\n').filter((l) => l.includes(tag));
  const table = /# handle (\d+)/.exec(sh('nft', ['-a', 'list', 'table', 'inet', `orgo_${tag}`]))?.[1] ?? null;
  const qdiscs = links.flatMap((l) => sh('tc', ['qdisc', 'show', 'dev', l.name]).split('\n').filter((q) => q.includes('tbf')));
  const cgroupDirs = sh('find', ['/sys/fs/cgroup', '-maxdepth', '8', '-type', 'd', '-name', `orgo-${tag}`]).split('\n').filter(Boolean);
  const cgroups = cgroupDirs.flatMap((d) => [d, ...readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(d, e.name))]);
  const cgroupPids = cgroups.flatMap((d) => (existsSync(join(d, 'cgroup.procs')) ? readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number) : []));
  // Processes: the computers' (in their cgroups, and their leaders as written down) and the zygote.
  const processes = new Set<number>(cgroupPids);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`${real}/run/`) || readFileSync(`/proc/${name}/environ`, 'utf8').includes(`ORGO_RUN=${real}/run/`)) processes.add(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  const loops = sh('losetup', ['-n', '-O', 'BACK-FILE', '-l']).split('\n').filter((l) => l.includes(real));
  return { mounts, links, netns, table, qdiscs, cgroups, processes: [...processes].map((pid) => ({ pid, start: startTime(pid) })), loops };
}

/** When the ext4 filesystem in `image` was last mounted (its superblock's s_mtime), in Unix seconds. */
function lastMounted(image: string): number {
  const sb = Buffer.alloc(4);
  const fd = openSync(image, 'r');
  try {
    readSync(fd, sb, 0, 4, 1024 + 0x2c);
  } finally {
    closeSync(fd);
  }
  return sb.readUInt32LE(0);
}

async function hostOn(): Promise<{ host: HostProcess; client: OrgoClient }> {
  const host = await startHostProcess(dataDir, { stderr: process.env.HOSTCRASH_DEBUG ? 'inherit' : 'pipe' });
  hosts.push(host);
  return { host, client: new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY }) };
}

afterAll(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  // (close() of a host already killed would wait for an exit that has happened)
  for (const h of hosts) if (startTime(h.pid) !== null) await h.close().catch(() => {});
  // A failed run must not leave this data dir's things on a shared machine: a host started and
  // closed clears them (what this test checks); what even that left goes by hand.
  if (resources().mounts.length || resources().table) {
    try {
      await (await startHostProcess(dataDir)).close();
    } catch {
      /* reported by the test */
    }
  }
  for (const m of resources().mounts.reverse()) sh('umount', ['-l', m.point]);
  for (const l of resources().links) sh('ip', ['link', 'del', l.name]);
  sh('nft', ['delete', 'table', 'inet', `orgo_${tag}`]);
  for (const d of resources().cgroups.reverse()) sh('rmdir', [d]);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a host killed with SIGKILL', () => {
  let a: Computer;
  let b: Computer;
  let before: ReturnType<typeof resources>;
  let left: ReturnType<typeof resources>;
  let killedAt = 0;

  beforeAll(async () => {
    const { host, client } = await hostOn();
    const ws = await client.createWorkspace('crash');
    [a, b] = await Promise.all([
      client.createComputer({ workspace_id: ws.id, name: 'crash-a' }),
      client.createComputer({ workspace_id: ws.id, name: 'crash-b' }),
    ]);
    expect([a.status, b.status]).toEqual(['running', 'running']);
    // A bandwidth limit: a tc qdisc on a's link, which the next host must set again.
    expect((await client.resizeComputer(a.id, { bandwidth_limit_mbps: 50 })).bandwidth_limit_mbps).toBe(50);
    await client.bash(a.id, 'echo "written before the crash" > ~/kept.txt');
    await client.bash(b.id, 'echo "b too" > ~/kept.txt');
    before = resources();
    // Computer b hangs: every process of it stopped, so none sees its host go.
    const leader = Number(readFileSync(join(real, 'run', b.instance_id, 'leader'), 'utf8').split(' ')[0]);
    stopped = processTreeOf(leader).map((p) => p.pid);
    for (const pid of stopped) process.kill(pid, 'SIGSTOP');
    // A second passes, so that a disk mounted by the next host has a later mount time than this one's.
    await new Promise((r) => setTimeout(r, 1100));
    killedAt = Math.floor(Date.now() / 1000);
    await host.kill();
    left = resources();
  }, 180_000);

  it('leaves its computers\' mounts, cgroups, firewall table and the hung computer\'s link and processes', () => {
    expect(before.mounts.length).toBeGreaterThanOrEqual(2); // two disks (and spare images)
    expect(before.links.map((l) => l.name).sort()).toHaveLength(2);
    expect(before.qdiscs.length).toBeGreaterThanOrEqual(1); // a's bandwidth limit
    expect(before.table).not.toBeNull();
    expect(left.mounts.length).toBeGreaterThanOrEqual(2);
    expect(left.table).toBe(before.table);
    expect(left.cgroups.length).toBeGreaterThanOrEqual(2);
    expect(left.links.length).toBeGreaterThanOrEqual(1); // b's: its namespace lives on, stopped
    expect(left.processes.filter((p) => stopped.includes(p.pid)).length).toBeGreaterThan(0);
    expect(left.netns).toEqual([]); // a computer's namespace is never a named one
  });

  it('the next host on the data dir removes exactly those and brings the computers back, files intact', async () => {
    const { client } = await hostOn();
    for (const pc of [a, b]) await eventually(() => client.getComputer(pc.id), (c) => c.status === 'running', 90_000, `${pc.name} back`);
    expect((await client.bash(a.id, 'cat ~/kept.txt')).output).toBe('written before the crash\n');
    expect((await client.bash(b.id, 'cat ~/kept.txt')).output).toBe('b too\n');
    const now = resources();
    // No process of the dead host is alive (a pid reused since has another start time).
    const alive = (p: { pid: number; start: string | null }) => p.start !== null && startTime(p.pid) === p.start;
    expect(left.processes.filter(alive)).toEqual([]);
    // The old mounts, links and table are gone; those there now are the new host's.
    // (mount ids are reused by the kernel: a disk's mount is told by its ext4 mount time, a spare by its host's pid)
    expect(now.mounts.map((m) => m.point)).toEqual(expect.arrayContaining([join(real, 'computers', a.id), join(real, 'computers', b.id)]));
    for (const pc of [a, b]) expect(lastMounted(join(real, 'disks', `${pc.id}.img`))).toBeGreaterThanOrEqual(killedAt);
    const spares = now.mounts.filter((m) => m.point.includes('/spare-')).map((m) => /spare-(\d+)-/.exec(m.point)![1]);
    expect(spares.filter((pid) => Number(pid) !== hosts.at(-1)!.pid)).toEqual([]);
    const oldLinks = new Set(left.links.map((l) => l.index));
    expect(now.links.filter((l) => oldLinks.has(l.index))).toEqual([]);
    expect(now.links).toHaveLength(2);
    expect(now.qdiscs.length).toBeGreaterThanOrEqual(1); // a's limit, set again
    expect(now.table).not.toBeNull();
    expect(now.table).not.toBe(left.table);
    // Each computer's group holds only the new host's processes.
    const groups = now.cgroups.filter((d) => d.endsWith(a.id) || d.endsWith(b.id));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(now.processes.filter((p) => left.processes.some((o) => o.pid === p.pid && o.start === p.start))).toEqual([]);
    expect(now.netns).toEqual([]);
  }, 180_000);

  it('a second host on the same data dir while it runs is refused, and touches nothing', async () => {
    const was = resources();
    await expect(startHostProcess(dataDir)).rejects.toThrow(/another host \(pid \d+\) is using the data dir/);
    const now = resources();
    const disks = (r: typeof was) => r.mounts.filter((m) => m.point.includes('/computers/')); // spares come and go
    expect(disks(now)).toEqual(disks(was));
    expect(now.links).toEqual(was.links);
    expect(now.table).toBe(was.table);
  }, 60_000);

  it('its normal close then leaves nothing at all, and the disks stay on disk', async () => {
    await hosts.at(-1)!.close();
    const after = resources();
    expect(after.mounts).toEqual([]);
    expect(after.links).toEqual([]);
    expect(after.qdiscs).toEqual([]);
    expect(after.table).toBeNull();
    expect(after.cgroups).toEqual([]);
    expect(after.processes).toEqual([]);
    expect(after.loops).toEqual([]);
    expect(after.netns).toEqual([]);
    expect(existsSync(join(real, 'host.lock'))).toBe(false);
    for (const pc of [a, b]) expect(existsSync(join(real, 'disks', `${pc.id}.img`))).toBe(true);
  }, 60_000);
});
