/**
 * An upload's body read straight off its socket, past Node's HTTP parser, into reused 1 MB buffers.
 *
 * Why: Node's parser copies every piece of a body into a fresh 64 KB buffer and hands it through
 * the request's stream; measured on this machine, a bare Node server that only drops an upload
 * tops out near a third of `cp`, before a byte is stored. Here, once the route has the request's
 * headers, the socket is taken from the parser (`unconsume`, as Node does for an upgrade) and read
 * through net's user-buffer reading (the `onread` of net.connect, set on the accepted socket): each
 * read lands in the free part of one of four 1 MB buffers, a full buffer is parsed as one piece
 * (multipart.ts) and its file bytes are written to disk from that buffer itself (file-sink.ts),
 * and the buffer is read into again only once those writes are done. Reading stops only while all
 * four wait for the disk.
 *
 * Taken this way only when it is safe: a plain TCP socket (not TLS), a Content-Length (of 1 MB or more) and no
 * Transfer-Encoding, a body not already complete, and Node's internals as expected. Otherwise the
 * caller reads the request stream as before. The connection is closed after the answer, since the
 * parser never saw the body end.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { badRequest } from '../errors.js';

const SIZE = 1 << 20;
const BUFFERS = 4;
/** A buffer with less room than this left is handed on rather than read into further. */
const MIN_ROOM = 64 * 1024;
/** Smaller bodies stay with the parser: their connection is kept alive, and there is little to gain. */
const MIN_BODY = 1 << 20;

/** What the body's pieces are handed to: multipart.ts's FormReader. */
export interface PieceReader {
  /** Parses a piece; a promise when the rest must wait. Bytes it keeps are held through `hold`. */
  push(piece: Buffer, hold?: Hold): Promise<void> | undefined;
  readonly state: string;
}

/** Counts the users of a buffer's bytes (writes under way); `release` runs when the last lets go. */
export class Hold {
  private users = 1;
  constructor(private readonly release: () => void) {}
  /** One more user: answers its letting go. */
  take(): () => void {
    this.users++;
    let dropped = false;
    return () => {
      if (dropped) return;
      dropped = true;
      this.drop();
    };
  }
  drop(): void {
    if (--this.users === 0) this.release();
  }
}

interface Handle {
  useUserBuffer(b: Buffer): void;
  readStart(): number;
  readStop(): number;
  reading: boolean;
}
interface Parser {
  unconsume(): void;
}

const cutOff = () => Object.assign(new Error('The upload was cut off before the file ended'), { code: 'UPLOAD_CUT_OFF' });

export class SocketBody {
  private mode: 'body' | 'done' | 'discard' = 'body';
  /** Until pump() starts: a read that lands anyway (Node's stream may restart reading once) is kept, and reading stops. */
  private onPiece: (n: number, into: Buffer) => boolean = (n, into) => {
    if (this.mode !== 'body') return false;
    this.remaining -= n;
    this.early.push(Buffer.from(into.subarray(0, n)));
    if (this.remaining <= 0) this.arrived();
    return false;
  };
  private timer: NodeJS.Timeout | undefined;
  private readonly parking = Buffer.allocUnsafeSlow(MIN_ROOM);

  private constructor(
    private readonly req: IncomingMessage,
    private readonly socket: Socket,
    private readonly handle: Handle,
    private readonly symbols: { buffer: symbol; gen: symbol; cb: symbol },
    /** Body bytes not yet read from the socket. */
    private remaining: number,
    /** What the parser had already taken off the socket: the body's first bytes. */
    private readonly early: Buffer[],
  ) {}

