/**
 * Reads what a VNC viewer sends (RFB 3.x, RFC 6143 and the community extensions Xvnc serves) one
 * message at a time, so that a SetDesktopSize to a size the API refuses never reaches Xvnc as it
 * was: it is brought within 320x200..7680x4320 (one screen filling the desktop), and Xvnc's
 * answer tells the viewer the size it got. (The relay cannot answer "refused" itself: it would
 * have to cut into Xvnc's own stream.) Everything else passes as it came. A message type it does
 * not know ends the connection, as Xvnc itself would.
 *
 * The handshake is counted, not interpreted: ProtocolVersion (12 bytes), the security type the
 * viewer picks (1 byte, RFB 3.7+), VNC authentication's 16-byte response when it picks type 2
 * (RFB 3.3: the server picks, Xvnc here always VncAuth), then ClientInit (1 byte).
 */
import { SCREEN_LIMITS, screenSizeAllowed } from '../../../shared/api/specs.js';

const VNC_AUTH = 2;
/** No client message of RFB is this large but a clipboard text, and those the host caps too. */
const MAX_MESSAGE = 16 * 1024 * 1024;

export type FilterResult = { pass: Buffer[]; clamped: Array<{ asked: string; given: string }>; error?: string };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The same request for a size within the limits, as one screen (the first one's id and flags). */
function withinLimits(msg: Buffer): Buffer {
  const width = clamp(msg.readUInt16BE(2), SCREEN_LIMITS.minWidth, SCREEN_LIMITS.maxWidth);
  const height = clamp(msg.readUInt16BE(4), SCREEN_LIMITS.minHeight, SCREEN_LIMITS.maxHeight);
  const m = Buffer.alloc(8 + 16);
  m[0] = 251;
  m.writeUInt16BE(width, 2);
  m.writeUInt16BE(height, 4);
  m[6] = 1;
  if (msg[6]! > 0) {
    m.writeUInt32BE(msg.readUInt32BE(8), 8); // screen id
    m.writeUInt32BE(msg.readUInt32BE(20), 20); // flags
  }
  m.writeUInt16BE(width, 16);
  m.writeUInt16BE(height, 18);
  return m;
}

export class RfbClientFilter {
  private pending: Buffer = Buffer.alloc(0);
  private stage: 'version' | 'security' | 'auth' | 'init' | 'messages';
  private rfb33 = false;

  constructor(options: { afterHandshake?: boolean } = {}) {
    this.stage = options.afterHandshake ? 'messages' : 'version';
  }

  feed(chunk: Buffer): FilterResult {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: FilterResult = { pass: [], clamped: [] };
    for (;;) {
      const need = this.nextLength();
      if (need === 'unknown' || (need !== undefined && need > MAX_MESSAGE)) {
        out.error = need === 'unknown' ? `unknown RFB message type ${this.pending[0]}` : `an RFB message of ${need} bytes`;
        this.pending = Buffer.alloc(0);
        return out;
      }
      if (need === undefined || this.pending.length < need) return out;
      const msg = this.pending.subarray(0, need);
      this.pending = this.pending.subarray(need);
      this.advance(msg);
      if (this.isMessage && msg[0] === 251) {
        const width = msg.readUInt16BE(2);
        const height = msg.readUInt16BE(4);
        if (!screenSizeAllowed(width, height)) {
          const within = withinLimits(msg);
          out.clamped.push({ asked: `${width}x${height}`, given: `${within.readUInt16BE(2)}x${within.readUInt16BE(4)}` });
          out.pass.push(within);
          continue;
        }
      }
      out.pass.push(Buffer.from(msg));
    }
  }

  /** True while the last message taken was a client message (not a handshake step). */
  private isMessage = false;

  private advance(msg: Buffer): void {
    this.isMessage = false;
    switch (this.stage) {
      case 'version':
        this.rfb33 = msg.toString('latin1').startsWith('RFB 003.003');
        this.stage = this.rfb33 ? 'auth' : 'security';
        return;
      case 'security':
        this.stage = msg[0] === VNC_AUTH ? 'auth' : 'init';
        return;
      case 'auth':
        this.stage = 'init';
        return;
      case 'init':
        this.stage = 'messages';
        return;
      case 'messages':
        this.isMessage = true;
    }
  }

  /** Bytes of the next unit, undefined until enough has come to know, or 'unknown'. */
  private nextLength(): number | undefined | 'unknown' {
    const b = this.pending;
    switch (this.stage) {
      case 'version':
        return 12;
      case 'security':
        return 1;
      case 'auth':
        return 16;
      case 'init':
        return 1;
    }
    if (b.length < 1) return undefined;
    const at = (n: number) => (b.length >= n ? true : undefined);
    switch (b[0]) {
      case 0: // SetPixelFormat
        return 20;
      case 2: // SetEncodings
        return at(4) && 4 + 4 * b.readUInt16BE(2);
      case 3: // FramebufferUpdateRequest
        return 10;
      case 4: // KeyEvent
        return 8;
      case 5: // PointerEvent
        return 6;
      case 6: // ClientCutText (extended clipboard: a negative length, its absolute value)
        return at(8) && 8 + Math.abs(b.readInt32BE(4));
      case 150: // EnableContinuousUpdates
        return 10;
      case 248: // Fence
        return at(9) && 9 + b[8]!;
      case 251: // SetDesktopSize
        return at(8) && 8 + 16 * b[6]!;
      case 252: // xvp
        return 4;
      case 255: // QEMU: extended key event (0) or audio (1)
        if (!at(2)) return undefined;
        if (b[1] === 0) return 12;
        if (b[1] === 1) return at(4) && (b.readUInt16BE(2) === 2 ? 10 : 4);
        return 'unknown';
      default:
        return 'unknown';
    }
  }
}
