/**
 * A typed face on the parts of the `x11` package (a pure-JS X11 client) that the host uses:
 * connecting to a display's unix socket, core requests, XTEST and MIT-SHM. The package ships no
 * types; everything untyped stays in this file.
 */
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const x11: Any = require('x11');
const fdpass: Any = require('x11/lib/fdpass');

export type Callback<T> = (err: Error | null | undefined, value: T) => void;

export interface XEvent {
  name?: string;
  type: number;
  wid?: number;
  width?: number;
  height?: number;
  /** DamageNotify: the damage object. */
  damage?: number;
  /** MappingNotify: 0 modifier, 1 keyboard, 2 pointer. */
  request?: number;
}

export interface XClient {
  seq_num: number;
  stream: Socket;
  GetImage(format: number, drawable: number, x: number, y: number, w: number, h: number, planeMask: number, cb: Callback<{ depth: number; data: Buffer }>): void;
  GetKeyboardMapping(first: number, count: number, cb: Callback<number[][]>): void;
  ChangeKeyboardMapping(first: number, keysymsPerKeycode: number, keysyms: number[]): void;
  ChangeWindowAttributes(wid: number, values: { eventMask: number }): void;
  GetGeometry(drawable: number, cb: Callback<{ width: number; height: number }>): void;
  QueryPointer(wid: number, cb: Callback<{ child: number; rootX: number; rootY: number; keyMask: number }>): void;
  QueryTree(wid: number, cb: Callback<{ root: number; parent: number; children: number[] }>): void;
  GetInputFocus(cb: Callback<{ focus: number; revertTo: number }>): void;
  GetWindowAttributes(wid: number, cb: Callback<{ overrideRedirect: number; mapState: number }>): void;
  GetProperty(del: number, wid: number, name: number, type: number, longOffset: number, longLength: number, cb: Callback<{ type: number; format: number; data: Buffer }>): void;
  InternAtom(onlyIfExists: boolean, name: string, cb: Callback<number>): void;
  require(ext: 'xtest', cb: Callback<XTest>): void;
  require(ext: 'shm', cb: Callback<Shm>): void;
  require(ext: 'damage', cb: Callback<Damage>): void;
  AllocID(): number;
  sync(): Promise<void>;
  terminate(): void;
  on(event: 'event', listener: (ev: XEvent) => void): void;
  on(event: 'error' | 'end', listener: (e?: Error) => void): void;
}

export interface XTest {
  KeyPress: number;
  KeyRelease: number;
  ButtonPress: number;
  ButtonRelease: number;
  MotionNotify: number;
  FakeInput(type: number, detail: number, time: number, wid: number, x: number, y: number): void;
}

export interface ShmSegment {
  buffer: Buffer;
  size: number;
  getImage(drawable: number, x: number, y: number, w: number, h: number, planeMask: number, format: number, offset: number, cb: Callback<{ depth: number; size: number }>): void;
  detach(cb?: () => void): void;
}

export interface Shm {
  usable(cb: Callback<boolean>): void;
  createSegment(size: number, cb: Callback<ShmSegment>): void;
}

/** DAMAGE: the server reports drawing to a drawable (NonEmpty: once, until Subtract empties it). */
export interface Damage {
  ReportLevel: { NonEmpty: number };
  Create(damage: number, drawable: number, level: number): void;
  Subtract(damage: number, repair: number, parts: number): void;
  Destroy(damage: number): void;
}

export interface XVisual {
  class: number;
  red_mask: number;
  green_mask: number;
  blue_mask: number;
}

export interface XScreen {
  root: number;
  pixel_width: number;
  pixel_height: number;
  root_depth: number;
  root_visual: number;
  depths: Record<number, Record<number, XVisual>>;
}

export interface XDisplayInfo {
  client: XClient;
  screen: XScreen[];
  format: Record<number, { bits_per_pixel: number; scanline_pad: number }>;
  min_keycode: number;
  max_keycode: number;
}

export const STRUCTURE_NOTIFY = 0x00020000;
export const Z_PIXMAP = 2;

/**
 * Connects to the X server listening on `socketPath`. The socket is made able to pass file
 * descriptors where Node allows it, so MIT-SHM segments can be handed to the server (the computer
 * has its own /dev/shm and IPC namespace; a descriptor crosses both).
 */
export function connectDisplay(socketPath: string, timeoutMs = 5000): Promise<XDisplayInfo> {
  return new Promise((resolve, reject) => {
    const stream: Socket = fdpass.connect(socketPath, {}) ?? netConnect(socketPath);
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`the display at ${socketPath} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err: Error | null | undefined, display?: XDisplayInfo) => {
      clearTimeout(timer);
      if (err || !display) {
        stream.destroy();
        reject(err ?? new Error('no display'));
      } else resolve(display);
    };
    try {
      // Xvnc here runs without X authorisation: the socket's folder is the gate.
      x11.createClient({ stream, auth: { name: '', data: '' } }, done);
    } catch (e) {
      done(e as Error);
    }
  });
}

export function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}
