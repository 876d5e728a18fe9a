/**
 * A minimal RFB 3.8 client over the host's VNC websocket: the security handshake, ServerInit,
 * and one full-screen raw framebuffer read. Enough to prove a viewer can connect and to take
 * a picture of the desktop through VNC.
 */
import WebSocket from 'ws';
import { vncAuthResponse } from '../../shared/node/vnc-password.js';

export interface RfbSession {
  width: number;
  height: number;
  name: string;
  ws: WebSocket;
  /** Reads the whole screen as RGBA. */
  capture(): Promise<Buffer>;
  /** Presses and releases the key for each keysym, as a viewer's keyboard does (RFB KeyEvent). */
  keys(keysyms: number[]): void;
  close(): void;
}

export class RfbError extends Error {
  constructor(
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
  }
}

class Reader {
  private buf = Buffer.alloc(0);
  private waiter?: () => void;
  closed?: { code: number; reason: string };
  constructor(ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.waiter?.();
    });
  }
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.closed) throw new RfbError(`socket closed (${this.closed.code} ${this.closed.reason})`, this.closed.code);
      await new Promise<void>((r) => (this.waiter = r));
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

export async function connectRfb(url: string, password: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<RfbSession> {
  const ws = new WebSocket(url, ['binary'], { ...options, headers });
  const reader = new Reader(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new RfbError(`HTTP ${res.statusCode}`)));
  });
  const version = (await reader.read(12)).toString();
  if (!version.startsWith('RFB 003.')) throw new RfbError(`not RFB: ${version}`);
  ws.send(Buffer.from('RFB 003.008\n'));
  const count = (await reader.read(1))[0]!;
  if (count === 0) throw new RfbError('server refused: ' + (await readReason(reader)));
  const types = [...(await reader.read(count))];
  if (!types.includes(2)) throw new RfbError(`no VNC authentication offered (${types})`);
  ws.send(Buffer.from([2]));
  const challenge = await reader.read(16);
  ws.send(await vncAuthResponse(password, challenge));
  const result = (await reader.read(4)).readUInt32BE(0);
  if (result !== 0) throw new RfbError('authentication failed: ' + (await readReason(reader).catch(() => '')));
  ws.send(Buffer.from([1])); // ClientInit: shared
  const init = await reader.read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const name = (await reader.read(init.readUInt32BE(20))).toString();

  // 32 bpp, depth 24, little endian, true colour, RGB at shifts 0/8/16: bytes arrive as R,G,B,X.
  const pf = Buffer.alloc(20);
  pf[0] = 0;
  pf.set([32, 24, 0, 1], 4);
  pf.writeUInt16BE(255, 8);
  pf.writeUInt16BE(255, 10);
  pf.writeUInt16BE(255, 12);
  pf.set([0, 8, 16], 14);
  ws.send(pf);
  const enc = Buffer.alloc(8);
  enc[0] = 2;
  enc.writeUInt16BE(1, 2);
  enc.writeInt32BE(0, 4); // Raw only
  ws.send(enc);

  return {
    width,
    height,
    name,
    ws,
    keys(keysyms) {
      for (const keysym of keysyms)
        for (const down of [1, 0]) {
          const ev = Buffer.alloc(8);
          ev[0] = 4;
          ev[1] = down;
          ev.writeUInt32BE(keysym, 4);
          ws.send(ev);
        }
    },
    async capture() {
      const req = Buffer.alloc(10);
      req[0] = 3;
      req[1] = 0;
      req.writeUInt16BE(width, 6);
      req.writeUInt16BE(height, 8);
      ws.send(req);
      const screen = Buffer.alloc(width * height * 4);
      let covered = 0;
      while (covered < width * height) {
        const type = (await reader.read(1))[0];
        if (type === 2) continue; // bell
        if (type === 3) {
          const head = await reader.read(7); // ServerCutText: padding, length, text
          await reader.read(head.readUInt32BE(3));
          continue;
        }
        if (type !== 0) throw new RfbError(`unexpected server message ${type}`);
        const head = await reader.read(3);
        const rects = head.readUInt16BE(1);
        for (let i = 0; i < rects; i++) {
          const r = await reader.read(12);
          const [x, y, w, h, encoding] = [r.readUInt16BE(0), r.readUInt16BE(2), r.readUInt16BE(4), r.readUInt16BE(6), r.readInt32BE(8)];
          if (encoding !== 0) throw new RfbError(`unexpected encoding ${encoding}`);
          const px = await reader.read(w * h * 4);
          for (let row = 0; row < h; row++) px.copy(screen, ((y + row) * width + x) * 4, row * w * 4, (row + 1) * w * 4);
          covered += w * h;
        }
      }
      for (let i = 3; i < screen.length; i += 4) screen[i] = 255;
      return screen;
    },
    close: () => ws.close(),
  };
}

async function readReason(reader: Reader): Promise<string> {
  const len = (await reader.read(4)).readUInt32BE(0);
  return (await reader.read(len)).toString();
}

/** Opens the websocket and reports how it closed (for auth failures that close with a code). */
export function closeCodeOf(url: string, headers: Record<string, string> = {}): Promise<{ code: number; httpStatus?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('close', (code) => resolve({ code }));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => resolve({ code: -1, httpStatus: res.statusCode }));
  });
}
