import { spawn, type ChildProcess } from 'node:child_process';

export interface HostProcess {
  proc: ChildProcess;
  url: string;
  stdout: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Runs the host as its own process (no npm/npx in between, so signals reach it): by default
 * `host/cli.ts` through tsx; `command` runs something else, e.g. the bundle with plain node.
 */
export function runHostCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  command: { file: string; args: string[]; cwd?: string } = { file: process.execPath, args: ['--import', 'tsx', 'host/cli.ts'] },
): Promise<HostProcess> {
  const proc = spawn(command.file, [...command.args, ...args], {
    cwd: command.cwd,
    env: { ...process.env, ORGO_HOST_BOOTSTRAP_KEY: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        resolve({ proc, url: m[1]!, stdout: () => out, exited });
      }
    };
    proc.stdout!.on('data', onData);
    exited.then((code) => reject(Object.assign(new Error(`host exited ${code}: ${out}${err}`), { code, stdout: out, stderr: err })));
  });
}
