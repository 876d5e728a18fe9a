/**
 * The host in a process of its own (`host/cli.ts` through tsx), as a person's or a script's would
 * be, so that its memory and CPU time are the host's alone: for tests and the benchmarks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_KEY } from './host.js';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface HostProcess {
  /** The address it printed, e.g. http://127.0.0.1:PORT (the API is under /api). */
  url: string;
  pid: number;
  /** The process' CPU time so far (user + system, all threads), in seconds. */
  cpuSeconds(): number;
  /** Stops the process (SIGTERM) and waits for it to end; the data dir stays (it is the caller's). */
  close(): Promise<void>;
  /** Kills the process (SIGKILL), as a crash would, and waits for it to end: nothing of it is cleaned up. */
  kill(): Promise<void>;
}

/**
 * Starts the host on `dataDir` with the test key on a free port, `args` added to its command line
 * and `env` to its environment;
 * answers once it prints the address it listens on. Its stderr is shown (`inherit`) or kept for
 * the error when it exits before listening (`pipe`).
 */
export async function startHostProcess(dataDir: string, options: { args?: string[]; stderr?: 'inherit' | 'pipe'; env?: Record<string, string> } = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'host/cli.ts', '--data-dir', dataDir, '--port', '0', ...(options.args ?? [])], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env, ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY },
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // What it printed until it listens, for the error; after that its output is read and dropped.
    let out = '';
    let listening = false;
    const keep = (d: Buffer) => {
      if (!listening) out += String(d);
    };
    child.stdout!.on('data', (d: Buffer) => {
      keep(d);
      const m = listening ? null : /listening on (\S+)\n/.exec(out);
      if (m) {
        listening = true;
        resolve(m[1]!);
      }
    });
    child.stderr?.on('data', keep);
    child.once('exit', (code) => reject(new Error(`the host exited (${code}): ${out}`)));
  });
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return {
    url,
    pid: child.pid!,
    cpuSeconds: () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / ticks; // utime, stime
    },
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const ended = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await ended;
    },
  };
}
