/**
 * Runs the built `orgo` (out/cli/orgo.cjs, plain Node, as a user runs it) with a home of its own:
 * piped (stdout and stderr collected) or in a real pseudo-terminal (node-pty), as a person
 * typing would. No test touches the real ~/.orgo or ~/.config.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn as spawnPty, type IPty } from 'node-pty';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ORGO = join(ROOT, 'out/cli/orgo.cjs');

/** Builds the bundle when its sources are newer (what npm start / npm test set up does). */
export function buildCli(): void {
  execFileSync(process.execPath, ['scripts/build-app.mjs', 'cli'], { cwd: ROOT, stdio: 'ignore' });
}

export interface CliHome {
  dir: string;
  /** The environment of a user whose home is `dir`, with no keychain unless one is passed. */
  env: NodeJS.ProcessEnv;
  close(): void;
}

export function cliHome(extra: NodeJS.ProcessEnv = {}): CliHome {
  const dir = mkdtempSync('/tmp/orgo-cli-t-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    ORGO_DESKTOP_HOME: join(dir, 'desktop'),
    // No Secret Service unless the test brings one: the CLI must say so and use its file.
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/no-bus`,
    LANG: 'C.UTF-8',
    ...extra,
  };
  return { dir, env, close: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `orgo ARGS` with pipes for stdin, stdout and stderr (not a terminal). */
export function orgo(args: string[], env: NodeJS.ProcessEnv, input?: string, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [ORGO, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`orgo ${args.join(' ')} did not finish: ${stdout}${stderr}`));
    }, timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(t);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
    p.stdin.end(input ?? '');
  });
}

/**
 * What a terminal shows, as lines: without colour, cursor movement and title codes, and with
 * line ends as `\n` (a pty turns the computer's `\r\n` into `\r\r\n`).
 */
export function plain(s: string): string {
  // eslint-disable-next-line no-control-regex -- terminal control sequences are what is removed
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]/g, '').replace(/\r*\n\r*/g, '\n');
}

export interface PtyRun {
  pty: IPty;
  /** Everything written to the terminal, control codes included. */
  output(): string;
  write(s: string): void;
  /** Waits until the output from offset `from`, control codes removed, matches. */
  until(re: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  exited: Promise<number>;
}

/** `orgo ARGS` in a real pseudo-terminal of cols×rows. */
export function orgoPty(args: string[], env: NodeJS.ProcessEnv, size = { cols: 100, rows: 30 }): PtyRun {
  const pty = spawnPty(process.execPath, [ORGO, ...args], { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: env.HOME, env: { TERM: 'xterm-256color', ...env } as Record<string, string> });
  let out = '';
  pty.onData((d) => (out += d));
  const exited = new Promise<number>((r) => pty.onExit(({ exitCode }) => r(exitCode)));
  return {
    pty,
    output: () => out,
    write: (s) => pty.write(s),
    async until(re, timeoutMs = 20_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(plain(out.slice(from)))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in the terminal; it shows:\n${JSON.stringify(plain(out.slice(from)).slice(-2000))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return plain(out.slice(from));
    },
    exited,
  };
}
