/**
 * Ending the app by a signal (Ctrl-C in the terminal that ran `npm start`, `timeout`, `kill`)
 * stops the built-in host that launch started, cleanly: the host's process is gone, its disks
 * unmounted, and the next launch's host brings the computer back with its files. (Quitting from the
 * window leaves the host running: local-host.test.ts.)
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { projectRoot } from '../helpers/app.js';
import { eventually, tempDataDir } from '../helpers/host.js';
import { freePort } from '../helpers/ports.js';
import { startLauncher } from '../helpers/launcher.js';
import { hostsOn, mountsUnder } from '../helpers/procs.js';

const home = tempDataDir('orgo-sig-');
const hostData = join(home, 'host');
let port = 0;
const launched: ChildProcess[] = [];

const hostPids = () => hostsOn(hostData);

async function launch() {
  // The environment names no server: the active profile is "This computer", whose host the app starts.
  const l = await startLauncher({ ORGO_DESKTOP_HOME: home, ORGO_LOCAL_HOST_PORT: String(port), ORGO_API_BASE_URL: '', ORGO_API_KEY: '', ORGO_PROFILE: '' }, ['--port', '0']);
  launched.push(l.child);
  const health = `http://127.0.0.1:${port}/health`;
  await eventually(() => fetch(health).then((r) => r.ok, () => false), (ok) => ok, 90_000, 'the built-in host answering');
  return l;
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  return exited;
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/build-app.mjs')], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  port = await freePort();
}, 180_000);

/** What a failed test left: its launchers, then the host on this data dir (SIGTERM, then SIGKILL). */
async function cleanUp(): Promise<void> {
  for (const c of launched.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of hostPids()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await eventually(() => hostPids(), (p) => p.length === 0, 30_000, 'the host gone').catch(() => hostPids().forEach((p) => process.kill(p, 'SIGKILL')));
}

afterEach(cleanUp, 60_000);
afterAll(async () => {
  await cleanUp();
  for (const m of mountsUnder(home).reverse()) spawnSync('umount', ['-l', m]);
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('the app ended by a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the built-in host it started, cleanly; the computer and its files stay', async (signal) => {
    const first = await launch();
    const [pid] = hostPids();
    expect(pid, 'the app started a host of its own').toBeGreaterThan(0);
    const client = new OrgoClient({ baseUrl: `http://127.0.0.1:${port}/api`, apiKey: readFileSync(join(hostData, 'api-key'), 'utf8').trim() });
    const ws = (await client.listWorkspaces())[0] ?? (await client.createWorkspace('signals'));
    const name = `kept-${signal.toLowerCase()}`;
    const pc = await client.createComputer({ workspace_id: ws.id, name });
    expect((await client.bash(pc.id, `echo ${signal} > ~/Desktop/kept.txt && sync`)).exit_code).toBe(0);
    expect(mountsUnder(hostData).length, 'the running computer has its disk mounted').toBeGreaterThan(0);

    expect(await signalAndWait(first.child, signal)).toBe(0);
    // The app waits for its host: by the time it has exited, the host has too, disks unmounted.
    expect(hostPids()).toEqual([]);
    expect(mountsUnder(hostData)).toEqual([]);
    expect(first.output()).toMatch(new RegExp(`${signal}: stopping the built-in host this launch started`));

    // The next launch starts the host again, which brings back what was running: the computer,
    // with its file.
    const second = await launch();
    await eventually(() => client.getComputer(pc.id), (c) => c.status === 'running', 60_000, `${name} running again`);
    expect((await client.bash(pc.id, 'cat ~/Desktop/kept.txt')).output.trim()).toBe(signal);
    await client.deleteComputer(pc.id);
    expect(await signalAndWait(second.child, 'SIGTERM')).toBe(0);
    expect(hostPids()).toEqual([]);
  }, 240_000);
});
