/**
 * Remote resize as a VNC viewer does it (noVNC's `resizeSession`): declare the
 * ExtendedDesktopSize pseudo-encoding, learn the server's screen layout, send SetDesktopSize,
 * and wait for the server's verdict. Runs on a session from connectRfb (rfb.ts), reading the
 * server's messages itself from then on (ServerMessages also keeps the clipboard texts the
 * server sends, ServerCutText).
 */
import type { RfbSession } from './rfb.js';

const RAW = 0;
const EXTENDED_DESKTOP_SIZE = -308;
const DESKTOP_SIZE = -223;

interface Screen {
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
  flags: number;
}
interface SizeReport {
  reason: number;
  status: number;
  width: number;
  height: number;
  screens: Screen[];
}

/** Parses the server → client stream (Raw pixels at 4 bytes, size pseudo-rects, bell, cut text). */
export class ServerMessages {
  private buf = Buffer.alloc(0);
  private wake?: () => void;
  readonly sizes: SizeReport[] = [];
  readonly cutTexts: Buffer[] = [];

  constructor(private readonly s: RfbSession) {
    s.ws.on('message', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
      this.wake?.();
    });
  }

  private parse(): void {
    for (;;) {
      const used = this.one();
      if (used === 0) return;
      this.buf = this.buf.subarray(used);
    }
  }

  /** Bytes taken by one whole message at the start of the buffer; 0 if it is not all there. */
  private one(): number {
    const b = this.buf;
    if (b.length < 1) return 0;
    const type = b[0];
    if (type === 2 || type === 150) return 1; // bell, EndOfContinuousUpdates
    if (type === 3) {
      if (b.length < 8) return 0;
      const len = b.readUInt32BE(4);
      if (b.length < 8 + len) return 0;
      this.cutTexts.push(Buffer.from(b.subarray(8, 8 + len)));
      return 8 + len;
    }
    if (type !== 0) throw new Error(`unexpected RFB server message ${type}`);
    if (b.length < 4) return 0;
    let off = 4;
    const sizes: SizeReport[] = [];
    for (let i = 0, n = b.readUInt16BE(2); i < n; i++) {
      if (b.length < off + 12) return 0;
      const [x, y, w, h, enc] = [b.readUInt16BE(off), b.readUInt16BE(off + 2), b.readUInt16BE(off + 4), b.readUInt16BE(off + 6), b.readInt32BE(off + 8)];
      off += 12;
      if (enc === RAW) {
        off += w * h * 4;
        if (b.length < off) return 0;
      } else if (enc === EXTENDED_DESKTOP_SIZE) {
        if (b.length < off + 4) return 0;
        const count = b[off]!;
        if (b.length < off + 4 + count * 16) return 0;
        const screens: Screen[] = [];
        for (let k = 0; k < count; k++) {
          const p = off + 4 + k * 16;
          screens.push({ id: b.readUInt32BE(p), x: b.readUInt16BE(p + 4), y: b.readUInt16BE(p + 6), width: b.readUInt16BE(p + 8), height: b.readUInt16BE(p + 10), flags: b.readUInt32BE(p + 12) });
        }
        off += 4 + count * 16;
        sizes.push({ reason: x, status: y, width: w, height: h, screens });
      } else if (enc === DESKTOP_SIZE) {
        sizes.push({ reason: 0, status: 0, width: w, height: h, screens: [] });
      } else {
        throw new Error(`unexpected encoding ${enc}`);
      }
    }
    this.sizes.push(...sizes);
    return off;
  }

  async until<T>(find: () => T | undefined, timeoutMs: number, ask: () => void): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = find();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('the VNC server did not answer the resize');
      ask();
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }
}

/** Asks Xvnc, as a viewer, to change the desktop's size; resolves with the server's status (0 = done). */
export async function setDesktopSize(s: RfbSession, width: number, height: number, msgs = new ServerMessages(s)): Promise<{ status: number; width: number; height: number }> {
  const enc = Buffer.alloc(4 + 3 * 4);
  enc[0] = 2;
  enc.writeUInt16BE(3, 2);
  [RAW, EXTENDED_DESKTOP_SIZE, DESKTOP_SIZE].forEach((e, i) => enc.writeInt32BE(e, 4 + i * 4));
  s.ws.send(enc);
  // A tiny non-incremental update request: Xvnc answers it with its screen layout.
  const ask = () => {
    const req = Buffer.alloc(10);
    req[0] = 3;
    req[1] = 0;
    req.writeUInt16BE(1, 6);
    req.writeUInt16BE(1, 8);
    s.ws.send(req);
  };
  const layout = await msgs.until(() => msgs.sizes.find((r) => r.screens.length > 0), 5000, ask);
  const screen = layout.screens[0]!;
  const m = Buffer.alloc(8 + 16);
  m[0] = 251;
  m.writeUInt16BE(width, 2);
  m.writeUInt16BE(height, 4);
  m[6] = 1;
  m.writeUInt32BE(screen.id, 8);
  m.writeUInt16BE(0, 12);
  m.writeUInt16BE(0, 14);
  m.writeUInt16BE(width, 16);
  m.writeUInt16BE(height, 18);
  m.writeUInt32BE(screen.flags, 20);
  const seen = msgs.sizes.length;
  s.ws.send(m);
  // reason 1: the change this client asked for; its status says whether the server made it.
  const verdict = await msgs.until(() => msgs.sizes.slice(seen).find((r) => r.reason === 1), 5000, ask);
  return { status: verdict.status, width: verdict.width, height: verdict.height };
}

/** Sends the viewer's clipboard to the server (ClientCutText: Latin-1, as classic viewers do). */
export function sendClipboard(s: RfbSession, text: string): void {
  const body = Buffer.from(text, 'latin1');
  const m = Buffer.alloc(8);
  m[0] = 6;
  m.writeUInt32BE(body.length, 4);
  s.ws.send(Buffer.concat([m, body]));
}
