/**
 * One persistent connection to a computer's X server (Xvnc), through which every input action
 * and screenshot goes: XTEST for the pointer and keys, capture.ts for pixels. Each action ends
 * with a round trip, so when it resolves the server has processed every event it sent.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Image } from '../imaging/pixels.js';
import { logger } from '../../shared/node/log.js';
import { Keymap } from './keymap.js';
import { MODIFIERS, UntypeableError, XK, charKeysym, untypeable, type Chord } from './keysyms.js';
import { ScreenCapture } from './capture.js';
import { DamageWatch } from './damage.js';
import { STRUCTURE_NOTIFY, call, connectDisplay, type Callback, type XClient, type XDisplayInfo, type XTest } from './wire.js';

const log = logger('x11');

export type Button = 'left' | 'middle' | 'right';
const BUTTONS: Record<Button, number> = { left: 1, middle: 2, right: 3 };
const SCROLL_BUTTONS = { up: 4, down: 5, left: 6, right: 7 } as const;
export type ScrollDirection = keyof typeof SCROLL_BUTTONS;

/** Pointer motion during a drag: about one step per display frame. */
const DRAG_STEP_MS = 16;
/** After borrowing keycodes, time for clients to take in the new mapping before keys use it. */
const SETTLE_MS = 100;
/** After a click, keys wait for the keyboard focus to stay put this long, but no longer than FOCUS_WAIT_MS. */
const FOCUS_QUIET_MS = 50;
const FOCUS_WAIT_MS = 500;
/** A server that has not answered a round trip in this long is wedged: drop it, reconnect later. */
const REPLY_TIMEOUT_MS = 10_000;

/** The display is gone or does not answer: the action did not (fully) happen. */
export class DisplayError extends Error {}

/** Events: `close` once the connection is gone (the display stopped, or close() was called). */
export class XSession extends EventEmitter {
  private closed = false;
  private width: number;
  private height: number;
  private keymapStale = false;
  private readonly screen: ScreenCapture;
  /** The last click's time and the keyboard focus right after the server took it in. */
  private lastClick?: { at: number; focus: number };
  /** Opened at the first drawing() (the agent loop's); plain API actions never pay for it. */
  private damage?: Promise<DamageWatch | null>;
  private damageWatch?: DamageWatch;

  private constructor(
    private readonly X: XClient,
    private readonly display: XDisplayInfo,
    private readonly xtest: XTest,
    private readonly keymap: Keymap,
  ) {
    super();
    this.screen = new ScreenCapture(X, display, () => this.size, (fn) => this.request(fn));
    const screen = display.screen[0]!;
    this.width = screen.pixel_width;
    this.height = screen.pixel_height;
    X.on('event', (ev) => {
      // The VNC client may resize the desktop; our size must follow it.
      if (ev.name === 'ConfigureNotify' && ev.wid === this.root && ev.width && ev.height) {
        this.width = ev.width;
        this.height = ev.height;
      } else if (ev.name === 'MappingNotify' && ev.request === 1) {
        this.keymapStale = true;
      } else if (ev.name === 'DamageNotify') {
        this.damageWatch?.onEvent(ev);
      }
    });
    X.on('error', (e) => log.warn(`X error: ${e?.message ?? e}`));
    X.on('end', () => this.onClosed());
    X.stream.on('close', () => this.onClosed());
  }

  static async open(socketPath: string): Promise<XSession> {
    const display = await connectDisplay(socketPath);
    const X = display.client;
    try {
      const xtest = await call<XTest>((cb) => X.require('xtest', cb));
      const rows = await call<number[][]>((cb) => X.GetKeyboardMapping(display.min_keycode, display.max_keycode - display.min_keycode + 1, cb));
      X.ChangeWindowAttributes(display.screen[0]!.root, { eventMask: STRUCTURE_NOTIFY });
      return new XSession(X, display, xtest, new Keymap(display.min_keycode, rows));
    } catch (e) {
      X.terminate();
      throw e;
    }
  }

  get alive(): boolean {
    return !this.closed;
  }

  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  private get root(): number {
    return this.display.screen[0]!.root;
  }

