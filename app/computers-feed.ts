/**
 * The live list of workspaces and computers for the active profile. Polls while someone watches
 * (quickly while a computer is between states or just after an action, slowly otherwise) and
 * pushes a snapshot only when something a person would see changed, so lists do not flicker.
 * A failed refresh keeps the last good list and says why; a host that does not answer at all is
 * said as such (host-health.ts), its computers shown as `unknown`, and the built-in host is
 * restarted by the app.
 */
import type { Computer, Workspace } from '../shared/api/types.js';
import { computerView } from '../shared/ipc/channels.js';
import type { ComputersSnapshot } from '../shared/ipc/types.js';
import { describeError } from './errors.js';
import { HostHealth, unreachable } from './host-health.js';
import { logger } from './log.js';
import { LOCAL_ID } from './profiles.js';
import type { Session } from './session.js';

const log = logger('computers-feed');
const STEADY_MS = 2000;
const BUSY_MS = 400;
// A host that does not answer is asked again at the steady pace, not the busy one.
const SETTLED = new Set(['running', 'stopped', 'error', 'suspended', 'unknown']);
/** A list call the host does not answer within this is "not answering" (a hung host, not just a slow one). */
const LIST_TIMEOUT_MS = 15_000;

export class ComputersFeed {
  private snapshot: ComputersSnapshot;
  private readonly watchers = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<ComputersSnapshot> | null = null;
  private busyUntil = 0;
  private listeners = new Set<(s: ComputersSnapshot) => void>();
  /** The API's full answers of the last refresh (with VNC passwords): main-side only, for the relay. */
  private full = new Map<string, Computer>();
  private readonly health = new HostHealth();
  /** Whose host `health` describes: a profile switch starts a new history. */
  private healthOf: string | null = null;
  private restartingHost = false;

  constructor(
    private readonly session: Session,
    private readonly options: { steadyMs?: number; busyMs?: number } = {},
  ) {
    this.snapshot = this.empty();
  }

  private empty(): ComputersSnapshot {
    return { profileId: this.session.profiles.active().id, workspaces: [], computers: [], error: null, hostDown: null, hostEvents: [], at: 0, loaded: false };
  }

  onChange(listener: (s: ComputersSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): ComputersSnapshot {
    return this.snapshot;
  }

  /** The last full answer for one computer of the active profile (never sent to a window). */
  known(id: string): Computer | undefined {
    return this.full.get(id);
  }

  /** A window starts watching: answers a fresh snapshot and keeps polling while it watches. */
  async watch(watcherId: string): Promise<ComputersSnapshot> {
    this.watchers.add(watcherId);
    const s = this.snapshot.loaded && this.snapshot.profileId === this.session.profiles.active().id ? this.snapshot : await this.refresh();
    this.schedule();
    return s;
  }

  unwatch(watcherId: string): void {
    this.watchers.delete(watcherId);
    if (!this.watchers.size && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** After an action: look now, and often for a while, so the new state shows at once. */
  poke(): void {
    this.busyUntil = Date.now() + 5000;
    void this.refresh();
  }

  /** The profile changed: forget the old list at once (never show one account's computers under another). */
  reset(): void {
    this.full.clear();
    this.snapshot = this.empty();
    this.emit();
    void this.refresh();
  }

  /**
   * The list as of at most `maxAgeMs` ago: the last one when it is that recent (for the active
   * profile), else a refresh (the one under way, if any).
   */
  recent(maxAgeMs: number): Promise<ComputersSnapshot> {
    const s = this.snapshot;
    if (s.loaded && !s.error && s.profileId === this.session.profiles.active().id && Date.now() - s.at <= maxAgeMs) return Promise.resolve(s);
    return this.refresh();
  }

  refresh(): Promise<ComputersSnapshot> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = null;
      this.schedule();
    });
    return this.inFlight;
  }

  private async load(): Promise<ComputersSnapshot> {
    const profile = this.session.profiles.active();
    const profileId = profile.id;
    const builtIn = profileId === LOCAL_ID;
    if (this.healthOf !== profileId) {
      this.health.reset();
      this.healthOf = profileId;
    }
    let next: ComputersSnapshot;
    try {
      // Once its list has shown, a dead built-in host is said before the app starts another.
      const { client } = await this.session.client({ ensure: !(builtIn && this.snapshot.loaded), timeoutMs: LIST_TIMEOUT_MS });
      const [workspaces, computers] = await Promise.all([client.listWorkspaces(), client.listComputers()]);
      if (profileId === this.session.profiles.active().id) this.full = new Map(computers.map((c) => [c.id, c]));
      next = {
        profileId,
        workspaces: workspaces.map((w: Workspace) => ({ id: w.id, name: w.name })),
        computers: computers.map((c: Computer) => computerView(c)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.name.localeCompare(b.name)),
        error: null,
        hostDown: null,
        hostEvents: [],
        at: Date.now(),
        loaded: true,
      };
      // While the app restarts the built-in host, a poll may reach the new process before the
      // restart is recorded: "back" waits for the refresh that ends the restart, so the history
      // reads down → restarted → back.
      if (!this.restartingHost && this.health.answered()) log.info(`the host of ${profile.name} answers again`);
    } catch (e) {
      const words = describeError(e).message;
      log.debug(`refresh failed: ${words}`);
      const why = unreachable(e);
      if (why && this.health.noAnswer(why, builtIn, new URL(profile.baseUrl).origin)) log.warn(`the host of ${profile.name} stopped answering: ${why}`);
      if (why && builtIn) this.restartBuiltIn();
      const keep = this.snapshot.profileId === profileId ? this.snapshot : this.empty();
      // What the list last said is no longer known while nobody answers: never a stale "Running".
      const computers = why ? keep.computers.map((c) => ({ ...c, status: 'unknown' as const })) : keep.computers;
      next = { ...keep, computers, profileId, error: words, at: Date.now() };
    }
    next = { ...next, hostDown: this.health.down, hostEvents: this.health.events };
    // The profile may have changed while we were asking: drop an answer for the old one.
    if (profileId !== this.session.profiles.active().id) return this.snapshot;
    const changed = JSON.stringify({ ...this.snapshot, at: 0 }) !== JSON.stringify({ ...next, at: 0 });
    this.snapshot = next;
    if (changed) this.emit();
    return next;
  }

  /**
   * The built-in host stopped answering: start it again (computers run continuously, so the app
   * brings their host back), and say what happened in the history either way.
   */
  private restartBuiltIn(): void {
    if (this.restartingHost) return;
    this.restartingHost = true;
    this.health.restarting(true);
    const host = this.session.localHost;
    const before = host.pid;
    void host
      .ensure()
      .then(
        // It may have come back by itself (a service manager, a person): only a new process is a restart.
        () => host.pid !== before && this.health.restarted(),
        (e: unknown) => this.health.restartFailed(describeError(e).message),
      )
      .finally(() => {
        this.restartingHost = false;
        this.health.restarting(false);
        void this.refresh();
      });
  }

  private emit(): void {
    for (const l of this.listeners) l(this.snapshot);
  }

  private schedule(): void {
    if (!this.watchers.size || this.inFlight) return;
    if (this.timer) clearTimeout(this.timer);
    const busy = Date.now() < this.busyUntil || this.snapshot.computers.some((c) => !SETTLED.has(c.status));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, busy ? this.options.busyMs ?? BUSY_MS : this.options.steadyMs ?? STEADY_MS);
    this.timer.unref?.();
  }

  close(): void {
    this.watchers.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
