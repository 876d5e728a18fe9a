/**
 * The display's keyboard mapping, as the host needs it to type: which keycode (and whether with
 * Shift) produces a keysym, and spare keycodes to borrow for keysyms no key carries (accents,
 * CJK, emoji), the way xdotool does it. Borrowed keycodes keep their keysym afterwards, so text
 * that repeats a character needs no remapping; a borrowed keycode is only given a new keysym once
 * it has been unused for REUSE_MS, because clients translate keycodes with the mapping they hold
 * when they read the event, and a remap that overtakes unread key events would change them.
 */

/** How long a borrowed keycode stays untouched before it may carry another keysym. */
export const REUSE_MS = 150;

export interface KeyStroke {
  keycode: number;
  shift: boolean;
}

interface Borrowed {
  keysym: number;
  lastUsed: number;
}

export class Keymap {
  private rows: number[][];
  private index = new Map<number, KeyStroke>();
  private readonly borrowed = new Map<number, Borrowed>();

  constructor(
    readonly minKeycode: number,
    rows: number[][],
  ) {
    this.rows = rows;
    this.reindex();
  }

  get keysymsPerKeycode(): number {
    return this.rows[0]?.length ?? 2;
  }

  /** After the server's mapping changed under us (another client, the VNC server): start over. */
  reload(rows: number[][]): void {
    this.rows = rows;
    for (const [code, b] of this.borrowed) {
      const row = this.rows[code - this.minKeycode];
      if (!row || row[0] !== b.keysym) this.borrowed.delete(code);
    }
    this.reindex();
  }

  lookup(keysym: number): KeyStroke | undefined {
    return this.index.get(keysym);
  }

  /** Marks borrowed keycodes as just used, so they are not remapped under unread events. */
  used(keycode: number, now: number): void {
    const b = this.borrowed.get(keycode);
    if (b) b.lastUsed = now;
  }

  /**
   * A keycode that may carry `keysym` now, or the time (ms from `now`) to wait until one is
   * free. The caller sends the returned mapping change before any event that uses it.
   */
  borrow(keysym: number, now: number): { keycode: number; row: number[] } | { waitMs: number } {
    let best: number | undefined;
    let bestUsed = Infinity;
    for (let i = 0; i < this.rows.length; i++) {
      const code = i + this.minKeycode;
      const b = this.borrowed.get(code);
      if (b) {
        if (b.lastUsed < bestUsed) [best, bestUsed] = [code, b.lastUsed];
      } else if (this.rows[i]!.every((k) => k === 0)) {
        [best, bestUsed] = [code, -Infinity];
        break;
      }
    }
    if (best === undefined) return { waitMs: REUSE_MS };
    if (bestUsed !== -Infinity && now - bestUsed < REUSE_MS) return { waitMs: REUSE_MS - (now - bestUsed) };
    const row = new Array<number>(this.keysymsPerKeycode).fill(0);
    // The same keysym unshifted and shifted: Shift held by someone else changes nothing.
    row[0] = keysym;
    if (row.length > 1) row[1] = keysym;
    const old = this.borrowed.get(best);
    if (old) this.index.delete(old.keysym);
    this.rows[best - this.minKeycode] = row;
    this.borrowed.set(best, { keysym, lastUsed: now });
    this.index.set(keysym, { keycode: best, shift: false });
    return { keycode: best, row };
  }

  private reindex(): void {
    this.index.clear();
    // Only the first group's two levels: plain and Shift. Other levels need modifiers (AltGr)
    // whose state is not ours to assume; such keysyms get a borrowed keycode instead.
    for (const level of [0, 1]) {
      for (let i = 0; i < this.rows.length; i++) {
        const row = this.rows[i]!;
        let ks = row[level] ?? 0;
        // A lone lowercase letter implies its capital on the Shift level (X's own rule).
        if (level === 1 && ks === 0 && row[0]! >= 0x61 && row[0]! <= 0x7a && row.slice(1).every((k) => k === 0)) ks = row[0]! - 0x20;
        if (ks !== 0 && !this.index.has(ks)) this.index.set(ks, { keycode: i + this.minKeycode, shift: level === 1 });
      }
    }
  }
}
