/**
 * What the screen is drawing: a DAMAGE object on the root window (NonEmpty: the server says
 * "something was drawn" once, then nothing until we empty it again), so watching for a quiet
 * screen costs one event per burst of drawing rather than a stream of rectangles or repeated
 * screenshots to compare. The agent loop reads it to take its screenshot once the screen is
 * still (host/agents/settle.ts) instead of after a fixed sleep.
 */
import type { Callback, Damage, XClient, XEvent } from './wire.js';

export class DamageWatch {
  /** performance.now() when the last DamageNotify was read. */
  lastDamage = 0;
  /** DamageNotify events read so far: a change means something was drawn in between. */
  draws = 0;

  private constructor(
    private readonly ext: Damage,
    private readonly id: number,
    /** A round trip: once it resolves, every DamageNotify the server sent before it has been read. */
    readonly sync: () => Promise<void>,
  ) {}

  static async open(X: XClient, root: number, request: <T>(fn: (cb: Callback<T>) => void) => Promise<T>, sync: () => Promise<void>): Promise<DamageWatch> {
    const ext = await request<Damage>((cb) => X.require('damage', cb));
    const id = X.AllocID();
    ext.Create(id, root, ext.ReportLevel.NonEmpty);
    const w = new DamageWatch(ext, id, sync);
    w.lastDamage = performance.now();
    return w;
  }

  /** Fed every X event of the connection. */
  onEvent(ev: XEvent): void {
    if (ev.name !== 'DamageNotify' || ev.damage !== this.id) return;
    this.lastDamage = performance.now();
    this.draws++;
    // Empty the damage so the next drawing is reported again.
    this.ext.Subtract(this.id, 0, 0);
  }

  close(): void {
    try {
      this.ext.Destroy(this.id);
    } catch {
      /* the connection is gone */
    }
  }
}
