/**
 * Idle computers share their equal memory pages (host/runtime/page-sharing.ts): every process
 * of a computer, the desktop's and what the user starts, lets the kernel merge its pages, and
 * two computers' X servers do end up sharing pages. It is opt-in (ORGO_SHARE_PAGES=1): by default,
 * or with ORGO_SHARE_PAGES=0, nothing opts in.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { computerProcesses, processTreeOf } from '../helpers/procs.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  delete process.env.ORGO_SHARE_PAGES;
});

/** /proc/PID/ksm_stat as a map (ksm_merge_any, ksm_merging_pages, ...). */
function ksmStat(pid: number): Record<string, string> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/ksm_stat`, 'utf8').trim().split('\n').map((l) => l.split(/:?\s+/) as [string, string]));
}
const one = (instanceId: string, comm: string) => {
  const pids = computerProcesses(instanceId, comm);
  expect(pids, comm).toHaveLength(1);
  return pids[0]!;
};
async function until<T>(what: () => T | undefined, ms: number): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 1000))) {
    const v = what();
    if (v !== undefined) return v;
  }
  return what();
}

describe('pages shared across computers', () => {
  it('every process of a computer opts in, and two idle computers\' X servers share pages', async () => {
    process.env.ORGO_SHARE_PAGES = '1';
    t = await startTestHost();
    expect(readFileSync('/sys/kernel/mm/ksm/run', 'utf8').trim()).toBe('1');
    const ws = await t.client.createWorkspace('pages');
    const [a, b] = [await t.client.createComputer({ workspace_id: ws.id, name: 'a' }), await t.client.createComputer({ workspace_id: ws.id, name: 'b' })];
    expect([a.status, b.status]).toEqual(['running', 'running']);
    // The desktop's processes (the panel and window manager start behind `running`).
    const leader = t.host.computers.desktop(b.id)!.pid!;
    const inB = (comm: string) => processTreeOf(leader).find((p) => p.comm === comm)?.pid;
    for (const comm of ['Xvnc', 'openbox', 'tint2']) {
      const pid = await until(() => inB(comm), 15_000);
      expect(pid, comm).toBeDefined();
      expect(ksmStat(pid!).ksm_merge_any, comm).toBe('yes');
    }
    // The guest (forked from the host's zygote, and the computer's outermost process).
    expect(processTreeOf(leader).filter((p) => p.comm === 'python3').map((p) => ksmStat(p.pid).ksm_merge_any)).toEqual(['yes']);
    // And what the user runs, as the user sees it from inside.
    expect((await t.client.bash(b.id, 'grep ksm_merge_any /proc/self/ksm_stat')).output.trim()).toBe('ksm_merge_any: yes');
    // ksmd merges within its first passes: the same wallpaper and panel, the same pages.
    const merged = await until(() => {
      const n = Number(ksmStat(one(b.instance_id, 'Xvnc')).ksm_merging_pages);
      return n > 256 ? n : undefined;
    }, 150_000);
    expect(merged, 'pages of the X server merged with another computer\'s').toBeGreaterThan(256);
    for (const pc of [a, b]) await t.client.deleteComputer(pc.id);
  }, 240_000);

  it.each([['by default', undefined], ['with ORGO_SHARE_PAGES=0', '0']])('%s no process of a computer opts in', async (_, value) => {
    if (value === undefined) delete process.env.ORGO_SHARE_PAGES;
    else process.env.ORGO_SHARE_PAGES = value;
    t = await startTestHost();
    const ws = await t.client.createWorkspace('no-pages');
    const pc = await t.client.createComputer({ workspace_id: ws.id, name: 'alone' });
    expect(pc.status).toBe('running');
    expect(ksmStat(one(pc.instance_id, 'Xvnc')).ksm_merge_any).toBe('no');
    expect((await t.client.bash(pc.id, 'grep ksm_merge_any /proc/self/ksm_stat')).output.trim()).toBe('ksm_merge_any: no');
    await t.client.deleteComputer(pc.id);
  }, 120_000);
});
