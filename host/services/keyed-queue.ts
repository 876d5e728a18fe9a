/**
 * One queue per key (a computer's id): work on a key runs one piece at a time in arrival order,
 * different keys in parallel. A failed piece does not stop the ones behind it. Used for a
 * computer's lifecycle (start, stop, restart, delete) and, separately, for its actions.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, op: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(key) ?? Promise.resolve()).catch(() => {}).then(op);
    this.tails.set(key, next);
    const clear = () => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    };
    next.then(clear, clear);
    return next;
  }

  /** True while something is queued or running for the key. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
