/**
 * Failed-attempt limits for secrets that can be guessed online (the VNC password, whose DES check
 * reads only 8 characters). Each key (a computer, a remote address) may fail `limit` times within
 * `windowMs`; past that it is locked until its oldest failure leaves the window. Successes do not
 * wipe failures: knowing one computer's password must not buy more guesses at another's.
 */
export interface AttemptRule {
  limit: number;
  windowMs: number;
}

/** How many keys are tracked at most; the oldest go first (a flood of addresses cannot grow memory). */
const MAX_KEYS = 10_000;

export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rule: AttemptRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  lockedFor(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.rule.limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.rule.limit]! + this.rule.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, recent);
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.rule.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }
}
