/**
 * Limits that hold, on real computers: busy loops get at most the computer's vCPUs (and more
 * after a live resize), a memory hog past `ram` is killed inside the computer while its
 * desktop keeps answering (and an event names it), and a disk fill stops at `disk_size_gb`
 * with "No space left" inside, nothing lost, and room again after a live grow.
 */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { openChannel } from '../helpers/channels.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let cpu: Computer;
let mem: Computer;
let disk: Computer;

const sh = async (pc: Computer, command: string, timeout = 60) => (await t.client.bash(pc.id, command, timeout)).output;

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('limits');
  [cpu, mem, disk] = await Promise.all([
    t.client.createComputer({ workspace_id: ws.id, name: 'cpu', cpu: 1, ram: 2 }),
    t.client.createComputer({ workspace_id: ws.id, name: 'mem', ram: 1 }),
    t.client.createComputer({ workspace_id: ws.id, name: 'disk', disk_size_gb: 1 }),
  ]);
  for (const c of [cpu, mem, disk]) expect(c.status).toBe('running');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** Cores the computer's processes used over `ms`, from its cgroup's CPU time. */
async function coresUsed(pc: Computer, ms: number): Promise<number> {
  const cg = t.host.computers.cgroups!;
  const before = cg.cpuUsageUs(pc.id)!;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (cg.cpuUsageUs(pc.id)! - before) / 1000 / (performance.now() - t0);
}

describe('cpu', () => {
  it('two busy loops in a 1-vCPU computer use at most about one core, and at most two after a live resize to 2', async () => {
    expect(t.host.computers.limitsEnforced).toBe(true);
    await sh(cpu, 'for i in 1 2; do setsid nohup timeout 60 sh -c "while :; do :; done" >/dev/null 2>&1 & done; echo started');
    const one = await coresUsed(cpu, 3000);
    expect(one).toBeLessThan(1.15);
    expect(one).toBeGreaterThan(0.05); // the loops do run
    const r = await call(t, 'PATCH', `/computers/${cpu.id}/resize`, { vcpus: 2 });
    expect(r.status).toBe(200);
    expect(r.body.vcpus).toBe(2);
    expect((r.body.results as Record<string, { ok: boolean }>).vcpus!.ok).toBe(true);
    expect(await coresUsed(cpu, 3000)).toBeLessThan(2.15);
    expect((await t.client.getComputer(cpu.id)).cpu).toBe(2);
    await sh(cpu, 'pkill -f "while :; do :; done"; echo stopped');
  }, 60_000);
});

describe('memory', () => {
  it('a hog past ram is killed inside the computer only; the desktop answers; an event says what was killed', async () => {
    const events = openChannel(mem, 'events');
    await events.opened;
    events.send({ type: 'subscribe', event_types: ['oom_kill'] });
    await events.until(() => events.messages('subscribed').length > 0);
    const out = await sh(mem, "python3 -c \"a = b'x' * (1600 << 20); print('survived')\"; echo rc=$?");
    expect(out).not.toMatch(/^survived$/m);
    expect(out).toContain('rc=137');
    const ev = await events.until(() => events.messages('oom_kill')[0], 10_000, 'oom_kill event');
    expect((ev as unknown as { data: { process: string; mem_gb: number } }).data).toMatchObject({ process: 'python3', mem_gb: 1 });
    events.close();
    // The computer lives on: its display and its shell answer.
    expect((await t.client.screenshot(mem.id)).width).toBe(1280);
    expect(await sh(mem, 'echo still-here')).toBe('still-here\n');
    expect((await t.client.getComputer(mem.id)).status).toBe('running');
  }, 60_000);

  it('accepts ram 1 and 2, and refuses the values Orgo does not have', async () => {
    expect((await call(t, 'POST', '/computers', { workspace_id: mem.workspace_id, name: 'x', ram: 3 })).status).toBe(400);
    expect(mem.ram).toBe(1);
    expect(cpu.ram).toBe(2);
  });
});

describe('disk', () => {
  it('a fill stops at disk_size_gb with "No space left" inside; deleting frees it; a grow adds room (live where the host may, else at the next start)', async () => {
    expect(disk.disk_size_enforced).toBe(true);
    const out = await sh(disk, 'dd if=/dev/zero of=~/fill bs=1M count=1500 2>&1; df -BM --output=size ~ | tail -1', 120);
    expect(out).toMatch(/No space left on device/);
    const filled = Number(/(\d+)\+\d+ records out/.exec(out)?.[1] ?? NaN);
    expect(filled).toBeGreaterThan(800);
    expect(filled).toBeLessThan(1024);
    // The image on the host holds what was written, no more than its size.
    const image = `${t.dataDir}/disks/${disk.id}.img`;
    expect(statSync(image).blocks * 512).toBeLessThanOrEqual(1024 ** 3 + 1024 * 1024);
    expect(await sh(disk, 'rm ~/fill; echo ok > ~/after && cat ~/after')).toBe('ok\n');

    const grown = await call(t, 'PATCH', `/computers/${disk.id}/resize`, { disk_size_gb: 2 });
    expect(grown.body).toMatchObject({ results: { disk_size_gb: { error: null } } });
    expect(grown.status).toBe(200);
    expect(grown.body.results).toMatchObject({ disk_size_gb: { ok: true, applied: 2 } });
    const when = (grown.body.results as { disk_size_gb: { takes_effect: string } }).disk_size_gb.takes_effect;
    // Online growth needs CAP_SYS_RESOURCE, which a host in a container may lack: then the API says "next_start".
    expect(['now', 'next_start']).toContain(when);
    if (when === 'next_start') expect((await t.client.restartComputer(disk.id)).status).toBe('running');
    const size = Number((await sh(disk, 'df -BM --output=size ~ | tail -1')).replace(/\D/g, ''));
    expect(size).toBeGreaterThan(1900);
    expect(await sh(disk, 'dd if=/dev/zero of=~/fill bs=1M count=1200 2>&1 | tail -1 | grep -c copied; rm ~/fill', 120)).toBe('1\n');
  }, 240_000);
});
