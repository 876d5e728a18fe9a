/**
 * The host's side of guest/zygote.py: one Python process per host that has imported the guest
 * once, and that every computer's guest is forked from (a few ms and shared pages, instead of an
 * interpreter's start and ~5 MB of its own per computer). Started at the first computer; if it
 * cannot start, or dies, computers start as their own `unshare … python3` (desktop.ts) until a
 * later start brings it back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { logger } from '../../shared/node/log.js';
import { guestScript } from './paths.js';
import { ZYGOTE_PID_FILE } from './leftovers.js';
import { writeMark } from './processes.js';

const log = logger('zygote');
const START_TIMEOUT_MS = 15_000;
/** How long a closing zygote may take to leave by itself (it is importing, or forking) before SIGKILL. */
const CLOSE_TIMEOUT_MS = 2_000;

export interface ForkRequest {
  env: Record<string, string>;
  cgroupProcs: string[];
  net: boolean;
  log: string;
}

export class GuestZygote {
  private proc?: ChildProcess;
  private up: Promise<boolean> | null = null;
  private closed = false;

  constructor(
    private readonly socketPath: string,
    private readonly pycache: string,
  ) {}

  /** The zygote's pid while it runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Resolves true once the zygote answers (started now if it is not running), false if it cannot. */
  ready(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return (this.up ??= this.start());
  }

  private start(): Promise<boolean> {
    mkdirSync(dirname(this.socketPath), { recursive: true, mode: 0o700 });
    rmSync(this.socketPath, { force: true });
    // One malloc arena: each guest thread would otherwise make its own (~90 kB of private pages
    // per computer, for threads that mostly sleep). The guest empties its environment for the
    // computer's (zygote.py guest_main), so what it starts keeps glibc's defaults.
    const proc = spawn('/usr/bin/python3', ['-S', '-E', '-X', `pycache_prefix=${this.pycache}`, guestScript, '--zygote', this.socketPath], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', GLIBC_TUNABLES: 'glibc.malloc.arena_max=1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.proc = proc;
    // For the next host, should this one die: the zygote ends when its stdin closes, but one
    // busy forking might not yet (leftovers.ts).
    if (proc.pid) writeMark(join(dirname(this.socketPath), ZYGOTE_PID_FILE), proc.pid);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false, 'did not start in time'), START_TIMEOUT_MS);
      let settled = false;
      const done = (ok: boolean, why?: string) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (!ok) {
          log.warn(`not used (${why}): computers start their own interpreter`);
          proc.kill('SIGKILL');
        }
        resolve(ok);
      };
      createInterface({ input: proc.stdout! }).once('line', (l) => done(l === 'ready', `said ${l.slice(0, 80)}`));
      proc.on('error', (e) => done(false, e.message));
      proc.on('exit', (code, signal) => {
        if (this.proc === proc) {
          this.proc = undefined;
          this.up = null; // the next computer starts it again
        }
        if (!this.closed) log.warn(`ended (${signal ?? `code ${code}`})`);
        done(false, `ended (${signal ?? `code ${code}`})`);
      });
    });
  }

  /**
   * Forks one computer: the connection is its guest's stdin and stdout; its first line names
   * the computer's pid 1 (`spawned`), its last says how it ended (`ended`, written by the zygote, which adopted it).
   */
  async fork(request: ForkRequest): Promise<Socket | null> {
    if (!(await this.ready())) return null;
    return new Promise<Socket | null>((resolve) => {
      const s = connect(this.socketPath);
      s.once('error', () => resolve(null));
      s.once('connect', () => {
        s.removeAllListeners('error');
        s.write(JSON.stringify({ env: request.env, cgroup_procs: request.cgroupProcs, net: request.net, log: request.log }) + '\n');
        resolve(s);
      });
    });
  }

  /**
   * Ends the zygote and resolves once it has exited: it may still be writing its bytecode cache
   * under the data dir, which whoever closes the host may remove next.
   */
  async close(): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      // Its stdin closing ends it; computers forked from it live on and end on their own.
      proc.stdin?.end();
      const late = setTimeout(() => proc.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(late);
    }
    rmSync(this.socketPath, { force: true });
    rmSync(join(dirname(this.socketPath), ZYGOTE_PID_FILE), { force: true });
  }
}
