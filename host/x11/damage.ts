/**
 * When the screen has settled: a DAMAGE object on the root window (NonEmpty: the server says
 * "something was drawn" once, then nothing until we empty it again), so waiting for a quiet
 * screen costs one event per burst of drawing rather than a stream of rectangles or repeated
 * screenshots to compare. Used by the agent loop instead of a fixed sleep after each action.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Callback, Damage, XClient, XEvent } from './wire.js';

export class DamageWatch {
  private lastDamage = 0;

  private constructor(
    private readonly X: XClient,
    private readonly ext: Damage,
    private readonly id: number,
  ) {}

  static async open(X: XClient, root: number, request: <T>(fn: (cb: Callback<T>) => void) => Promise<T>): Promise<DamageWatch> {
    const ext = await request<Damage>((cb) => X.require('damage', cb));
    const id = X.AllocID();
    ext.Create(id, root, ext.ReportLevel.NonEmpty);
    const w = new DamageWatch(X, ext, id);
    w.lastDamage = performance.now();
    return w;
  }

  /** Fed every X event of the connection. */
  onEvent(ev: XEvent): void {
    if (ev.name !== 'DamageNotify' || ev.damage !== this.id) return;
    this.lastDamage = performance.now();
    // Empty the damage so the next drawing is reported again.
    this.ext.Subtract(this.id, 0, 0);
  }

  /**
   * Resolves once nothing has been drawn for `quietMs` (counted from `since`, the end of the
   * action, at the earliest), or `maxMs` after `since` at the latest. Answers whether it settled.
   */
  async settled(sync: () => Promise<void>, since: number, quietMs: number, maxMs: number): Promise<boolean> {
    for (;;) {
      // A round trip first: every DamageNotify the server sent before now has been read.
      await sync();
      const now = performance.now();
      const quietSince = Math.max(this.lastDamage, since);
      if (now - quietSince >= quietMs) return true;
      if (now - since >= maxMs) return false;
      await sleep(Math.min(quietMs - (now - quietSince), since + maxMs - now) + 1);
    }
  }

  close(): void {
    try {
      this.ext.Destroy(this.id);
    } catch {
      /* the connection is gone */
    }
  }
}
