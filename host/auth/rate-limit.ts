/**
 * A fixed-window count per caller (an address): `take` counts one and answers 0 while the caller
 * is within `max` per window, else the seconds until its window ends. Expired entries are dropped
 * as the map grows, so many callers cannot grow it without bound.
 */
export class WindowLimit {
  private readonly seen = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  take(who: string, now = Date.now()): number {
    if (this.seen.size > 10_000) for (const [k, v] of this.seen) if (v.until <= now) this.seen.delete(k);
    const e = this.seen.get(who);
    if (!e || e.until <= now) {
      this.seen.set(who, { count: 1, until: now + this.windowMs });
      return 0;
    }
    if (e.count >= this.max) return Math.ceil((e.until - now) / 1000);
    e.count++;
    return 0;
  }
}
