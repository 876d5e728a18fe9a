/**
 * One stream to the guest (guest/channels.py) over the computer's
 * channel socket: a terminal, an audio capture or the events stream. Frames both ways are one
 * kind byte (J: JSON object, B: raw bytes), a 4-byte big-endian length and the payload; the
 * first frame names the channel. One connection per stream, so each has its own flow control.
 *
 * Events: `json` (object), `bytes` (Buffer), `close` (once, whoever closed).
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

const JSON_KIND = 0x4a; // 'J'
const BYTES_KIND = 0x42; // 'B'
const MAX_FRAME = 16 * 1024 * 1024;

export class GuestChannel extends EventEmitter {
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(private readonly sock: Socket) {
    super();
    sock.setNoDelay?.(true);
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('close', () => this.finish());
    sock.on('error', () => this.finish());
  }

  /** Connects and sends the header; rejects if the guest's socket is not there (yet). */
  static open(socketPath: string, header: Record<string, unknown>): Promise<GuestChannel> {
    return new Promise((resolve, reject) => {
      const sock = connect(socketPath);
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.off('error', reject);
        const ch = new GuestChannel(sock);
        ch.sendJson(header);
        resolve(ch);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  sendJson(obj: unknown): void {
    this.write(JSON_KIND, Buffer.from(JSON.stringify(obj)));
  }

  sendBytes(data: Buffer): void {
    this.write(BYTES_KIND, data);
  }

  /** Flow control: stop reading while the far end (a websocket) is behind. */
  pause(): void {
    this.sock.pause();
  }

  resume(): void {
    this.sock.resume();
  }

  close(): void {
    this.sock.destroy();
    this.finish();
  }

  private write(kind: number, payload: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(5);
    head[0] = kind;
    head.writeUInt32BE(payload.length, 1);
    this.sock.write(Buffer.concat([head, payload]));
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (len > MAX_FRAME) {
        this.close();
        return;
      }
      if (this.buf.length < 5 + len) break;
      const kind = this.buf[0];
      const payload = this.buf.subarray(5, 5 + len);
      this.buf = this.buf.subarray(5 + len);
      if (kind === JSON_KIND) {
        let msg: unknown;
        try {
          msg = JSON.parse(payload.toString('utf8'));
        } catch {
          continue;
        }
        this.emit('json', msg);
      } else if (kind === BYTES_KIND) {
        this.emit('bytes', Buffer.from(payload));
      }
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