  /** Takes the rest of `req`'s body off its socket, or answers undefined where that is not safe. */
  static take(req: IncomingMessage): SocketBody | undefined {
    const socket = req.socket as Socket & { parser?: Partial<Parser>; encrypted?: boolean; _handle?: Partial<Handle> };
    const length = Number(req.headers['content-length']);
    const handle = socket?._handle;
    const parser = socket?.parser;
    if (!socket || socket.encrypted || socket.destroyed || req.complete || req.headers['transfer-encoding'] !== undefined) return undefined;
    if (!Number.isSafeInteger(length) || length < MIN_BODY || req.readableFlowing || req.readableEnded) return undefined;
    if (typeof handle?.useUserBuffer !== 'function' || typeof handle.readStart !== 'function' || typeof parser?.unconsume !== 'function') return undefined;
    const byName = new Map(Object.getOwnPropertySymbols(socket).map((s) => [s.description, s]));
    const buffer = byName.get('kBuffer');
    const gen = byName.get('kBufferGen');
    const cb = byName.get('kBufferCb');
    if (!buffer || !gen || !cb) return undefined;
    // What the parser already read is waiting in the request's buffer; the rest is still on the socket.
    const early: Buffer[] = [];
    let got = 0;
    for (let b: Buffer | null; (b = req.read() as Buffer | null) !== null; ) {
      early.push(b);
      got += b.length;
    }
    if (got >= length) {
      // All of it was read already (the request ends on its own): nothing to take.
      for (const b of early.reverse()) req.unshift(b);
      return undefined;
    }
    parser.unconsume();
    socket.removeAllListeners('data'); // the server's, which would hand pieces back to the parser
    const body = new SocketBody(req, socket, handle as Handle, { buffer, gen, cb }, length - got, early);
    body.install();
    return body;
  }

  /** Node's user-buffer reading on the socket: each read goes to `onPiece`, into the buffer `next` answers. */
  private install(): void {
    // The answer closes the connection (Node's destroySoon once it is written). While the sender
    // is still sending a refused body, closing would reset the connection under the answer it is
    // yet to read: the close waits until the rest is read and dropped (discardRest's limit holds).
    const socket = this.socket as Socket & { destroySoon?: () => void };
    const destroySoon = socket.destroySoon;
    if (typeof destroySoon === 'function') {
      socket.destroySoon = () => {
        if (this.mode === 'done' || this.remaining <= 0) destroySoon.call(socket);
        else this.closeLater = () => destroySoon.call(socket);
      };
    }
    const s = this.socket as unknown as Record<symbol, unknown>;
    const first = this.parking.subarray(0, Math.min(MIN_ROOM, this.remaining));
    s[this.symbols.buffer] = first;
    s[this.symbols.cb] = (n: number, into: Buffer) => this.onPiece(n, into);
    s[this.symbols.gen] = () => this.next();
    this.handle.useUserBuffer(first);
    // Until pump() starts, nothing is read: the socket stays as the parser left it.
    this.handle.readStop();
    this.handle.reading = false;
  }

  /** Where the next read goes: set by pump() while reading the body, else the parking buffer (dropped). */
  private next: () => Buffer = () => this.parking.subarray(0, MIN_ROOM);

  private start(): void {
    if (this.handle.reading || this.socket.destroyed || this.mode === 'done') return;
    this.handle.reading = true;
    this.handle.readStart();
  }

