/**
 * Boot: create → running through the HTTP API, against the peer way of starting a desktop
 * (Xvfb + openbox + x11vnc, ready when the RFB banner arrives), and one idle computer's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { startBenchHost } from './host.js';
import { descendants, processCosts } from './procs.js';
import { printTable, time } from './stats.js';

const N = Number(process.env.BENCH_BOOT_N ?? 30);

export async function run(): Promise<void> {
  const { host, client, close } = await startBenchHost();
  try {
    const ws = await client.createWorkspace('bench');
    const ours: number[] = [];
    const peer: number[] = [];
    const restart: number[] = [];
    /** From the create's request until a first action may go ahead (window manager up, keymap loaded: Desktop.settled). */
    const settled: number[] = [];
    // Interleave ours and the peer so both see the same machine state.
    for (let i = 0; i < N; i++) {
      let id = '';
      ours.push(await time(async () => {
        const c = await client.createComputer({ workspace_id: ws.id, name: `bench-${i}` });
        if (c.status !== 'running') throw new Error(`computer ${c.id} is ${c.status}: ${c.error_message}`);
        id = c.id;
      }));
      await client.bash(id, 'true'); // waits for it
      const at = host.computers.lastStartPhases(id)?.settled;
      if (typeof at === 'number') settled.push(at);
      await client.stopComputer(id);
      restart.push(await time(() => client.startComputer(id)));
      await client.deleteComputer(id);
      peer.push(await peerBoot(100 + (i % 50)));
    }
    printTable(`boot (n=${N}, this machine: 2 cores)`, [
      { what: 'create → running (API)', ours, peer, peerName: 'Xvfb+openbox+x11vnc → RFB banner', target: 'p50 ≤ 150 ms, p95 < 300 ms' },
      { what: 'start (stopped → running)', ours: restart, peer, peerName: 'same peer' },
      // The peer's banner comes after openbox has started too: this is the like-for-like figure.
      { what: 'create → first action may run (host side)', ours: settled, peer, peerName: 'same peer' },
    ]);

    const idle = await client.createComputer({ workspace_id: ws.id, name: 'idle' });
    await new Promise((r) => setTimeout(r, 3000)); // let the session settle
    const mem = computerMemory(host.computers.desktop(idle.id)!.pid!);
    console.log(`\nidle computer memory (no Chromium open): RSS sum ${mem.rss.toFixed(1)} MB, PSS sum ${mem.pss.toFixed(1)} MB over ${mem.count} processes (target < 120 MB)`);
    for (const [name, kb] of mem.byName) console.log(`  ${name}: ${(kb / 1024).toFixed(1)} MB RSS`);
  } finally {
    await close();
  }
}

/** Xvfb + openbox + x11vnc, timed from spawn until x11vnc's RFB banner arrives. */
async function peerBoot(display: number): Promise<number> {
  const port = 5900 + display;
  const procs: ChildProcess[] = [];
  const t0 = performance.now();
  try {
    procs.push(spawn('Xvfb', [`:${display}`, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' }));
    const sock = `/tmp/.X11-unix/X${display}`;
    while (!existsSync(sock)) await sleep(2);
    const env = { ...process.env, DISPLAY: `:${display}` };
    procs.push(spawn('openbox', [], { env, stdio: 'ignore' }));
    const vnc = spawn('x11vnc', ['-display', `:${display}`, '-rfbport', String(port), '-localhost', '-nopw', '-forever', '-quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(vnc);
    let said = '';
    vnc.stderr!.on('data', (d) => (said = (said + String(d)).slice(-400)));
    while (!(await banner(port))) {
      // Dead x11vnc never answers: say why instead of waiting for ever.
      if (vnc.exitCode !== null || vnc.signalCode !== null) throw new Error(`x11vnc (the peer) exited: ${said.trim()}`);
      await sleep(2);
    }
    return performance.now() - t0;
  } finally {
    // SIGTERM first: x11vnc removes its SysV shared-memory segments on the way out, SIGKILL left
    // 42 behind per run, until the machine's 4096 were gone and x11vnc could no longer start.
    for (const p of procs.reverse()) p.kill('SIGTERM');
    const gone = (p: ChildProcess) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null);
    const timer = setTimeout(() => procs.forEach((p) => p.kill('SIGKILL')), 2000);
    await Promise.all(procs.map(gone));
    clearTimeout(timer);
    rmSync(`/tmp/.X11-unix/X${display}`, { force: true });
    rmSync(`/tmp/.X${display}-lock`, { force: true });
  }
}

function banner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('RFB '));
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Memory of every process of a computer, summed, and RSS by command name. */
function computerMemory(leader: number) {
  const procs = processCosts(descendants(leader));
  const byName = new Map<string, number>();
  for (const p of procs) byName.set(p.comm, (byName.get(p.comm) ?? 0) + p.rssKb);
  const sum = (k: 'rssKb' | 'pssKb') => procs.reduce((a, p) => a + p[k], 0) / 1024;
  return { rss: sum('rssKb'), pss: sum('pssKb'), count: procs.length, byName };
}
