/**
 * Actions on running computers: one persistent X connection per running desktop (opened at
 * the first action, closed when the desktop exits, reopened if it drops), and one queue per
 * computer so that actions on it run one at a time in arrival order, while different computers
 * run in parallel.
 */
import { ApiError, notRunning, stoppedUnder, unreachable } from '../errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { logger } from '../../shared/node/log.js';
import type { Desktop } from '../runtime/desktop.js';
import type { ComputerRow } from '../store/computers.js';
import { DisplayError, XSession } from '../x11/session.js';
import type { Computers } from './computers.js';

const log = logger('actions');

interface Link {
  desktop: Desktop;
  session: Promise<XSession>;
}


/** After the X connection broke: if the computer is going down with it, how it ended (within `ms`). */
function endOf(desktop: Desktop | undefined, ms: number): Promise<boolean> {
  if (!desktop) return Promise.resolve(false);
  if (!desktop.alive) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ended: boolean) => {
      clearTimeout(timer);
      desktop.off('exit', onExit);
      resolve(ended);
    };
    const onExit = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    desktop.once('exit', onExit);
  });
}

export class Actions {
  private readonly queue = new KeyedQueue();
  private readonly links = new Map<string, Link>();

  constructor(private readonly computers: Computers) {}

  /**
   * Runs `op` after every earlier action on the same computer. The computer must be running when
   * the action arrives and again when its turn comes.
   */
  run<T>(row: ComputerRow, op: () => Promise<T>): Promise<T> {
    this.requireRunning(row.id);
    return this.queue.run(row.id, async () => {
      const desktop = this.requireRunning(row.id);
      this.computers.touch(row.id);
      try {
        // A fresh computer's first action: after its window manager and keymap (Desktop.settled).
        await desktop.settled;
        return await op();
      } catch (e) {
        const broken = e instanceof DisplayError || (e instanceof ApiError && e.code === 'desktop_unreachable');
        // The X server's death shows first as a broken connection; the computer's end follows.
        if (broken && (await endOf(desktop, 2000))) throw stoppedUnder(this.computers.get(row.id).error_message);
        if (e instanceof DisplayError) throw unreachable(e.message);
        throw e;
      } finally {
        this.computers.touch(row.id);
      }
    });
  }

  /** The computer's X connection, opened on first use. */
  async session(row: ComputerRow, retry = true): Promise<XSession> {
    const desktop = this.requireRunning(row.id);
    let link = this.links.get(row.id);
    if (link && link.desktop !== desktop) {
      this.drop(row.id, link);
      link = undefined;
    }
    if (!link) {
      const opening = XSession.open(this.computers.paths(row).xSocket);
      const made: Link = { desktop, session: opening };
      link = made;
      this.links.set(row.id, made);
      desktop.once('exit', () => this.drop(row.id, made));
      opening.then(
        (s) => s.once('close', () => this.links.get(row.id) === made && this.links.delete(row.id)),
        (e) => {
          log.warn(`computer ${row.id}: X connection failed: ${(e as Error).message}`);
          if (this.links.get(row.id) === made) this.links.delete(row.id);
        },
      );
    }
    try {
      const s = await link.session;
      if (s.alive) return s;
    } catch (e) {
      throw unreachable((e as Error).message);
    }
    // It dropped since: once more, from scratch.
    if (!retry) throw unreachable('the X connection closed');
    return this.session(row, false);
  }

  private requireRunning(id: string): Desktop {
    const row = this.computers.get(id);
    const desktop = this.computers.desktop(id);
    if (row.status !== 'running' || !desktop?.alive) throw notRunning();
    return desktop;
  }

  private drop(id: string, link: Link): void {
    if (this.links.get(id) === link) this.links.delete(id);
    link.session.then((s) => s.close(), () => {});
  }
}

const byComputers = new WeakMap<Computers, Actions>();

/** One Actions per host (per Computers), shared by every route and service that acts. */
export function actionsFor(computers: Computers): Actions {
  let a = byComputers.get(computers);
  if (!a) byComputers.set(computers, (a = new Actions(computers)));
  return a;
}