  close(): void {
    if (this.closed) return;
    this.damageWatch?.close();
    try {
      this.X.terminate();
    } catch {
      /* already gone */
    }
    this.onClosed();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  /** Waits for a reply, but not past the connection's end or REPLY_TIMEOUT_MS. */
  private guard<T>(p: Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new DisplayError('the X connection closed'));
    return new Promise<T>((resolve, reject) => {
      const onClose = () => finish(() => reject(new DisplayError('the X connection closed')));
      const timer = setTimeout(() => {
        finish(() => reject(new DisplayError(`the X server did not answer within ${REPLY_TIMEOUT_MS / 1000} s`)));
        this.close();
      }, REPLY_TIMEOUT_MS);
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.off('close', onClose);
        then();
      };
      this.once('close', onClose);
      p.then(
        (v) => finish(() => resolve(v)),
        (e) => finish(() => reject(e)),
      );
    });
  }

  private request<T>(fn: (cb: Callback<T>) => void): Promise<T> {
    return this.guard(call(fn));
  }

  /** A round trip: every request sent before it has been processed by the server. */
  private sync(): Promise<void> {
    return this.guard(this.X.sync());
  }

  // ---- pointer ----

  private move(x: number, y: number): void {
    this.xtest.FakeInput(this.xtest.MotionNotify, 0, 0, this.root, Math.round(x), Math.round(y));
  }

  private fakeButton(b: number, down: boolean): void {
    this.xtest.FakeInput(down ? this.xtest.ButtonPress : this.xtest.ButtonRelease, b, 0, 0, 0, 0);
  }

  async click(x: number, y: number, button: Button, double: boolean): Promise<void> {
    this.move(x, y);
    for (let i = 0; i < (double ? 2 : 1); i++) {
      this.fakeButton(BUTTONS[button], true);
      this.fakeButton(BUTTONS[button], false);
    }
    await this.clicked();
  }

  /** The round trip that ends a click: it also notes where the keyboard focus was then. */
  private async clicked(): Promise<void> {
    const { focus } = await this.request<{ focus: number }>((cb) => this.X.GetInputFocus(cb));
    this.lastClick = { at: performance.now(), focus };
  }

  /**
   * Keys right after a click: the window manager moves the keyboard focus to the clicked window
   * when it gets round to the click, and the application may move it again a little later
   * (Chromium sets it itself); keys sent before then land in the window that had the focus. So
   * keys wait until the focus is in the clicked window and has stayed put for FOCUS_QUIET_MS
   * (Chromium can take it back a moment after a click elsewhere), at most until FOCUS_WAIT_MS
   * after the click. Where the click cannot give the clicked window the focus (the panel, a menu, the
   * desktop: windows that refuse input focus or that no window manager manages), the focus
   * moves only if that window asks for another one to be activated (a taskbar button): keys
   * then wait until it has stayed put for FOCUS_QUIET_MS, the panel's time to ask, not the
   * 500 ms ceiling. A click that sends the focus elsewhere ends the same way once it stops moving.
   * A click into the window that already has the focus waits for nothing.
   */
  private async focusSettled(): Promise<void> {
    const click = this.lastClick;
    this.lastClick = undefined;
    if (!click || performance.now() - click.at >= FOCUS_WAIT_MS) return;
    const { child } = await this.request<{ child: number }>((cb) => this.X.QueryPointer(this.root, cb));
    if (!child) return; // the desktop itself: no window there takes the focus
    const frames = new Map<number, number>();
    const frameOf = async (w: number) => frames.get(w) ?? frames.set(w, w > 1 ? await this.topLevel(w) : 0).get(w)!;
    // Already in the clicked window when the click went in: the window manager has nowhere to
    // move it, and keys land there now (the usual case: clicking into the window one types in).
    if ((await frameOf(click.focus)) === child) {
      const { focus } = await this.request<{ focus: number }>((cb) => this.X.GetInputFocus(cb));
      if (focus === click.focus) return;
    }
    let takes: boolean | undefined;
    let [last, since] = [click.focus, click.at];
    while (performance.now() - click.at < FOCUS_WAIT_MS) {
      const { focus } = await this.request<{ focus: number }>((cb) => this.X.GetInputFocus(cb));
      const now = performance.now();
      if (focus !== last) [last, since] = [focus, now];
      else if (now - since >= FOCUS_QUIET_MS && (focus !== click.focus || (await frameOf(focus)) === child || !(takes ??= await this.takesFocus(child)))) return;
      await sleep(5);
    }
  }

  /**
   * Whether a click on this top-level window gives it the keyboard focus: a window the window
   * manager manages (its client has WM_STATE) that accepts input (ICCCM WM_HINTS input, or
   * WM_TAKE_FOCUS). The panel (input False), menus and other override-redirect windows do not.
   */
  private async takesFocus(top: number): Promise<boolean> {
    try {
      const client = await this.clientOf(top, 3);
      if (!client) return false;
      const hints = await this.property(client, 35 /* WM_HINTS */, 35, 2);
      // No hints, or no InputHint flag: ICCCM says assume it takes input.
      if (!hints || hints.length < 8 || !(hints.readUInt32LE(0) & 1) || hints.readUInt32LE(4) !== 0) return true;
      const protocols = await this.property(client, await this.atom('WM_PROTOCOLS'), 4 /* ATOM */, 32);
      const takeFocus = await this.atom('WM_TAKE_FOCUS');
      for (let i = 0; protocols && i + 4 <= protocols.length; i += 4) if (protocols.readUInt32LE(i) === takeFocus) return true;
      return false;
    } catch (e) {
      if (e instanceof DisplayError) throw e;
      return true; // gone meanwhile: wait as for any window
    }
  }

  /** The window at or below `w` (within `depth` levels) that the window manager manages. */
  private async clientOf(w: number, depth: number): Promise<number | 0> {
    const attrs = await this.request<{ overrideRedirect: number }>((cb) => this.X.GetWindowAttributes(w, cb));
    if (attrs.overrideRedirect) return 0;
    if (await this.property(w, await this.atom('WM_STATE'), 0, 1)) return w;
    if (depth <= 0) return 0;
    const { children } = await this.request<{ children: number[] }>((cb) => this.X.QueryTree(w, cb));
    for (const c of children) {
      const found = await this.clientOf(c, depth - 1);
      if (found) return found;
    }
    return 0;
  }

  private readonly atoms = new Map<string, number>();

  private async atom(name: string): Promise<number> {
    return this.atoms.get(name) ?? this.atoms.set(name, await this.request<number>((cb) => this.X.InternAtom(false, name, cb))).get(name)!;
  }

  /** A property's bytes (up to `longs` 32-bit units), or null when the window has none. */
  private async property(w: number, name: number, type: number, longs: number): Promise<Buffer | null> {
    const p = await this.request<{ type: number; data: Buffer }>((cb) => this.X.GetProperty(0, w, name, type, 0, longs, cb));
    return p.type ? p.data : null;
  }

  /** The window's ancestor that is a child of the root (the frame the window manager made); 0 if it is gone. */
  private async topLevel(w: number): Promise<number> {
    try {
      for (let i = 0; i < 32; i++) {
        const t = await this.request<{ root: number; parent: number }>((cb) => this.X.QueryTree(w, cb));
        if (!t.parent || t.parent === t.root) return w;
        w = t.parent;
      }
      return w;
    } catch (e) {
      if (e instanceof DisplayError) throw e;
      return 0; // BadWindow: it was destroyed meanwhile
    }
  }

  /** Presses at the start, moves through intermediate points over `seconds`, releases at the end. */
  async drag(from: { x: number; y: number }, to: { x: number; y: number }, button: Button, seconds: number): Promise<void> {
    const b = BUTTONS[button];
    this.move(from.x, from.y);
    this.fakeButton(b, true);
    await this.sync();
    const steps = Math.max(5, Math.round((seconds * 1000) / DRAG_STEP_MS));
    const started = performance.now();
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      this.move(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t);
      await this.sync();
      const due = started + t * seconds * 1000;
      const ahead = due - performance.now();
      if (ahead > 1) await sleep(ahead);
    }
    this.fakeButton(b, false);
    await this.clicked();
  }

  async scroll(direction: ScrollDirection, amount: number, at?: { x: number; y: number }): Promise<void> {
    if (at) this.move(at.x, at.y);
    for (let i = 0; i < amount; i++) {
      this.fakeButton(SCROLL_BUTTONS[direction], true);
      this.fakeButton(SCROLL_BUTTONS[direction], false);
    }
    await this.sync();
  }

  // ---- keyboard ----

  private async freshKeymap(): Promise<void> {
    if (!this.keymapStale) return;
    this.keymapStale = false;
    const d = this.display;
    this.keymap.reload(await this.request<number[][]>((cb) => this.X.GetKeyboardMapping(d.min_keycode, d.max_keycode - d.min_keycode + 1, cb)));
  }

  private keyEvent(keycode: number, down: boolean): void {
    this.xtest.FakeInput(down ? this.xtest.KeyPress : this.xtest.KeyRelease, keycode, 0, 0, 0, 0);
  }

  /**
   * Makes keysyms[from..] typeable, as far as spare keycodes allow at once, and answers where
   * that run ends. The keysyms no key carries get borrowed keycodes, all before any key event,
   * then the host waits SETTLE_MS: clients such as Chromium refresh their copy of the mapping
   * asynchronously, and a key sent right after a remap would be read with the old one.
   */
  private async prepare(keysyms: number[], from: number): Promise<number> {
    const needed: number[] = [];
    const pinned = new Set<number>();
    let end = from;
    for (; end < keysyms.length; end++) {
      const ks = keysyms[end]!;
      const known = this.keymap.lookup(ks);
      if (known) {
        if (this.keymap.isBorrowed(known.keycode)) pinned.add(known.keycode);
      } else if (!needed.includes(ks)) {
        if (needed.length + pinned.size >= this.keymap.capacity) break;
        needed.push(ks);
      }
      if (needed.length + pinned.size > this.keymap.capacity) break;
    }
    if (!needed.length) return end;
    const taken: number[] = [];
    for (const ks of needed) {
      for (;;) {
        const got = this.keymap.borrow(ks, performance.now(), pinned);
        if ('keycode' in got) {
          pinned.add(got.keycode);
          taken.push(got.keycode);
          break;
        }
        // Every spare keycode was used a moment ago: let clients handle those events first.
        await this.sync();
        await sleep(got.waitMs);
      }
    }
    // Few requests, so clients reload their mapping a few times rather than once per keysym.
    for (const c of this.keymap.changes(taken)) this.X.ChangeKeyboardMapping(c.first, this.keymap.keysymsPerKeycode, c.rows.flat());
    await this.sync();
    await sleep(SETTLE_MS);
    return end;
  }

  private stroke(keysym: number): { keycode: number; shift: boolean } {
    const s = this.keymap.lookup(keysym)!;
    this.keymap.used(s.keycode, performance.now());
    return s;
  }

  /** Types text: each character as the key that produces it, newlines as Return. */
  async type(text: string): Promise<void> {
    await this.focusSettled();
    await this.freshKeymap();
    const chars = [...text.replace(/\r\n?/g, '\n')];
    const bad = untypeable(text);
    if (bad.length) throw new UntypeableError(bad);
    const keysyms = chars.map((c) => charKeysym(c)!);
    const shift = this.keymap.lookup(XK.Shift_L)?.keycode;
    let skipped = 0;
    for (let i = 0; i < keysyms.length; ) {
      const end = await this.prepare(keysyms, i);
      if (end === i) {
        // No keycode can be borrowed at all (a keymap without spares): type the rest, then fail.
        log.warn(`no spare keycode for keysym 0x${keysyms[i]!.toString(16)}; skipped`);
        skipped++;
        i++;
        continue;
      }
      for (; i < end; i++) {
        const stroke = this.stroke(keysyms[i]!);
        const withShift = stroke.shift && shift !== undefined;
        if (withShift) this.keyEvent(shift, true);
        this.keyEvent(stroke.keycode, true);
        this.keyEvent(stroke.keycode, false);
        if (withShift) this.keyEvent(shift, false);
      }
    }
    await this.sync();
    // An answer never claims characters that did not go out.
    if (skipped) throw new DisplayError(`${skipped} of ${keysyms.length} characters could not be typed: the keyboard has no free key to carry them`);
  }

  /** Presses chords one after another: each chord's keys down in order, then up in reverse. */
  async keys(chords: Chord[]): Promise<void> {
    await this.focusSettled();
    await this.freshKeymap();
    const all = chords.flatMap((c) => c.keysyms);
    if ((await this.prepare(all, 0)) < all.length) throw new DisplayError('too many keys without a keycode in one request');
    const shift = this.keymap.lookup(XK.Shift_L)?.keycode;
    for (const chord of chords) {
      const modifiersOnly = chord.keysyms.every((k) => MODIFIERS.has(k));
      let needShift = false;
      const codes: number[] = [];
      for (const keysym of chord.keysyms) {
        const stroke = this.stroke(keysym);
        codes.push(stroke.keycode);
        // `?` or `A` on their own need Shift; a modifier is pressed as the key it is.
        if (stroke.shift && !MODIFIERS.has(keysym) && !modifiersOnly) needShift = true;
      }
      if (needShift && shift !== undefined && !codes.includes(shift)) codes.unshift(shift);
      for (const code of codes) this.keyEvent(code, true);
      for (const code of [...codes].reverse()) this.keyEvent(code, false);
    }
    await this.sync();
  }

  // ---- the agent's finer-grained input (computer-use actions) ----

  /** Moves the pointer there. */
  async pointerTo(x: number, y: number): Promise<void> {
    this.move(x, y);
    await this.sync();
  }

  /** Where the pointer is now. */
  async pointerAt(): Promise<{ x: number; y: number }> {
    const p = await this.request<{ rootX: number; rootY: number }>((cb) => this.X.QueryPointer(this.root, cb));
    return { x: p.rootX, y: p.rootY };
  }

  /** Presses or releases a button where the pointer is; `clicks` full clicks when `down` is undefined. */
  async button(button: Button, down: boolean | undefined, clicks = 1): Promise<void> {
    const b = BUTTONS[button];
    if (down === undefined) {
      for (let i = 0; i < clicks; i++) {
        this.fakeButton(b, true);
        this.fakeButton(b, false);
      }
    } else this.fakeButton(b, down);
    await this.clicked();
  }

  /** Holds (down) or lets go of (up) a chord's keys, e.g. shift while clicking. */
  async holdKeys(chord: Chord, down: boolean): Promise<void> {
    await this.freshKeymap();
    if ((await this.prepare(chord.keysyms, 0)) < chord.keysyms.length) throw new DisplayError('no keycode for these keys');
    const codes = chord.keysyms.map((k) => this.stroke(k).keycode);
    for (const code of down ? codes : [...codes].reverse()) this.keyEvent(code, down);
    await this.sync();
  }

  /**
   * The screen's drawing, watched from the first call on (the agent loop's; plain API actions
   * never pay for it). Null where the X server has no DAMAGE: the caller then waits by time.
   */
  drawing(): Promise<DamageWatch | null> {
    this.damage ??= DamageWatch.open(this.X, this.root, (fn) => this.request(fn), () => this.sync()).then(
      (w) => (this.damageWatch = w),
      (e) => {
        log.warn(`DAMAGE unavailable, settling by time: ${(e as Error).message}`);
        return null;
      },
    );
    return this.damage;
  }

  // ---- pixels ----

  /** The whole screen. The image's buffer is reused by the next capture: encode it before. */
  capture(): Promise<Image> {
    return this.screen.grab();
  }

  /** Call once the last capture's image is encoded: a very large screen's buffer is not kept. */
  releaseCapture(): void {
    this.screen.release();
  }
}
