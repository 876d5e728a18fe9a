/** When desktops die: error with a reason, start brings them back; host crashes and idle auto-stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { eventually, startTestHost, tempDataDir, TEST_KEY, type TestHost } from '../helpers/host.js';
import { computerProcesses } from '../helpers/procs.js';

describe('a desktop whose processes die', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(() => t?.close());

  it('goes to error with the reason, and start brings it back with its disk', async () => {
    const ws = await t.client.createWorkspace('crash');
    const pc = await t.client.createComputer({ workspace_id: ws.id, name: 'crashy' });
    await t.client.bash(pc.id, 'echo survived > ~/f');
    const [xvnc] = computerProcesses(pc.instance_id, 'Xvnc');
    expect(xvnc).toBeGreaterThan(0);
    process.kill(xvnc!, 'SIGKILL');
    const failed = await eventually(() => t.client.getComputer(pc.id), (c) => c.status === 'error', 10_000, 'error status');
    expect(failed.error_message).toMatch(/Xvnc.*signal 9/);
    const back = await t.client.startComputer(pc.id);
    expect(back.status).toBe('running');
    expect(back.error_message).toBeNull();
    expect((await t.client.bash(pc.id, 'cat ~/f')).output).toBe('survived\n');
  });

  it('auto-stops after its idle minutes, and not while it is used', async () => {
    // One "minute" is 400 ms in this host.
    const fast = await startTestHost({ minuteMs: 400 });
    try {
      const ws = await fast.client.createWorkspace('idle');
      const idle = await fast.client.createComputer({ workspace_id: ws.id, name: 'idle', auto_stop_minutes: 1 });
      const busy = await fast.client.createComputer({ workspace_id: ws.id, name: 'busy', auto_stop_minutes: 0 });
      expect(await fast.client.getAutoStop(idle.id)).toEqual({ auto_stop_minutes: 1, configurable: true });
      await eventually(() => fast.client.getComputer(idle.id), (c) => c.status === 'stopped', 5_000, 'auto-stop');
      expect((await fast.client.getComputer(busy.id)).status).toBe('running');
      // Activity keeps a computer up: with 2-minute auto-stop and a call every 300 ms, it stays running.
      await fast.client.setAutoStop(busy.id, 2);
      for (let i = 0; i < 6; i++) {
        await fast.client.bash(busy.id, 'true');
        await new Promise((r) => setTimeout(r, 300));
      }
      expect((await fast.client.getComputer(busy.id)).status).toBe('running');
      await eventually(() => fast.client.getComputer(busy.id), (c) => c.status === 'stopped', 5_000, 'auto-stop after activity ends');
    } finally {
      await fast.close();
    }
  });
});

describe('a host that is killed', () => {
  const dataDir = tempDataDir();
  let proc: ChildProcess | undefined;
  afterAll(async () => {
    proc?.kill('SIGTERM');
    await new Promise((r) => (proc && proc.exitCode === null ? proc.once('exit', r) : r(null)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  function runHost(): Promise<{ proc: ChildProcess; client: OrgoClient }> {
    const p = spawn(process.execPath, ['--import', 'tsx', 'host/cli.ts', '--data-dir', dataDir, '--port', '0'], {
      env: { ...process.env, ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      p.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (http\S+)/.exec(out);
        if (m) resolve({ proc: p, client: new OrgoClient({ baseUrl: `${m[1]}/api`, apiKey: TEST_KEY }) });
      });
      p.once('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
    });
  }

  it('brings its running computers back, disks intact, when it starts again', async () => {
    let h = await runHost();
    proc = h.proc;
    const ws = await h.client.createWorkspace('phoenix');
    const pc = await h.client.createComputer({ workspace_id: ws.id, name: 'phoenix' });
    const parked = await h.client.createComputer({ workspace_id: ws.id, name: 'parked' });
    await h.client.stopComputer(parked.id);
    await h.client.bash(pc.id, 'echo "still here" > ~/Documents/state.txt');
    // SIGKILL: no shutdown code of the host runs.
    const gone = new Promise((r) => h.proc.once('exit', r));
    process.kill(h.proc.pid!, 'SIGKILL');
    await gone;
    // With the host gone, the computer's guest sees its stdin close and ends the computer.
    await eventually(() => computerProcesses(pc.instance_id, 'Xvnc').length, (n) => n === 0, 10_000, 'orphaned desktop to end');

    h = await runHost();
    proc = h.proc;
    const back = await eventually(() => h.client.getComputer(pc.id), (c) => c.status === 'running', 20_000, 'recovery');
    expect(back.status).toBe('running');
    expect((await h.client.bash(pc.id, 'cat ~/Documents/state.txt')).output).toBe('still here\n');
    expect((await h.client.getComputer(parked.id)).status).toBe('stopped');
  });
});
