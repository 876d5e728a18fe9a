/**
 * One running computer: the `unshare` + guest process pair and the line protocol
 * to the guest (guest/guest.py, the program inside each computer). The host's side of a computer's life.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { logger } from '../../shared/node/log.js';
import type { GuestOp, GuestOps, GuestResult } from './guest-ops.js';
import { guestScript, MAX_SOCKET_PATH, type ComputerPaths } from './paths.js';
import { obfuscateVncPassword } from '../../shared/node/vnc-password.js';
import type { ComputerLink, HostNetwork } from './network.js';
import type { GuestZygote } from './zygote.js';
import { LEADER_FILE } from './leftovers.js';
import { writeMark } from './processes.js';

const log = logger('desktop');
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 4_000;
/** The longest a fresh computer's first action waits for what `settleAlso` was given. */
const SETTLE_MAX_MS = 10_000;

export interface DesktopOptions {
  instanceId: string;
  hostname: string;
  resolution: string;
  vncPassword: string;
  paths: ComputerPaths;
  /** Host paths to hide inside the computer (the data dir, when it sits under /var or /usr). */
  masks: string[];
  /** The computer's own network (network.ts); without it the computer shares the host's. */
  network?: { host: HostNetwork; computerId: string; bandwidthMbps: number | null };
  /** The computer's /etc/resolv.conf, when the host's would not serve it (dns.ts); else the host's shows through. */
  resolvConf?: string;
  /** `cgroup.procs` files the computer's first process joins before anything of it starts (cgroups.ts). */
  cgroupProcs?: string[];
  /** Where the guest is forked from (zygote.ts); without it, or when it is down, the guest is spawned. */
  zygote?: GuestZygote;
  /** The computer's processes let the kernel merge their identical pages with other computers' (runtime/page-sharing.ts). */
  sharePages?: boolean;
  /** Host folder of the desktop's own libraries (desktop-libs.ts), bound into the computer. */
  libDir?: string;
}

