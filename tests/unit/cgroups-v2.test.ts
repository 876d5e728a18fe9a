/**
 * The cgroup v2 path (host/runtime/cgroups.ts), which this machine (cgroup v1) never takes with
 * a real host: limits turned into the files a Debian 12 host's kernel reads, against a folder
 * laid out as cgroupfs v2 under systemd (a service's delegated group with its process in it);
 * then what a real cgroup2 mount here supports (its cpu and memory controllers are bound to v1
 * on this machine, so the limits themselves cannot be tried on it): the refusal without them,
 * and a dead host's leftover group found and removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HostCgroups, v2Layout } from '../../host/runtime/cgroups.js';

const TAG = 'c2c2c';
const read = (p: string) => readFileSync(p, 'utf8');

describe('cgroup v2 as systemd lays it out (a folder standing in for /sys/fs/cgroup)', () => {
  let fs: string;
  const service = () => join(fs, 'system.slice', 'orgo-host.service');
  const group = (...p: string[]) => join(service(), `orgo-${TAG}`, ...p);

  beforeEach(() => {
    fs = mkdtempSync('/tmp/orgo-hostcrash-cgfs-');
    writeFileSync(join(fs, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids\n');
    writeFileSync(join(fs, 'cgroup.subtree_control'), 'cpu memory pids\n');
    mkdirSync(service(), { recursive: true });
    writeFileSync(join(fs, 'system.slice', 'cgroup.subtree_control'), 'cpu memory pids\n');
    // Delegate=yes: the service's group has the controllers, and the host's processes in it.
    writeFileSync(join(service(), 'cgroup.controllers'), 'cpu memory pids\n');
    writeFileSync(join(service(), 'cgroup.subtree_control'), '\n');
    writeFileSync(join(service(), 'cgroup.procs'), '4242\n');
  });
  afterAll(() => rmSync(fs, { recursive: true, force: true }));

  it('works inside the host\'s own group: its processes to a leaf, then +cpu +memory; nothing written above it', () => {
    const cg = new HostCgroups(TAG, v2Layout(fs, '/system.slice/orgo-host.service'));
    expect(cg.hierarchy).toBe('v2');
    cg.init();
    expect(read(join(service(), `orgo-${TAG}-host`, 'cgroup.procs'))).toBe('4242');
    expect(read(join(service(), 'cgroup.subtree_control'))).toBe('+cpu +memory');
    expect(read(group('cgroup.subtree_control'))).toBe('+cpu +memory');
    // The slice and the root are systemd's: untouched, and no folder of ours beside the service.
    expect(read(join(fs, 'system.slice', 'cgroup.subtree_control'))).toBe('cpu memory pids\n');
    expect(read(join(fs, 'cgroup.subtree_control'))).toBe('cpu memory pids\n');
    expect(readdirSync(join(fs, 'system.slice')).filter((n) => n !== 'cgroup.subtree_control')).toEqual(['orgo-host.service']);
  });

  it('turns limits into cpu.max, memory.max and memory.swap.max, at create and live', () => {
    const cg = new HostCgroups(TAG, v2Layout(fs, '/system.slice/orgo-host.service'));
    cg.init();
    // The kernel makes memory.swap.max in a new group when swap accounting is on.
    mkdirSync(group('pc1'), { recursive: true });
    writeFileSync(group('pc1', 'memory.swap.max'), 'max\n');
    expect(cg.create('pc1', { vcpus: 2, memGb: 1.5 })).toEqual([group('pc1', 'cgroup.procs')]);
    expect(read(group('pc1', 'cpu.max'))).toBe('200000 100000');
    expect(read(group('pc1', 'memory.max'))).toBe(String(1.5 * 1024 ** 3));
    expect(read(group('pc1', 'memory.swap.max'))).toBe('0');
    cg.apply('pc1', { vcpus: 1, memGb: 4 }, { vcpus: 2, memGb: 1.5 });
    expect(read(group('pc1', 'cpu.max'))).toBe('100000 100000');
    expect(read(group('pc1', 'memory.max'))).toBe(String(4 * 1024 ** 3));
  });

  it('reads oom_kill from memory.events (the kill event) and usage_usec from cpu.stat', () => {
    const cg = new HostCgroups(TAG, v2Layout(fs, '/system.slice/orgo-host.service'));
    cg.init();
    cg.create('pc1', { vcpus: 1, memGb: 1 });
    expect(cg.oomKills('pc1')).toBe(0);
    writeFileSync(group('pc1', 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n');
    writeFileSync(group('pc1', 'cpu.stat'), 'usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n');
    expect(cg.oomKills('pc1')).toBe(1);
    expect(cg.cpuUsageUs('pc1')).toBe(123456);
  });

  it('refuses, with the reason, when systemd did not delegate cpu and memory', () => {
    writeFileSync(join(service(), 'cgroup.controllers'), 'pids\n');
    const cg = new HostCgroups(TAG, v2Layout(fs, '/system.slice/orgo-host.service'));
    expect(() => cg.init()).toThrow(/cpu and memory are not delegated to .*orgo-host\.service .*Delegate=cpu memory/);
    expect(existsSync(group())).toBe(false);
    expect(read(join(service(), 'cgroup.subtree_control'))).toBe('\n');
  });

  it('at the root (a container with its own cgroup namespace) enables there and moves nothing', () => {
    writeFileSync(join(fs, 'cgroup.subtree_control'), '\n');
    writeFileSync(join(fs, 'cgroup.procs'), '1\n');
    const cg = new HostCgroups(TAG, v2Layout(fs, '/'));
    cg.init();
    expect(read(join(fs, 'cgroup.subtree_control'))).toBe('+cpu +memory');
    expect(existsSync(join(fs, `orgo-${TAG}-host`))).toBe(false);
    expect(existsSync(join(fs, `orgo-${TAG}`))).toBe(true);
  });
});

/** A real cgroup2 mount of this machine's (one hierarchy: the same tree wherever it is mounted). */
function mountCgroup2(): string | null {
  const dir = mkdtempSync('/tmp/orgo-hostcrash-cg2-');
  try {
    execFileSync('mount', ['-t', 'cgroup2', 'none', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return null;
  }
}

describe('a real cgroup2 mount', () => {
  const mnt = mountCgroup2();
  const name = `orgo-hostcrash-test-${process.pid}`;
  let sleeper: ChildProcess | undefined;
  afterAll(() => {
    sleeper?.kill('SIGKILL');
    if (!mnt) return;
    for (const d of [join(mnt, name, `orgo-${TAG}`, 'pc9'), join(mnt, name, `orgo-${TAG}`), join(mnt, name)]) {
      for (let i = 0; i < 40 && existsSync(d); i++) {
        try {
          rmdirSync(d);
        } catch {
          execFileSync('sleep', ['0.05']);
        }
      }
    }
    execFileSync('umount', [mnt]);
    rmdirSync(mnt);
  });

  it('is mountable here (else nothing below was tried on a real kernel)', () => {
    expect(mnt).not.toBeNull();
  });

  it('a group without cpu and memory (bound to v1 here) turns limits off with the reason', () => {
    mkdirSync(join(mnt!, name));
    const cg = new HostCgroups(TAG, v2Layout(mnt!, `/${name}`));
    expect(cg.enforced).toBe(true);
    expect(() => cg.init()).toThrow(/cpu and memory are not delegated/);
  });

  it('a dead host\'s computer group with a process still in it: found, and removed once it ends', async () => {
    const dir = join(mnt!, name, `orgo-${TAG}`, 'pc9');
    mkdirSync(dir, { recursive: true });
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((r) => sleeper!.once('spawn', r));
    writeFileSync(join(dir, 'cgroup.procs'), String(sleeper.pid));
    const cg = new HostCgroups(TAG, v2Layout(mnt!, `/${name}`));
    expect(cg.leftoverGroups()).toEqual([dir]);
    expect(cg.leftoverPids()).toEqual([sleeper.pid]);
    const ended = new Promise((r) => sleeper!.once('exit', r));
    sleeper.kill('SIGKILL');
    await ended;
    expect(await cg.clearLeftovers()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
