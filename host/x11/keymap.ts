/**
 * The display's keyboard mapping, as the host needs it to type: which keycode (and whether with
 * Shift) produces a keysym, and spare keycodes to borrow for keysyms no key carries (accents,
 * CJK, emoji), the way xdotool does it. Spare keycodes are the empty ones and those that carry
 * only vendor (XF86) keysyms, about a hundred on Xvnc's default map. Borrowed keycodes keep their
 * keysym afterwards, so text that repeats a character needs no remapping, and one is only given
 * a new keysym once it has been unused for REUSE_MS: some clients (Chromium) translate a key
 * event with the mapping they hold when they get round to it, so a remap that overtakes key
 * events they have not handled yet changes those characters. 150 ms proved too short for a busy
 * Chromium on this 2-core machine.
 */

/** How long a borrowed keycode stays untouched before it may carry another keysym. */
export const REUSE_MS = 1000;

/** XF86 keysyms the host's key names use (volume, media, browser keys): their keycodes stay. */
const KEEP = new Set([0x1008ff11, 0x1008ff12, 0x1008ff13, 0x1008ff14, 0x1008ff15, 0x1008ff16, 0x1008ff17, 0x1008ff26, 0x1008ff27, 0x1008ff73, 0x1008ff1b, 0x1008ff18]);

const isVendor = (k: number) => (k & 0xffff0000) === 0x10080000;
/**
 * Keycodes never borrowed even when they carry only vendor keysyms: the evdev editing keys
 * (Stop, Again, Props, Undo, Front, Copy, Open, Paste, Find, Cut, Help) and Power. Chromium
 * reads the key's code from the keycode and acts on these (a character typed on the Cut key
 * never arrives), whatever keysym the key carries.
 */
const ACTION_KEYCODES = new Set([124, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146]);
const vendorOnly = (row: number[]) => row.every((k) => k === 0 || (isVendor(k) && !KEEP.has(k)));
/** Keycodes whose rows may be sent again as they are within a mapping change: no ordinary key. */
const harmless = (row: number[]) => row.every((k) => k === 0 || isVendor(k));

/** One ChangeKeyboardMapping request: consecutive keycodes from `first`. */
export interface MappingChange {
  first: number;
  rows: number[][];
}

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
  /** Keycodes that may be borrowed, those in long runs of harmless keycodes first. */
  private spares: number[] = [];
  /** For each keycode in a run of harmless or borrowed keycodes, the run's bounds. */
  private runOf = new Map<number, [number, number]>();

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

  isBorrowed(keycode: number): boolean {
    return this.borrowed.has(keycode);
  }

  /** How many keycodes can carry borrowed keysyms at once. */
  get capacity(): number {
    return this.spares.length + this.borrowed.size;
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
   * free; `pinned` keycodes are about to be used and are never taken. The caller sends the
   * returned mapping change before any event that uses it.
   */
  borrow(keysym: number, now: number, pinned: ReadonlySet<number> = new Set()): { keycode: number; row: number[] } | { waitMs: number } {
    let best = this.spares.find((code) => !this.borrowed.has(code));
    if (best === undefined) {
      let oldest = Infinity;
      for (const [code, b] of this.borrowed) if (!pinned.has(code) && b.lastUsed < oldest) [best, oldest] = [code, b.lastUsed];
      if (best === undefined) return { waitMs: REUSE_MS };
      if (now - oldest < REUSE_MS) return { waitMs: REUSE_MS - (now - oldest) };
    }
    const row = new Array<number>(this.keysymsPerKeycode).fill(0);
    // The same keysym unshifted and shifted: Shift held by someone else changes nothing.
    row[0] = keysym;
    if (row.length > 1) row[1] = keysym;
    this.rows[best - this.minKeycode] = row;
    this.borrowed.set(best, { keysym, lastUsed: now });
    this.reindex();
    return { keycode: best, row };
  }

  /**
   * Gives spare keycodes the keysyms in `pairs` (plain, Shift) for good: they are never borrowed
   * again. Done once when the display starts, before any application reads the mapping, so the
   * characters people type most that no key carries (é, ü, ñ, €, “…”) need no change of mapping
   * when they are typed, which applications may take in too late (see Keymap). Answers the
   * requests to send; pairs already typeable, or beyond the spares, are left out.
   */
  preload(pairs: ReadonlyArray<readonly [number, number]>, keepSpare: number): MappingChange[] {
    const codes: number[] = [];
    for (const [plain, shifted] of pairs) {
      if (this.index.has(plain) || this.spares.length - codes.length <= keepSpare) continue;
      const code = this.spares.find((c) => !codes.includes(c) && !this.empty(c));
      if (code === undefined) break;
      const row = new Array<number>(this.keysymsPerKeycode).fill(0);
      row[0] = plain;
      if (row.length > 1) row[1] = shifted;
      this.rows[code - this.minKeycode] = row;
      codes.push(code);
    }
    // Grouped by the runs as they were, so few requests cover them; then the new rows count.
    const changes = this.changes(codes);
    this.reindex();
    return changes;
  }

  private empty(code: number): boolean {
    return this.rows[code - this.minKeycode]!.every((k) => k === 0);
  }

  /**
   * The requests that make the server hold our rows for `codes`: one per run of harmless
   * keycodes, resending the untouched rows in between as they are.
   */
  changes(codes: Iterable<number>): MappingChange[] {
    const byRun = new Map<string, number[]>();
    for (const code of codes) {
      const run = this.runOf.get(code) ?? [code, code];
      const key = run.join('-');
      byRun.set(key, [...(byRun.get(key) ?? []), code]);
    }
    return [...byRun.values()].map((group) => {
      const [first, last] = [Math.min(...group), Math.max(...group)];
      return { first, rows: this.rows.slice(first - this.minKeycode, last - this.minKeycode + 1).map((r) => [...r]) };
    });
  }

  private reindex(): void {
    this.index.clear();
    // Runs of keycodes that one mapping request may cover without touching an ordinary key.
    this.runOf.clear();
    let start = -1;
    for (let i = 0; i <= this.rows.length; i++) {
      const code = i + this.minKeycode;
      const ok = i < this.rows.length && (this.borrowed.has(code) || harmless(this.rows[i]!));
      if (ok && start < 0) start = code;
      if (!ok && start >= 0) {
        const run: [number, number] = [start, code - 1];
        for (let c = start; c < code; c++) this.runOf.set(c, run);
        start = -1;
      }
    }
    const runLength = (code: number) => {
      const r = this.runOf.get(code)!;
      return r[1] - r[0];
    };
    this.spares = this.rows
      .map((row, i) => ({ row, code: i + this.minKeycode }))
      .filter(({ row, code }) => !this.borrowed.has(code) && vendorOnly(row) && !ACTION_KEYCODES.has(code))
      .map(({ code }) => code)
      // Empty keycodes last: they are where Xvnc puts the keysyms a VNC client sends that no key
      // carries, and a keycode both of us fill at once ends up with one of the two characters.
      // Then long runs first, which keeps the mapping requests (and the clients' reloads) few.
      .sort((a, b) => Number(this.empty(a)) - Number(this.empty(b)) || runLength(b) - runLength(a) || a - b);
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