  /**
   * Hands the whole body to `reader`, piece by piece; resolves once every byte the request
   * announced is parsed (and the form ended), rejects when the socket ends first or the reader refuses.
   */
  pump(reader: PieceReader): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const buffers = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(SIZE));
      const free = Array.from({ length: BUFFERS - 1 }, (_, i) => BUFFERS - 1 - i);
      let cur: number | undefined = 0; // the buffer being read into (undefined: all four are busy)
      let fill = 0;
      let stalled = false;
      let parsing = false;
      let settled = false;
      const ready: Array<{ piece: Buffer; index?: number }> = this.early.map((piece) => ({ piece }));

      const settle = (e?: unknown) => {
        if (settled) return;
        settled = true;
        this.socket.off('end', onEnd);
        this.socket.off('close', onEnd);
        this.socket.off('error', onEnd);
        if (e) {
          this.mode = this.remaining > 0 ? 'discard' : 'done';
          reject(e);
        } else resolve();
      };
      const onEnd = () => {
        if (this.remaining > 0) settle(cutOff());
      };
      const release = (index: number) => {
        if (settled) return;
        if (cur !== undefined) {
          free.push(index);
          return;
        }
        cur = index;
        fill = 0;
        if (stalled) {
          stalled = false;
          this.start();
        }
      };
      const handOn = () => {
        ready.push({ piece: buffers[cur!]!.subarray(0, fill), index: cur });
        cur = free.pop();
        fill = 0;
      };
      const feed = () => {
        while (!parsing && !settled && ready.length) {
          const item = ready.shift()!;
          const hold = new Hold(() => item.index !== undefined && release(item.index));
          let wait: Promise<void> | undefined;
          try {
            wait = reader.push(item.piece, hold);
          } catch (e) {
            settle(e);
            return;
          }
          if (wait) {
            parsing = true;
            wait.then(() => {
              parsing = false;
              hold.drop();
              feed();
            }, settle);
            return;
          }
          hold.drop();
        }
        if (!parsing && !settled && !ready.length && this.mode === 'done') {
          settle(reader.state === 'end' ? undefined : badRequest('The multipart/form-data body is malformed: Unexpected end of form (no closing boundary)', 'bad_multipart'));
        }
      };
      // Bytes that landed in the parking buffer (a read after reading was stopped) join the body here.
      const absorb = (bytes: Buffer) => {
        if (cur !== undefined && SIZE - fill >= bytes.length) {
          bytes.copy(buffers[cur]!, fill);
          fill += bytes.length;
        } else ready.push({ piece: Buffer.from(bytes) });
      };

      this.next = () => {
        if (this.mode !== 'body') return this.parking.subarray(0, this.mode === 'discard' ? Math.max(1, Math.min(MIN_ROOM, this.remaining)) : MIN_ROOM);
        if (cur === undefined) return this.parking.subarray(0, Math.min(MIN_ROOM, this.remaining));
        return buffers[cur]!.subarray(fill, fill + Math.min(SIZE - fill, this.remaining));
      };
      this.onPiece = (n, into) => {
        if (this.mode === 'done') return false; // nothing more was announced: leave it unread
        this.remaining -= n;
        if (this.mode === 'discard') {
          if (this.remaining > 0) return true;
          this.discarded();
          return false;
        }
        if (into.buffer === this.parking.buffer) absorb(into.subarray(0, n));
        else fill += n;
        if (this.remaining <= 0) {
          this.arrived();
          if (fill) handOn();
          feed();
          return false;
        }
        if (cur !== undefined && SIZE - fill < MIN_ROOM) {
          handOn();
          feed();
        }
        if (cur === undefined) {
          stalled = true;
          return false;
        }
        return true;
      };
      if ((this.socket.destroyed || this.socket.readableEnded) && this.remaining > 0) {
        settle(cutOff());
        return;
      }
      this.socket.once('end', onEnd);
      this.socket.once('close', onEnd);
      this.socket.once('error', onEnd);
      feed();
      if (!settled) this.start();
    });
  }

  /**
   * After a refusal mid-body: read and drop the rest, so that the sender sees the answer; a
   * sender that goes on for longer than `limitMs` is cut off.
   */
  discardRest(limitMs: number): void {
    if (this.socket.destroyed || this.remaining <= 0) return;
    this.mode = 'discard';
    this.timer = setTimeout(() => this.socket.destroy(), limitMs);
    this.timer.unref();
    this.socket.once('close', () => clearTimeout(this.timer));
    this.start();
  }

  /** Every byte announced has arrived: whatever fails from here is not a cut-off. */
  private arrived(): void {
    this.mode = 'done';
    this.req.complete = true;
  }

  private discarded(): void {
    clearTimeout(this.timer);
    this.mode = 'done';
    const close = this.closeLater;
    this.closeLater = undefined;
    close?.();
  }

  /** The connection's close, once the rest of a refused body is read (see install). */
  private closeLater: (() => void) | undefined;
}
