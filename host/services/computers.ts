/**
 * Computers' lifecycle: the documented states and transitions, one operation at a time per
 * computer (concurrent calls queue in arrival order), crash detection, recovery at host start,
 * and auto-stop after idle minutes.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NewComputerSpec } from '../../shared/api/schemas.js';
import { screenSizeAllowed } from '../../shared/api/specs.js';
import { logger } from '../../shared/node/log.js';
import { ApiError, notFound, notRunning, stoppedUnder, unreachable } from '../errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { HostCgroups, type OomKill } from '../runtime/cgroups.js';
import { Desktop } from '../runtime/desktop.js';
import type { GuestOp, GuestOps, GuestResult } from '../runtime/guest-ops.js';
import { fitFilesystem, makeImage, mountImage, SpareImages, unmountImage } from '../runtime/disk.js';
import { DEFAULT_DISK_GB } from '../../shared/api/specs.js';
import { HostNetwork } from '../runtime/network.js';
import { clearLeftovers, writtenDownProcesses } from '../runtime/leftovers.js';
import { computerPaths } from '../runtime/paths.js';
import { PageSharing } from '../runtime/page-sharing.js';
import { GuestZygote } from '../runtime/zygote.js';
import { buildDesktopLibs } from '../runtime/desktop-libs.js';
import type { ComputerRow, ComputerStore } from '../store/computers.js';
import { preloadKeymap } from '../x11/preload.js';
import { hostnameFor, newInstanceId, newVncPassword } from './names.js';

const log = logger('computers');

export interface ComputersConfig {
  dataDir: string;
  /** Length of an auto-stop minute; shorter only in tests. */
  minuteMs: number;
  /** Own network per computer and cgroup limits (both on by default; the bench compares without). */
  isolation?: { network: boolean; limits: boolean };
  /** A filesystem image per computer so disk_size_gb holds (default on). */
  diskImages?: boolean;
  /**
   * Guests forked from one interpreter (runtime/zygote.ts) instead of one `python3` each
   * (default on; ORGO_GUEST_ZYGOTE=0 turns it off, for comparing the two).
   */
  zygote?: boolean;
  /**
   * Identical memory pages merged across computers by the kernel (runtime/page-sharing.ts;
   * off by default, being a side channel between computers; ORGO_SHARE_PAGES=1 turns it on).
   */
  sharePages?: boolean;
}

/** `oom_kill` event: the memory controller killed a process inside a computer. */
export interface OomEvent extends OomKill {
  computerId: string;
  mem_gb: number;
  timestamp: string;
}

const OOM_POLL_MS = 1000;

