/**
 * Density: creates idle computers in steps (of 100) up to a ceiling (`--max N`, default 1000)
 * or until available memory runs short, and prints per step: create → running p50 for that
 * step, screenshot p50/p95 and click p50 over a sample of computers, memory per computer (the
 * drop in available memory, and PSS over the sample), and CPU while they all sit idle (their
 * processes' CPU time, per computer, and the machine's). Then a table of what one idle
 * desktop spends, per process, and where create → running spent its time, phase by phase (the
 * host's own record of each start: disk, desktop start with the guest's marks inside it, network
 * beside it, keymap); then every computer is deleted. Creating stops as soon as available memory
 * falls under the reserve (`--reserve-mb`), not only at the end of a step. A create that fails
 * (an error answer, or a computer that is not running) is counted with its reason and the run
 * goes on; only `--max-failures-in-a-row` failures one after another (default 10) stop it, since
 * then the host can make no more.
 *   npm run bench -- density --max 150 --step 50
 */
import { loadavg } from 'node:os';
import { OrgoApiError } from '../shared/api/client.js';
import { startBenchHost } from './host.js';
import { ksmSettled, ksmState, type KsmState } from './ksm.js';
import { cpuTicks, descendants, machineCpu, memAvailableKb, processCosts, processTree, TICKS_PER_S } from './procs.js';
import { percentile, time } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const max = flag('max', 1000);
  const step = flag('step', 100);
  const sampleSize = flag('sample', 10);
  // Stop before the machine does: other work on it needs memory too.
  const reserveKb = flag('reserve-mb', 3072) * 1024;
  // Over a minute, so the window always holds one redraw of every panel clock (once a minute, all
  // at the same second): a 10 s window measured 0.005 % of a core each where 65 s measures 0.016 %.
  const idleS = flag('idle-s', 61);
  // Pages merged across computers (host/runtime/page-sharing.ts) are merged by ksmd's scans, a
  // full pass taking a few minutes and a page merging on its second or third: memory is read once three
  // passes have gone by, or after this long.
  const mergeS = flag('merge-s', 600);
  const failuresInARow = flag('max-failures-in-a-row', 10);
  // Page sharing is opt-in for hosts (a side channel between computers); the bench measures it
  // on unless told otherwise (ORGO_SHARE_PAGES=0), and says which.
  process.env.ORGO_SHARE_PAGES ??= '1';
  console.log(`page sharing across computers (KSM): ${process.env.ORGO_SHARE_PAGES === '1' ? 'on' : 'off'}`);
  const { host, client, close } = await startBenchHost();
  /** Computers that reached running: the ones sampled and counted. */
  const ids: string[] = [];
  /** Computers the host made but that did not reach running: deleted at the end too. */
  const broken: string[] = [];
  const failures = new Failures();
  try {
    const ws = await client.createWorkspace('bench-density');
    const available0 = memAvailableKb();
    console.log(`\n## density (steps of ${step} up to ${max}; sample of ${sampleSize}; idle CPU over ${idleS} s; stops with < ${reserveKb >> 10} MB available)`);
    console.log('| computers | create→running p50 (this step) | p95 | failed creates (this step) | screenshot p50 | screenshot p95 | click p50 | memory each (drop in available) | PSS each (sample) | their CPU each, idle | host process CPU | machine busy | load |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    let detail: ReturnType<typeof perProcess> | undefined;
    const phaseSteps: Array<{ at: number; phases: Record<string, number[]> }> = [];
    let short = false;
    const merging: Array<{ at: number; waitedS: number; pssUnmerged: number; pssMerged: number; state: KsmState; ksmdCpu: number }> = [];
    let stopped: string | null = null;
    let inARow = 0;
    while (ids.length < max && !short && !stopped) {
      const boots: number[] = [];
      const phases: Record<string, number[]> = {};
      const failedBefore = failures.count;
      for (let i = 0; i < step && ids.length < max; i++) {
        if (memAvailableKb() < reserveKb) {
          short = true;
          break;
        }
        const t = performance.now();
        try {
          const c = await client.createComputer({ workspace_id: ws.id, name: `dense-${ids.length + broken.length}` });
          if (c.status !== 'running') {
            broken.push(c.id);
            throw new Error(`a computer that is ${c.status}: ${c.error_message ?? 'no message'}`);
          }
          boots.push(performance.now() - t);
          ids.push(c.id);
          inARow = 0;
          for (const [k, v] of Object.entries(host.computers.lastStartPhases(c.id) ?? {})) (phases[k] ??= []).push(v);
        } catch (e) {
          failures.add(e);
          if (++inARow >= failuresInARow) {
            stopped = `${inARow} creates failed in a row`;
            break;
          }
        }
      }
      if (!ids.length) break;
      phaseSteps.push({ at: ids.length, phases });
      await sleep(5000); // the sessions start behind `running`: let them settle
      const sample = Array.from({ length: Math.min(sampleSize, ids.length) }, (_, k) => ids[Math.floor((k * ids.length) / Math.min(sampleSize, ids.length))]!);
      const pssUnmerged = host.computers.sharesPages ? pssOf(host, sample) : undefined;
      const waitFrom = performance.now();
      const merged = host.computers.sharesPages ? await ksmSettled(3, mergeS * 1000) : ksmState();
      const waitedS = (performance.now() - waitFrom) / 1000;
      // Memory and CPU first, while nothing has touched the new computers: an idle desktop's
      // cost (a screenshot makes the X server hold a capture segment for 30 s).
      const tree = processTree();
      const leaders = ids.map((id) => host.computers.desktop(id)?.pid).filter((p): p is number => !!p);
      const allPids = leaders.flatMap((l) => descendants(l, tree));
      const samplePids = sample.map((id) => descendants(host.computers.desktop(id)!.pid!, tree));
      const pssEach = pssOf(host, sample, tree);
      const availableNow = memAvailableKb();

      // Idle: nobody touches any computer for idleS seconds.
      const before = { ticks: cpuTicks(allPids), host: process.cpuUsage(), machine: machineCpu(), at: performance.now(), procs: processCosts(samplePids.flat()) };
      await sleep(idleS * 1000);
      const seconds = (performance.now() - before.at) / 1000;
      if (pssUnmerged !== undefined) merging.push({ at: ids.length, waitedS, pssUnmerged: pssUnmerged ?? 0, pssMerged: pssEach, state: merged, ksmdCpu: ((ksmState().ksmdTicks - merged.ksmdTicks) / TICKS_PER_S / seconds) * 100 });
      const theirs = (cpuTicks(allPids) - before.ticks) / TICKS_PER_S / seconds / leaders.length;
      const hostUse = process.cpuUsage(before.host);
      const m = machineCpu();
      const busy = (m.busy - before.machine.busy) / (m.total - before.machine.total);
      if (!detail) detail = perProcess(before.procs, processCosts(samplePids.flat()), seconds, sample.length);

      const shots: number[] = [];
      const clicks: number[] = [];
      for (const id of sample) {
        for (let k = 0; k < 5; k++) shots.push(await time(() => client.screenshotBytes(id)));
        // An empty spot of the desktop: the click changes nothing there.
        for (let k = 0; k < 3; k++) clicks.push(await time(() => client.click(id, 640, 200)));
      }

      const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      const pct = (v: number[], p: number) => (v.length ? ms(percentile(v, p)) : '-');
      console.log(`| ${ids.length} | ${pct(boots, 50)} | ${pct(boots, 95)} | ${failures.count - failedBefore} | ${ms(percentile(shots, 50))} | ${ms(percentile(shots, 95))} | ${ms(percentile(clicks, 50))} | ${mb((available0 - availableNow) / ids.length)} | ${mb(pssEach)} | ${(theirs * 100).toFixed(3)} % of a core | ${(((hostUse.user + hostUse.system) / 1e6 / seconds) * 100).toFixed(1)} % | ${(busy * 100).toFixed(0)} % of 2 cores | ${loadavg()[0]!.toFixed(2)} |`);
      if (availableNow < reserveKb || short) {
        console.log(`stopped: ${mb(memAvailableKb())} available`);
        break;
      }
    }
    if (stopped) console.log(`stopped: ${stopped}`);
    failures.print();
    printPhases(phaseSteps);
    if (merging.length) {
      console.log('\n## pages merged across computers (KSM), when memory was read');
      console.log('| computers | PSS each (sample) 5 s after the step | after the passes | waited for 3 passes | pages merged away | saved each | ksmd CPU, idle |');
      console.log('|---|---|---|---|---|---|---|');
      const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
      for (const m of merging) console.log(`| ${m.at} | ${mb(m.pssUnmerged)} | ${mb(m.pssMerged)} | ${m.waitedS.toFixed(0)} s | ${m.state.pagesSharing} | ${mb((m.state.pagesSharing * 4) / m.at)} | ${m.ksmdCpu.toFixed(2)} % of a core |`);
    }
    if (detail) {
      console.log(`\n## one idle desktop, per process (mean over the first step's sample of ${Math.min(sampleSize, ids.length)}; CPU over ${idleS} s idle)`);
      console.log('| process | count | RSS | PSS | private | CPU (% of a core) |');
      console.log('|---|---|---|---|---|---|');
      for (const r of detail) console.log(`| ${r.comm} | ${r.count.toFixed(1)} | ${(r.rssKb / 1024).toFixed(1)} MB | ${(r.pssKb / 1024).toFixed(1)} MB | ${(r.privateKb / 1024).toFixed(1)} MB | ${r.cpu.toFixed(3)} % |`);
    }
  } finally {
    const t0 = performance.now();
    const all = [...ids, ...broken];
    for (let i = 0; i < all.length; i += 10) await Promise.all(all.slice(i, i + 10).map((id) => client.deleteComputer(id).catch(() => {})));
    console.log(`\ndeleted ${all.length} computers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await close();
  }
}

/** Mean PSS (kB) of the given computers' processes. */
function pssOf(host: Awaited<ReturnType<typeof startBenchHost>>['host'], ids: string[], tree = processTree()): number {
  const each = ids.map((id) => processCosts(descendants(host.computers.desktop(id)!.pid!, tree)).reduce((a, p) => a + p.pssKb, 0));
  return each.reduce((a, b) => a + b, 0) / Math.max(1, each.length);
}

/** create → running phase by phase (p50 per step; the desktop's marks are ms from its spawn, the others durations). */
function printPhases(steps: Array<{ at: number; phases: Record<string, number[]> }>): void {
  const names = [...new Set(steps.flatMap((s) => Object.keys(s.phases)))];
  if (!names.length) return;
  console.log('\n## where create→running went (p50 per step, ms; `desktop.*` are marks from the guest\'s spawn, the rest durations)');
  console.log(`| phase | ${steps.map((s) => `to ${s.at}`).join(' | ')} |`);
  console.log(`|---|${steps.map(() => '---|').join('')}`);
  for (const n of names) console.log(`| ${n} | ${steps.map((s) => (s.phases[n]?.length ? percentile(s.phases[n]!, 50).toFixed(1) : '-')).join(' | ')} |`);
}

/** Per command name, the mean over `desktops` of memory and of CPU between two looks. */
function perProcess(before: ReturnType<typeof processCosts>, after: ReturnType<typeof processCosts>, seconds: number, desktops: number) {
  const ticks0 = new Map(before.map((p) => [p.pid, p.cpuTicks]));
  const rows = new Map<string, { comm: string; count: number; rssKb: number; pssKb: number; privateKb: number; cpu: number }>();
  for (const p of after) {
    const r = rows.get(p.comm) ?? { comm: p.comm, count: 0, rssKb: 0, pssKb: 0, privateKb: 0, cpu: 0 };
    r.count += 1 / desktops;
    r.rssKb += p.rssKb / desktops;
    r.pssKb += p.pssKb / desktops;
    r.privateKb += p.privateKb / desktops;
    r.cpu += ((p.cpuTicks - (ticks0.get(p.pid) ?? p.cpuTicks)) / TICKS_PER_S / seconds / desktops) * 100;
    rows.set(p.comm, r);
  }
  const list = [...rows.values()].sort((a, b) => b.pssKb - a.pssKb);
  const total = list.reduce((t, r) => ({ comm: 'total', count: t.count + r.count, rssKb: t.rssKb + r.rssKb, pssKb: t.pssKb + r.pssKb, privateKb: t.privateKb + r.privateKb, cpu: t.cpu + r.cpu }), { comm: 'total', count: 0, rssKb: 0, pssKb: 0, privateKb: 0, cpu: 0 });
  return [...list, total];
}

/** Failed creates by reason (ids taken out, so the same failure counts as one reason). */
export class Failures {
  count = 0;
  private readonly reasons = new Map<string, number>();

  add(e: unknown): void {
    this.count++;
    const why = e instanceof OrgoApiError ? `HTTP ${e.status}${e.code ? ` ${e.code}` : ''}: ${e.message}` : e instanceof Error ? e.message : String(e);
    const reason = why.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  print(): void {
    if (!this.count) {
      console.log('\nfailed creates: none');
      return;
    }
    console.log(`\nfailed creates: ${this.count}`);
    console.log('| reason | times |');
    console.log('|---|---|');
    for (const [reason, n] of [...this.reasons].sort((a, b) => b[1] - a[1])) console.log(`| ${reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${n} |`);
  }
}
