/**
 * Ending the app by a signal (Ctrl-C in the terminal that ran `npm start`, `timeout`, `kill`)
 * stops the built-in host that launch started, cleanly: the host's process is gone, its disks
 * unmounted, and the next launch finds the computer stopped with its files. (Quitting from the
 * window leaves the host running: local-host.test.ts.)
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { projectRoot } from '../helpers/app.js';
import { eventually, tempDataDir } from '../helpers/host.js';
import { startLauncher } from '../helpers/launcher.js';

const home = tempDataDir('orgo-sig-');
const hostData = join(home, 'host');
let port = 0;
const launched: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** The built-in host's processes on this test's data dir (found by their command line). */
function hostPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--data-dir') && argv[argv.indexOf('--data-dir') + 1] === hostData) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const mountsUnder = (dir: string) =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));

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

afterAll(async () => {
  for (const c of launched) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Whatever a failed run left: the host (by its data dir), then its mounts and the folder.
  for (const pid of hostPids()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await eventually(() => hostPids(), (p) => p.length === 0, 30_000, 'the host gone').catch(() => hostPids().forEach((p) => process.kill(p, 'SIGKILL')));
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

    // The next launch starts the host again: the computer is there, stopped, its file intact.
    const second = await launch();
    const again = (await client.listComputers()).find((c) => c.name === name);
    expect(again?.status).toBe('stopped');
    await client.startComputer(pc.id);
    expect((await client.bash(pc.id, 'cat ~/Desktop/kept.txt')).output.trim()).toBe(signal);
    await client.deleteComputer(pc.id);
    expect(await signalAndWait(second.child, 'SIGTERM')).toBe(0);
    expect(hostPids()).toEqual([]);
  }, 240_000);
});