/** The machine's OOM kills so far (/proc/vmstat, Linux 4.13+), or null where it is not there. */
function machineOomKills(): number | null {
  try {
    const m = /^oom_kill (\d+)$/m.exec(readFileSync('/proc/vmstat', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** States in which the host should bring a computer back after the host itself restarts. */
const UP_STATES = new Set(['running', 'starting', 'restarting', 'creating']);

export class Computers extends EventEmitter {
  readonly network?: HostNetwork;
  readonly cgroups?: HostCgroups;
  private readonly oomSeen = new Map<string, number>();
  /** /proc/vmstat's oom_kill at the last look (null: not readable, so every computer is read). */
  private oomMachineSeen: number | null = null;
  private readonly spare?: SpareImages;
  private readonly zygote?: GuestZygote;
  private readonly pages = new PageSharing();
  /** The desktop's own libraries (desktop-libs.ts): built once, in the background from the start. */
  private readonly libs: Promise<string | undefined>;
  private readonly oomTicker: NodeJS.Timeout;
  private readonly desktops = new Map<string, Desktop>();
  private readonly lifecycle = new KeyedQueue();
  private readonly lastActivity = new Map<string, number>();
  private readonly viewers = new Map<string, number>();
  private closing = false;
  /** The leftovers of a previous host on this data dir are gone (runtime/leftovers.ts). */
  private readonly cleared: Promise<void>;
  private readonly ticker: NodeJS.Timeout;
  /** Each computer's last start, phase by phase (ms; `total` from the request), for the log and the bench. */
  private readonly startPhases = new Map<string, Record<string, number>>();

  constructor(
    private readonly store: ComputerStore,
    private readonly config: ComputersConfig,
  ) {
    super();
    this.ticker = setInterval(() => this.autoStopTick(), Math.max(50, Math.min(15_000, config.minuteMs / 4)));
    this.ticker.unref();
    const isolation = config.isolation ?? { network: true, limits: true };
    // Before this host writes down processes of its own over those of the host before (the zygote's pid).
    const written = writtenDownProcesses(config.dataDir);
    const names = new HostNetwork(config.dataDir);
    if (isolation.network) this.network = names;
    if (isolation.limits) {
      this.cgroups = new HostCgroups(names.tag);
      try {
        this.cgroups.init();
      } catch (e) {
        log.warn(`cgroup limits are off: ${(e as Error).message}`);
        this.cgroups = undefined;
      }
    }
    // What a host of this data dir that died left (processes, cgroups, links, its firewall table,
    // mounts), whichever isolation it ran with: gone before this host makes a disk or boots.
    this.cleared = clearLeftovers({ dataDir: config.dataDir, written, cgroups: this.cgroups ?? new HostCgroups(names.tag), network: names })
      .then(() => {}, (e) => log.error(`clearing what the previous host left: ${(e as Error).message}`));
    if (config.diskImages !== false) {
      try {
        mkdirSync(join(config.dataDir, 'disks'), { recursive: true, mode: 0o700 });
        this.spare = new SpareImages(join(config.dataDir, 'disks'), DEFAULT_DISK_GB);
      } catch (e) {
        log.warn(`no spare disk image: ${(e as Error).message}`);
      }
    }
    if ((config.zygote ?? process.env.ORGO_GUEST_ZYGOTE !== '0')) {
      this.zygote = new GuestZygote(join(config.dataDir, 'run', 'zygote.sock'), computerPaths(config.dataDir, '-', '-').pycache);
      void this.zygote.ready(); // now, so the first computer does not wait for it
    }
    this.libs = buildDesktopLibs(join(config.dataDir, 'cache', 'lib'));
    // Opt-in: merging pages across computers is a timing side channel between them (page-sharing.ts).
    if (config.sharePages ?? process.env.ORGO_SHARE_PAGES === '1') this.pages.start();
    this.oomTicker = setInterval(() => this.oomTick(), OOM_POLL_MS);
    this.oomTicker.unref();
  }

  /** Whether this host's computers let the kernel merge their pages (runtime/page-sharing.ts). */
  get sharesPages(): boolean {
    return this.pages.enabled;
  }

  /** The guest zygote's pid while it runs (runtime/zygote.ts). */
  get zygotePid(): number | undefined {
    return this.zygote?.pid;
  }

  /** Whether cpu and ram are real limits on this host (cgroups found and writable). */
  get limitsEnforced(): boolean {
    return !!this.cgroups?.enforced;
  }

  get(id: string): ComputerRow {
    const row = this.store.get(id);
    if (!row) throw notFound('Computer');
    return row;
  }

  desktop(id: string): Desktop | undefined {
    return this.desktops.get(id);
  }

  /**
   * Creates a computer and boots it; answers once it is running (or in error, with the reason).
   * `fillDisk` (a clone) puts a disk in place instead of a new empty one.
   */
  async create(spec: NewComputerSpec, extra: { bandwidth_limit_mbps?: number | null; fillDisk?: (row: ComputerRow) => Promise<boolean> } = {}): Promise<ComputerRow> {
    let row = this.store.insert({
      ...spec,
      id: randomUUID(),
      instance_id: newInstanceId(),
      vnc_password: newVncPassword(),
      status: 'creating',
    });
    if (extra.bandwidth_limit_mbps) row = this.store.update(row.id, { bandwidth_limit_mbps: extra.bandwidth_limit_mbps });
    const id = row.id;
    const requested = performance.now();
    return this.serial(id, async () => {
      await this.cleared;
      const queued = performance.now() - requested;
      const diskAt = performance.now();
      try {
        const image = extra.fillDisk ? await extra.fillDisk(this.get(id)) : await this.newDisk(this.get(id));
        if (image) this.store.update(id, { disk_image: 1 });
      } catch (e) {
        if (extra.fillDisk) {
          return this.store.update(id, { status: 'error', error_message: `could not copy the disk: ${(e as Error).message}` });
        }
        log.warn(`computer ${id}: no disk image (${(e as Error).message}); its disk is a folder without a size limit`);
      }
      return this.boot(id, 'creating', { requested, queued, disk: performance.now() - diskAt });
    });
  }

  /** Where the last start of `id` spent its time (ms), phase by phase. */
  lastStartPhases(id: string): Record<string, number> | undefined {
    return this.startPhases.get(id);
  }

  /** A new empty image of the computer's size, mounted; false when images are off. */
  private async newDisk(row: ComputerRow): Promise<boolean> {
    if (this.config.diskImages === false) return false;
    const p = this.paths(row);
    if (await this.spare?.take(p.image, p.disk, row.disk_size_gb)) return true;
    await makeImage(p.image, row.disk_size_gb);
    await mountImage(p.image, p.disk);
    return true;
  }

  /** Runs `op` in the computer's turn (after every earlier operation on it). */
  exclusive<T>(id: string, op: () => Promise<T>): Promise<T> {
    this.get(id);
    return this.serial(id, op);
  }

  start(id: string): Promise<ComputerRow> {
    this.get(id);
    return this.serial(id, async () => {
      const row = this.get(id);
      if (row.status === 'running' && this.desktops.get(id)?.alive) return row;
      return this.boot(id, 'starting');
    });
  }

  stop(id: string): Promise<ComputerRow> {
    this.get(id);
    return this.serial(id, async () => {
      const row = this.get(id);
      if (row.status === 'stopped' && !this.desktops.has(id)) return row;
      this.store.update(id, { status: 'stopping' });
      await this.halt(id);
      return this.store.update(id, { status: 'stopped', error_message: null });
    });
  }

  /**
   * Restart rotates the VNC password: whoever held the old one must fetch the new one. Its
   * progress shows in the status: `restarting` while the desktop stops (a host that dies then
   * brings it back, as UP_STATES says), `starting` while it boots again, then `running`; so a list
   * or a viewer that polls sees where it is rather than one frozen word.
   */
  restart(id: string): Promise<ComputerRow> {
    this.get(id);
    return this.serial(id, async () => {
      this.store.update(id, { status: 'restarting' });
      await this.halt(id);
      this.store.update(id, { vnc_password: newVncPassword() });
      return this.boot(id, 'starting');
    });
  }

  remove(id: string): Promise<void> {
    this.get(id);
    return this.serial(id, async () => {
      const row = this.get(id);
      this.store.update(id, { status: 'deleting' });
      await this.halt(id);
      await this.dropDisk(row);
      this.store.delete(id);
      this.lastActivity.delete(id);
      this.startPhases.delete(id);
    });
  }

  setAutoStop(id: string, minutes: number): ComputerRow {
    this.get(id);
    this.touch(id);
    return this.store.update(id, { auto_stop_minutes: minutes });
  }

  /** Runs a request in the computer's guest (bash, exec, ...); the computer must be running. */
  async guest<K extends GuestOp>(id: string, op: K, input: GuestOps[K]['input'], timeoutMs: number): Promise<GuestResult<K>> {
    const row = this.get(id);
    const desk = this.desktops.get(id);
    if (row.status !== 'running' || !desk?.alive) throw notRunning();
    this.touch(id);
    try {
      await desk.settled; // as Actions.run: a fresh computer's window manager first
      return await desk.request(op, input, timeoutMs);
    } catch (e) {
      // Its exit is handled before this runs: the row already says why it ended.
      if (!desk.alive) throw stoppedUnder(this.store.get(id)?.error_message);
      throw unreachable((e as Error).message);
    } finally {
      this.touch(id);
    }
  }

  /** Any API action on a computer counts as activity for auto-stop. */
  touch(id: string): void {
    this.lastActivity.set(id, Date.now());
  }

  viewerOpened(id: string): void {
    this.viewers.set(id, (this.viewers.get(id) ?? 0) + 1);
    this.touch(id);
  }

  viewerClosed(id: string): void {
    const n = (this.viewers.get(id) ?? 1) - 1;
    if (n > 0) this.viewers.set(id, n);
    else this.viewers.delete(id);
    this.touch(id);
  }

  paths(row: Pick<ComputerRow, 'id' | 'instance_id'>) {
    return computerPaths(this.config.dataDir, row.id, row.instance_id);
  }

  /** At host start: computers that were up come back up, two at a time (this is a 2-core box). */
  async recover(): Promise<void> {
    // Those coming back say so at once: clearing what a dead host left and mounting the disks
    // below take a while, and a client that asks meanwhile must not read the last run's
    // "running" for a desktop that is not up yet.
    const up = this.store.list().filter((r) => UP_STATES.has(r.status));
    for (const row of up) this.store.update(row.id, { status: 'starting', error_message: null });
    await this.cleared;
    for (const row of this.store.list()) {
      if (row.status === 'stopping') this.store.update(row.id, { status: 'stopped' });
      if (row.status === 'deleting') {
        await this.dropDisk(row);
        this.store.delete(row.id);
      }
    }
    // Images are mounted for as long as the host runs: the files API reads stopped computers too.
    for (const row of this.store.list()) {
      if (row.disk_image) await mountImage(this.paths(row).image, this.paths(row).disk).catch((e) => log.error(`mounting ${row.id}'s disk: ${e}`));
    }
    const workers = [0, 1].map(async () => {
      for (let row = up.shift(); row; row = up.shift()) {
        const id = row.id;
        await this.serial(id, () => this.boot(id, 'starting')).catch((e) => log.error(`recovering ${id}: ${e}`));
      }
    });
    await Promise.all(workers);
  }

  /** Host shutdown: every desktop stops, statuses stay, so the next start brings them back. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.cleared;
    clearInterval(this.ticker);
    clearInterval(this.oomTicker);
    await Promise.all([...this.desktops.values()].map((d) => d.stop()));
    await Promise.all([...this.exits.values()]);
    await this.zygote?.close();
    await this.network?.close();
    this.cgroups?.close();
    await this.spare?.close();
    for (const row of this.store.list()) {
      if (row.disk_image) await unmountImage(this.paths(row).disk).catch((e) => log.warn(`unmounting ${row.id}'s disk: ${e}`));
    }
  }

  private async dropDisk(row: ComputerRow): Promise<void> {
    const p = this.paths(row);
    await unmountImage(p.disk);
    rmSync(p.image, { force: true });
    rmSync(p.disk, { recursive: true, force: true });
  }

  /** Cleanups of computers that ended (cgroups, link), awaited before the next boot and at shutdown. */
  private readonly exits = new Map<string, Promise<void>>();

  private oomTick(): void {
    if (!this.cgroups) return;
    // The kernel counts every OOM kill machine-wide, a memory cgroup's included: while that count
    // stands still no computer lost a process, and one read replaces a read per computer (a
    // thousand a second, on this event loop, at a thousand computers).
    const machine = machineOomKills();
    if (machine !== null && machine === this.oomMachineSeen) return;
    this.oomMachineSeen = machine;
    for (const id of this.desktops.keys()) {
      const n = this.cgroups.oomKills(id);
      const seen = this.oomSeen.get(id) ?? 0;
      if (n <= seen) continue;
      this.oomSeen.set(id, n);
      void this.cgroups.lastOomKill(id).then((kill) => {
        const row = this.store.get(id);
        const event: OomEvent = {
          computerId: id,
          process: kill?.process ?? 'unknown',
          pid: kill?.pid ?? 0,
          rss_mb: kill?.rss_mb ?? null,
          mem_gb: row?.ram ?? 0,
          timestamp: new Date().toISOString(),
        };
        log.warn(`computer ${id}: out of memory (${event.mem_gb} GB): killed ${event.process} (pid ${event.pid} on the host)`);
        this.emit('oom_kill', event);
      });
    }
  }

  private async boot(id: string, state: 'creating' | 'starting' | 'restarting', before: { requested: number; queued: number; disk: number } = { requested: performance.now(), queued: 0, disk: 0 }): Promise<ComputerRow> {
    if (this.closing) throw new ApiError(503, 'The host is shutting down', 'host_shutting_down');
    await this.cleared;
    const row = this.store.update(id, { status: state, error_message: null });
    const phases: Record<string, number> = { queued: before.queued, disk: before.disk };
    let at = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = (phases[name] ?? 0) + (now - at);
      at = now;
    };
    await this.exits.get(id);
    lap('cleanup');
    if (row.disk_image) {
      try {
        await mountImage(this.paths(row).image, this.paths(row).disk);
        // A grow the host could not make online while it ran is made now, before anything uses the disk.
        if (state !== 'creating' && (await fitFilesystem(this.paths(row).image, this.paths(row).disk))) log.info(`computer ${id}: disk grown to ${row.disk_size_gb} GB`);
      } catch (e) {
        return this.store.update(id, { status: 'error', error_message: `the computer's disk could not be mounted: ${(e as Error).message}` });
      }
      lap('disk');
    }
    // The host's side of the network first (its firewall table, the DNS forwarder): the guest
    // writes the computer's resolv.conf from it before anything inside looks a name up.
    await this.network?.init().catch(() => {}); // attach() reports it
    const cgroupProcs = this.cgroups?.create(id, { vcpus: row.cpu, memGb: row.ram });
    lap('cgroups');
    const libDir = await this.libs;
    const desk = new Desktop({
      instanceId: row.instance_id,
      hostname: hostnameFor(row.name),
      resolution: row.resolution,
      vncPassword: row.vnc_password,
      paths: this.paths(row),
      masks: [this.config.dataDir],
      network: this.network ? { host: this.network, computerId: id, bandwidthMbps: row.bandwidth_limit_mbps } : undefined,
      resolvConf: this.network?.resolvConf ?? undefined,
      cgroupProcs,
      zygote: this.zygote,
      sharePages: this.pages.enabled,
      libDir,
    });
    this.oomSeen.set(id, 0);
    this.desktops.set(id, desk);
    this.pages.setComputers(this.desktops.size);
    desk.on('exit', (reason: string | null) => {
      if (this.desktops.get(id) === desk) this.desktops.delete(id);
      this.pages.setComputers(this.desktops.size);
      if (!this.desktops.has(id)) {
        const cleanup = (async () => {
          await this.cgroups?.remove(id);
          await this.network?.detach(id);
        })().catch((e) => log.warn(`cleaning up after ${id}: ${e}`));
        this.exits.set(id, cleanup);
        void cleanup.finally(() => this.exits.get(id) === cleanup && this.exits.delete(id));
      }
      if (reason && !this.closing && this.store.get(id)) {
        log.warn(`computer ${id} (${row.instance_id}) failed: ${reason}`);
        this.store.update(id, { status: 'error', error_message: reason });
      }
    });
    // A viewer's remote resize changes the screen; the stored resolution follows (and the
    // next boot keeps it).
    desk.on('resolution', (r: { width: number; height: number }) => {
      const now = this.store.get(id);
      if (this.desktops.get(id) !== desk || !now) return;
      // A size the API would refuse (xrandr inside the computer can ask for any) is not kept:
      // the next boot would have to start at it.
      if (!screenSizeAllowed(r.width, r.height)) return log.warn(`computer ${id}: its screen became ${r.width}x${r.height}; the stored ${now.resolution} stays`);
      const depth = now.resolution.split('x')[2] ?? '24'; // the X depth can differ from the asked one (32 → 24)
      this.store.update(id, { resolution: `${r.width}x${r.height}x${depth}` });
    });
    try {
      await desk.start();
      lap('desktop');
      // The keyboard's extra characters, beside the session's start rather than before `running`:
      // actions wait for both (Desktop.settled, Actions.run), so no application the API starts
      // reads the keymap before them and no key is typed before the window manager manages.
      desk.settleAlso(preloadKeymap(this.paths(row).xSocket, () => desk.going));
      this.touch(id);
      const done = this.store.update(id, { status: 'running', error_message: null });
      const all: Record<string, number> = { total: performance.now() - before.requested, ...phases, ...Object.fromEntries(Object.entries(desk.phases).map(([k, v]) => [`desktop.${k}`, v])) };
      for (const k of Object.keys(all)) all[k] = Math.round(all[k]! * 10) / 10;
      this.startPhases.set(id, all);
      // When actions may go ahead (the window manager up, the keymap loaded), from the request.
      const since = before.requested;
      void desk.settled.then(() => {
        if (this.startPhases.get(id) === all) all.settled = Math.round(performance.now() - since);
      });
      log.info(`computer ${id} running in ${Math.round(all.total!)} ms (${Object.entries(all).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')})`);
      return done;
    } catch (e) {
      await desk.stop();
      return this.store.update(id, { status: 'error', error_message: (e as Error).message });
    }
  }

  private async halt(id: string): Promise<void> {
    const desk = this.desktops.get(id);
    this.desktops.delete(id);
    this.pages.setComputers(this.desktops.size);
    if (desk) await desk.stop();
    // Stopped means its cgroups and link are gone too.
    await this.exits.get(id);
  }

  /** Runs `op` after every earlier operation on the same computer. */
  private serial<T>(id: string, op: () => Promise<T>): Promise<T> {
    return this.lifecycle.run(id, op);
  }

  private autoStopTick(): void {
    const now = Date.now();
    for (const row of this.store.list()) {
      if (row.status !== 'running' || row.auto_stop_minutes <= 0 || this.viewers.get(row.id) || this.lifecycle.busy(row.id)) continue;
      const idleMs = now - (this.lastActivity.get(row.id) ?? now);
      if (!this.lastActivity.has(row.id)) this.touch(row.id);
      if (idleMs >= row.auto_stop_minutes * this.config.minuteMs) {
        log.info(`auto-stopping ${row.id} after ${row.auto_stop_minutes} idle minute(s)`);
        this.stop(row.id).catch((e) => log.error(`auto-stop ${row.id}: ${e}`));
      }
    }
  }
}
