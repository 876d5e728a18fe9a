/**
 * The live list of workspaces and computers for the active profile. Polls while someone watches
 * (quickly while a computer is between states or just after an action, slowly otherwise) and
 * pushes a snapshot only when something a person would see changed, so lists do not flicker.
 * A failed refresh keeps the last good list and says why.
 */
import type { Computer, Workspace } from '../shared/api/types.js';
import { computerView } from '../shared/ipc/channels.js';
import type { ComputersSnapshot } from '../shared/ipc/types.js';
import { describeError } from './errors.js';
import { logger } from './log.js';
import type { Session } from './session.js';

const log = logger('computers-feed');
const STEADY_MS = 2000;
const BUSY_MS = 400;
const SETTLED = new Set(['running', 'stopped', 'error', 'suspended']);

export class ComputersFeed {
  private snapshot: ComputersSnapshot;
  private readonly watchers = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<ComputersSnapshot> | null = null;
  private busyUntil = 0;
  private listeners = new Set<(s: ComputersSnapshot) => void>();
  /** The API's full answers of the last refresh (with VNC passwords): main-side only, for the relay. */
  private full = new Map<string, Computer>();

  constructor(
    private readonly session: Session,
    private readonly options: { steadyMs?: number; busyMs?: number } = {},
  ) {
    this.snapshot = this.empty();
  }

  private empty(): ComputersSnapshot {
    return { profileId: this.session.profiles.active().id, workspaces: [], computers: [], error: null, at: 0, loaded: false };
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

  refresh(): Promise<ComputersSnapshot> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = null;
      this.schedule();
    });
    return this.inFlight;
  }

  private async load(): Promise<ComputersSnapshot> {
    const profileId = this.session.profiles.active().id;
    let next: ComputersSnapshot;
    try {
      const { client } = await this.session.client();
      const [workspaces, computers] = await Promise.all([client.listWorkspaces(), client.listComputers()]);
      if (profileId === this.session.profiles.active().id) this.full = new Map(computers.map((c) => [c.id, c]));
      next = {
        profileId,
        workspaces: workspaces.map((w: Workspace) => ({ id: w.id, name: w.name })),
        computers: computers.map((c: Computer) => computerView(c)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.name.localeCompare(b.name)),
        error: null,
        at: Date.now(),
        loaded: true,
      };
    } catch (e) {
      const words = describeError(e).message;
      log.debug(`refresh failed: ${words}`);
      const keep = this.snapshot.profileId === profileId ? this.snapshot : this.empty();
      next = { ...keep, profileId, error: words, at: Date.now() };
    }
    // The profile may have changed while we were asking: drop an answer for the old one.
    if (profileId !== this.session.profiles.active().id) return this.snapshot;
    const changed = JSON.stringify({ ...this.snapshot, at: 0 }) !== JSON.stringify({ ...next, at: 0 });
    this.snapshot = next;
    if (changed) this.emit();
    return next;
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
