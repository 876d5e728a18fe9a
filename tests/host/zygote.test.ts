/**
 * Guests forked from one interpreter per host (guest/zygote.py, host/runtime/zygote.ts): a
 * computer's pid 1 comes from the host's zygote, inside its own namespaces and cgroups as a
 * spawned one, with no process of the zygote's waiting beside it; the zygote dying takes no
 * computer with it and the next computer still starts; the host's stop leaves no zygote behind.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computerProcesses } from '../helpers/procs.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let ws: { id: string };
let closed = false;
beforeAll(async () => {
  t = await startTestHost();
  ws = await t.client.createWorkspace('zygote');
}, 120_000);
afterAll(async () => {
  if (!closed) await t?.close();
});

const stat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
const parent = (pid: number) => Number(stat(pid)[1]);
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const zygotes = () => t.host.computers.zygotePid;

/** The computer's pid 1 (the parent of its X server), as the host sees it. */
function guestOf(instanceId: string): number {
  const xvnc = computerProcesses(instanceId, 'Xvnc');
  expect(xvnc).toHaveLength(1);
  return parent(xvnc[0]!);
}

describe('the guest zygote', () => {
  it('a computer\'s guest is forked from the host\'s zygote, in namespaces and cgroups of its own', async () => {
    const pc = await t.client.createComputer({ workspace_id: ws.id, name: 'forked' });
    expect(pc.status).toBe('running');
    const guest = guestOf(pc.instance_id);
    // Adopted by the zygote: the child that made its namespaces is gone, nothing waits beside it.
    const zygote = parent(guest);
    expect(cmdline(zygote)).toEqual(expect.arrayContaining(['--zygote']));
    expect(cmdline(zygote).some((a) => a.endsWith('guest.py'))).toBe(true);
    expect(zygote).toBe(zygotes());
    // Its own namespaces, not the zygote's (which are the host's).
    const nsOf = (pid: number, n: string) => readlinkSync(`/proc/${pid}/ns/${n}`);
    for (const n of ['mnt', 'net', 'uts', 'ipc']) expect(nsOf(guest, n)).not.toBe(nsOf(zygote, n));
    expect(nsOf(guest, 'pid')).not.toBe(nsOf(zygote, 'pid'));
    // The guest is its own process group, the one the host knows (it signals the group to end it).
    expect(Number(stat(guest)[3])).toBe(guest);
    expect(t.host.computers.desktop(pc.id)?.pid).toBe(guest);
    // Its cgroups are the computer's, not the host's.
    expect(readFileSync(`/proc/${guest}/cgroup`, 'utf8')).toContain(pc.id);
    expect(readFileSync(`/proc/${zygote}/cgroup`, 'utf8')).not.toContain(pc.id);
    // And it is a whole computer: the user, its hostname, its own pid 1.
    const r = await t.client.bash(pc.id, 'whoami; hostname; cat /proc/1/cmdline | tr "\\0" " "');
    expect(r.output.split('\n').slice(0, 2)).toEqual(['user', expect.stringMatching(/\S/)]);
    expect(r.output).toContain('guest.py --zygote');
    // The zygote (and so each guest) runs with one malloc arena; what the user runs has glibc's defaults.
    expect(readFileSync(`/proc/${zygote}/environ`, 'utf8').split('\0')).toContain('GLIBC_TUNABLES=glibc.malloc.arena_max=1');
    const env = await t.client.bash(pc.id, 'env | grep -c GLIBC_TUNABLES; true');
    expect(env.output).toBe('0\n');
    await t.client.deleteComputer(pc.id);
  }, 120_000);

  it('the zygote killed: running computers stay up, the next computer still starts, forked again', async () => {
    const before = await t.client.createComputer({ workspace_id: ws.id, name: 'before' });
    expect(before.status).toBe('running');
    const old = zygotes()!;
    process.kill(old, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.client.bash(before.id, 'echo still here')).output).toBe('still here\n');
    const after = await t.client.createComputer({ workspace_id: ws.id, name: 'after' });
    expect(after.status).toBe('running');
    expect((await t.client.bash(after.id, 'echo fine')).output).toBe('fine\n');
    const z = parent(guestOf(after.instance_id));
    expect(z).not.toBe(old);
    expect(cmdline(z)).toEqual(expect.arrayContaining(['--zygote']));
    // Stop, start and delete work on both.
    expect((await t.client.stopComputer(before.id)).status).toBe('stopped');
    expect(computerProcesses(before.instance_id, 'Xvnc')).toEqual([]);
    expect((await t.client.startComputer(before.id)).status).toBe('running');
    for (const pc of [before, after]) await t.client.deleteComputer(pc.id);
  }, 120_000);

  it('the host\'s stop leaves no zygote', async () => {
    const z = zygotes()!;
    expect(cmdline(z)).toEqual(expect.arrayContaining(['--zygote']));
    closed = true;
    await t.close();
    const end = Date.now() + 5000;
    let alive = true;
    while (alive && Date.now() < end) {
      try {
        alive = !stat(z)[0]!.startsWith('Z');
      } catch {
        alive = false;
      }
      if (alive) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive).toBe(false);
  }, 60_000);
});