type Pending = { resolve: (a: GuestResult<GuestOp>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * Events: `exit` (reason: string | null): the computer's processes are gone; the reason is
 * null when the host asked for it. `resolution` ({width, height, depth}): the screen's size
 * changed (a viewer's remote resize).
 */
export class Desktop extends EventEmitter {
  /** The guest's stdin (a pipe, or the zygote's connection). */
  private input?: Writable;
  /** The computer's outermost process (`unshare`, or a forked guest's pid 1 itself): its group is the computer. */
  private leader?: number;
  private launched = false;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  private exited = false;
  private exitReason: string | null = null;
  private exitWaiters: Array<() => void> = [];
  /** The computer's end of its network, once attached. */
  link?: ComputerLink;
  /**
   * Where the start's time went, in ms from the spawn: `network` (attached), `ready` (the guest
   * said so), and the guest's own marks (`guest.seed`, `guest.root`, ...: from its main()).
   */
  readonly phases: Record<string, number> = {};
  private sessionUp!: () => void;
  private settling: Promise<void> = new Promise<void>((r) => (this.sessionUp = r));
  private spawnedAt = 0;

  constructor(readonly options: DesktopOptions) {
    super();
  }

  /**
   * Resolves once what an action needs beyond `running` is in place: the window manager holds the
   * screen (the guest's `session` event: a window the first action maps is then managed and
   * focused) and whatever `settleAlso` was given (the keyboard's extra keysyms). Actions wait
   * for it, `running` does not. Never rejects; resolves when the computer ends too.
   */
  get settled(): Promise<void> {
    return this.settling;
  }

  /** Holds actions until `work` is done as well (its failure is its own to report). */
  settleAlso(work: Promise<unknown>): void {
    const before = this.settling;
    // Never longer than SETTLE_MAX_MS, nor past the computer's end: a step that hangs holds no action for good.
    let timer: NodeJS.Timeout | undefined;
    const ceiling = new Promise<void>((r) => {
      timer = setTimeout(r, SETTLE_MAX_MS);
      this.once('exit', r);
    });
    const bounded = Promise.race([work.catch(() => {}), ceiling]).finally(() => clearTimeout(timer));
    this.settling = Promise.all([before, bounded]).then(() => {
      if (this.spawnedAt) this.phases.settled = Math.round(performance.now() - this.spawnedAt);
    });
  }

  get pid(): number | undefined {
    return this.leader;
  }

  get alive(): boolean {
    return this.launched && !this.exited;
  }

  /** Asked to stop, or already ended: work beside it that fails now failed because of that. */
  get going(): boolean {
    return this.stopping || this.exited;
  }

  /** Starts the computer and resolves once its display takes input and VNC accepts clients. */
  async start(): Promise<void> {
    const { paths, vncPassword } = this.options;
    for (const p of [paths.xSocket, paths.vncSocket, paths.channelSocket]) {
      if (Buffer.byteLength(p) > MAX_SOCKET_PATH) {
        throw new Error(`the data dir is too deep for unix sockets (${p} is over ${MAX_SOCKET_PATH} bytes); choose a shorter --data-dir`);
      }
    }
    rmSync(paths.run, { recursive: true, force: true });
    mkdirSync(paths.x11, { recursive: true, mode: 0o1777 });
    chmodSync(paths.x11, 0o1777);
    mkdirSync(paths.private, { recursive: true, mode: 0o700 });
    mkdirSync(`${paths.run}/root`, { recursive: true });
    mkdirSync(paths.disk, { recursive: true, mode: 0o700 });
    writeFileSync(paths.vncPasswordFile, await obfuscateVncPassword(vncPassword), { mode: 0o600 });

    mkdirSync(dirname(paths.log), { recursive: true, mode: 0o700 });
    const env = {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      ORGO_DISK: paths.disk,
      ORGO_RUN: paths.run,
      ORGO_HOSTNAME: this.options.hostname,
      ORGO_INSTANCE_ID: this.options.instanceId,
      ORGO_RESOLUTION: this.options.resolution,
      ORGO_MASK: this.options.masks.join(':'),
      LANG: 'C.UTF-8',
      ...(this.options.sharePages ? { ORGO_SHARE_PAGES: '1' } : {}),
      ...(this.options.libDir ? { ORGO_LIBS: this.options.libDir } : {}),
      // CLOCK_MONOTONIC at the spawn (libuv's hrtime is that clock, as is Python's monotonic):
      // the guest's `main` mark says how long it took to reach its main().
      ORGO_SPAWNED_NS: String(process.hrtime.bigint()),
      ...(this.options.resolvConf ? { ORGO_RESOLV: this.options.resolvConf } : {}),
    };
    const network = this.options.network;
    const procsFiles = this.options.cgroupProcs ?? [];
    const spawnedAt = (this.spawnedAt = performance.now());
    const mark = (name: string) => (this.phases[name] = Math.round(performance.now() - spawnedAt));
    const forked = await this.options.zygote?.fork({ env, cgroupProcs: procsFiles, net: !!network, log: paths.log });
    mark(forked ? 'forked' : 'spawning');
    let output: Readable;
    let leader: Promise<number>;
    if (forked) {
      this.input = output = forked;
      leader = new Promise<number>((resolve, reject) => {
        this.once('spawned', resolve);
        this.once('exit', () => reject(new Error('the computer ended before it started')));
      });
      forked.on('error', () => {}); // the close below reports it
      forked.on('close', () => this.onExit(this.exitReason ?? 'the computer\'s processes ended (its connection closed)'));
    } else {
      // --kill-child: if `unshare` dies, the computer's pid 1 (and with it every process in it) dies.
      // --net: a namespace the network module joins to the host while the desktop starts.
      let argv = ['unshare', '--mount', '--uts', '--ipc', '--pid', ...(network ? ['--net'] : []), '--fork', '--kill-child', '--propagation', 'private', '--',
        '/usr/bin/python3', '-S', '-E', '-X', `pycache_prefix=${paths.pycache}`, guestScript];
      if (procsFiles.length) {
        // The shell joins the computer's cgroups and then becomes `unshare`: every process of the
        // computer starts inside its limits, with no window in which one could escape them.
        argv = ['/bin/sh', '-c', 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 111; shift; n=$((n-1)); done; exec "$@"',
          'sh', String(procsFiles.length), ...procsFiles, ...argv];
      }
      const logFd = openSync(paths.log, 'a', 0o600);
      const proc = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', logFd], detached: true });
      closeSync(logFd);
      this.input = proc.stdin!;
      output = proc.stdout!;
      this.leader = proc.pid;
      // Written down for the next host, should this one die without stopping the computer (leftovers.ts).
      if (proc.pid) writeMark(`${paths.run}/${LEADER_FILE}`, proc.pid);
      leader = proc.pid ? Promise.resolve(proc.pid) : Promise.reject(new Error('the computer did not start'));
      proc.on('error', (e) => this.onExit(`could not start the sandbox: ${e.message}`));
      proc.on('exit', (code, signal) => this.onEnded(code, signal, procsFiles.length > 0));
    }
    this.launched = true;
    const linked = network
      ? leader.then((pid) => network.host.attach(pid, network.computerId, network.bandwidthMbps)).then((l) => { this.link = l; mark('network'); })
      : Promise.resolve();
    linked.catch(() => {}); // awaited below; an early exit must not leave it unhandled

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the desktop did not come up within ${READY_TIMEOUT_MS / 1000} s`));
        this.kill();
      }, READY_TIMEOUT_MS);
      const onEarlyExit = (reason: string | null) => {
        clearTimeout(timer);
        reject(new Error(reason ?? 'the desktop was stopped while starting'));
      };
      this.once('exit', onEarlyExit);
      // Running: the display is up and the network is joined (the two happen side by side).
      const displayUp = new Promise<void>((r) => this.once('ready', () => { mark('ready'); r(); }));
      Promise.all([displayUp, linked]).then(
        () => {
          clearTimeout(timer);
          this.off('exit', onEarlyExit);
          resolve();
        },
        (e: Error) => {
          clearTimeout(timer);
          this.off('exit', onEarlyExit);
          reject(new Error(`the computer's network could not be set up: ${e.message}`));
          this.kill();
        },
      );
      createInterface({ input: output }).on('line', (line) => this.onLine(line));
      this.input!.on('error', () => {}); // EPIPE after exit: the exit handler reports it
    });
  }

  /** How the computer's outermost process ended, in words (111: the cgroup join failed). */
  private onEnded(code: number | null, signal: string | null, joinedCgroups: boolean): void {
    const cgroupFailed = code === 111 && joinedCgroups && !this.exitReason;
    this.onExit(this.exitReason ?? (cgroupFailed ? 'the computer could not join its cgroups (its limits)' : `the computer's processes ended (${signal ? `signal ${signal}` : `code ${code}`})`));
  }

  /** Sends one request to the guest (guest/PROTOCOL.md; the ops: guest-ops.ts). */
  request<K extends GuestOp>(op: K, input: GuestOps[K]['input'], timeoutMs: number): Promise<GuestResult<K>> {
    if (!this.alive) return Promise.reject(new Error('the desktop is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the computer did not answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, timer });
      this.input!.write(JSON.stringify({ id, op, ...input }) + '\n');
    });
  }

  /** Stops every process of the computer, politely first. Its disk stays as it is. */
  async stop(): Promise<void> {
    if (!this.launched || this.exited) return;
    this.stopping = true;
    const done = new Promise<void>((r) => this.exitWaiters.push(r));
    // Closing stdin tells the guest the host is done with it.
    this.input!.end();
    const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    await done;
    clearTimeout(timer);
  }

  private kill(): void {
    if (this.leader && !this.exited) {
      try {
        process.kill(-this.leader, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // A fork not yet started (no leader known): its guest ends when its connection does.
    if (!this.leader) this.input?.destroy();
  }

  private onLine(line: string): void {
    let msg: { id?: number; event?: string; ok?: boolean; reason?: string; width?: number; height?: number; depth?: number; phases?: Record<string, number>; pid?: number; code?: number | null; signal?: string | null } & GuestResult<GuestOp>;
    try {
      msg = JSON.parse(line);
    } catch {
      log.warn(`${this.options.instanceId}: unreadable guest line: ${line.slice(0, 200)}`);
      return;
    }
    if (msg.event === 'spawned' && typeof msg.pid === 'number') {
      this.leader = msg.pid;
      writeMark(`${this.options.paths.run}/${LEADER_FILE}`, msg.pid);
      this.emit('spawned', msg.pid);
    } else if (msg.event === 'ended') this.onEnded(msg.code ?? null, msg.signal ?? null, (this.options.cgroupProcs ?? []).length > 0);
    else if (msg.event === 'ready') {
      for (const [k, v] of Object.entries(msg.phases ?? {})) if (typeof v === 'number') this.phases[`guest.${k}`] = v;
      this.emit('ready');
    }
    else if (msg.event === 'session') {
      this.phases.session = Math.round(performance.now() - this.spawnedAt);
      if (msg.ok === false && !this.stopping) log.warn(`${this.options.instanceId}: the window manager did not take the screen; actions go ahead without it`);
      this.sessionUp();
    } else if (msg.event === 'exit') this.exitReason = msg.reason ?? 'the computer stopped';
    else if (msg.event === 'resolution') this.emit('resolution', { width: msg.width, height: msg.height, depth: msg.depth });
    else if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        const { id: _id, ...answer } = msg;
        p.resolve(answer);
      }
    }
  }

  private onExit(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('the computer stopped while answering'));
    }
    this.pending.clear();
    for (const w of this.exitWaiters) w();
    this.sessionUp();
    rmSync(this.options.paths.run, { recursive: true, force: true });
    this.emit('exit', this.stopping ? null : reason);
  }
}
