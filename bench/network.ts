/**
 * Network set-up per computer as the count grows: HostNetwork.attach for one namespace after
 * another (each a bare `unshare --net sleep`, no desktop, so the figure is the network's own and
 * not the load of idle desktops), timed per create; p50 of the first and of the last step.
 * `npm run bench -- network [--count 300] [--step 100]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostNetwork } from '../host/runtime/network.js';
import { percentile } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export async function run(): Promise<void> {
  const count = flag('count', 300);
  const step = flag('step', 100);
  const dir = mkdtempSync(join(tmpdir(), 'orgo-bench-network-'));
  const net = new HostNetwork(dir);
  const procs: ChildProcess[] = [];
  const times: number[] = [];
  try {
    await net.init();
    for (let i = 0; i < count; i++) {
      const p = spawn('unshare', ['--net', 'sleep', '3600'], { stdio: 'ignore' });
      procs.push(p);
      const t0 = performance.now();
      await net.attach(p.pid!, `bench-network-${i}`, null);
      times.push(performance.now() - t0);
    }
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null)));
    for (let i = 0; i < procs.length; i++) await net.detach(`bench-network-${i}`);
    await net.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n## network set-up per computer (HostNetwork.attach, n=${count}, no desktops)`);
  console.log('| computers | p50 | p95 |');
  console.log('|---|---|---|');
  for (let s = 0; s < times.length; s += step) {
    const part = times.slice(s, s + step);
    console.log(`| ${s + 1}–${s + part.length} | ${percentile(part, 50).toFixed(1)} ms | ${percentile(part, 95).toFixed(1)} ms |`);
  }
  const first = percentile(times.slice(0, step), 50);
  const last = percentile(times.slice(-step), 50);
  console.log(`last step / first step (p50): ${(last / first).toFixed(2)}`);
}
