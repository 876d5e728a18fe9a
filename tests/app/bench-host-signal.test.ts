/**
 * A bench stopped with Ctrl+C (SIGINT) or SIGTERM in the middle of its work (bench/host.ts): the
 * in-process host closes cleanly before the process exits, so nothing of it stays behind: no
 * computer's processes, no mounts under its data dir, no data dir; the exit status is the signal's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/app.js';
import { computerProcesses, mountsUnder } from '../helpers/procs.js';

/** A bench part in miniature: one computer, then screenshots until it is stopped. */
const BENCH = `
import { startBenchHost } from './bench/host.ts';
const b = await startBenchHost();
const ws = await b.client.createWorkspace('sig');
const c = await b.client.createComputer({ workspace_id: ws.id, name: 'sig-1' });
for (;;) {
  const now = await b.client.getComputer(c.id);
  if (now.status === 'running') break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log(JSON.stringify({ dataDir: b.host.dataDir, instanceId: c.instance_id }));
for (;;) await b.client.screenshot(c.id).catch(() => {});
`;

const started: Array<{ child: ChildProcess; dataDir?: string }> = [];

afterAll(async () => {
  // What a failed run left: the process (SIGKILL), then its data dir.
  for (const s of started) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    if (s.dataDir && !mountsUnder(s.dataDir).length) rmSync(s.dataDir, { recursive: true, force: true });
  }
});

async function benchStoppedBy(signal: NodeJS.Signals) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', BENCH], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: { child: ChildProcess; dataDir?: string } = { child };
  started.push(run);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await new Promise<{ dataDir: string; instanceId: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((code) => reject(new Error(`the bench exited (${code}) before its computer ran: ${err.slice(-500)}`)));
  });
  run.dataDir = ready.dataDir;
  expect(computerProcesses(ready.instanceId, 'Xvnc').length).toBe(1);
  expect(mountsUnder(ready.dataDir).length).toBeGreaterThan(0);
  child.kill(signal);
  const code = await exited;
  return { code, err, ...ready };
}

describe('a bench stopped by a signal', () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: closes its host (computer stopped, disks unmounted, data dir removed), then exits ${status}`, async () => {
      const r = await benchStoppedBy(signal);
      expect(r.code, r.err.slice(-500)).toBe(status);
      expect(r.err).toContain(`${signal}: closing 1 bench host(s)`);
      expect(computerProcesses(r.instanceId, 'Xvnc')).toEqual([]);
      expect(mountsUnder(r.dataDir)).toEqual([]);
      expect(existsSync(r.dataDir)).toBe(false);
    }, 120_000);
  }
});
