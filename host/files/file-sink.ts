/**
 * A writable that stores a stream in a new file through two reused 1 MB buffers.
 *
 * Why not `fs.createWriteStream`: an upload arrives in ~64 KB pieces, and a write stream makes
 * one thread-pool round trip per piece (3,200 for 200 MB). Measured on this host, those round
 * trips and the garbage they leave cost more CPU than receiving the bytes. Gathering the pieces
 * into 1 MB writes, from buffers that are reused rather than collected, cuts that to 200, while
 * one write is always under way as the next megabyte arrives.
 *
 * Pieces of 256 KB or more (the 1 MB pieces read straight off the socket: socket-body.ts) are
 * written from where they are instead, one write each, with no copy.
 *
 * With `also` (an open file of someone else's: a desktop's copy, desktop-drop.ts), every buffer
 * is written there too, at the same offset and at the same time, and the sink has finished only
 * once both have the bytes. The sink never closes `also`.
 */
import { close, open, write } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

const SIZE = 1 << 20;
/** Pieces at least this large are written as they are (one write each), smaller ones gathered. */
const DIRECT = 256 * 1024;
const openFile = promisify(open);
const writeAt = promisify(write);
const closeFile = promisify(close);

export class FileSink extends Writable {
  private fd: number | undefined;
  private readonly buffers = [Buffer.allocUnsafeSlow(SIZE), Buffer.allocUnsafeSlow(SIZE)];
  private current = 0;
  private fill = 0;
  private position = 0;
  /** The write of the other buffer, if one is under way. */
  private pending: Promise<void> = Promise.resolve();

  /** Creates `path` (it must not exist yet) with `mode`. */
  constructor(
    private readonly path: string,
    private readonly mode = 0o600,
    private readonly also?: number,
  ) {
    super({ highWaterMark: SIZE });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    openFile(this.path, 'wx', this.mode).then((fd) => {
      this.fd = fd;
      callback();
    }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush()
      .then(() => this.pending)
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = undefined;
    // Let a write under way finish before closing its file descriptor.
    this.pending
      .catch(() => {})
      .then(() => (fd === undefined ? undefined : closeFile(fd)))
      .then(() => callback(error), (e: Error) => callback(error ?? e));
  }

  private async take(chunk: Buffer): Promise<void> {
    if (this.fill === 0 && chunk.length >= DIRECT) {
      // A large piece (socket-body.ts reads 1 MB ones) is written from where it is, not copied:
      // its writer holds it until this write's callback, so the write must end before that.
      await this.pending;
      const position = this.position;
      this.position += chunk.length;
      const fd = this.fd!;
      this.pending = this.also === undefined ? writeAll(fd, chunk, chunk.length, position) : both(writeAll(fd, chunk, chunk.length, position), writeAll(this.also, chunk, chunk.length, position));
      await this.pending;
      return;
    }
    for (let offset = 0; offset < chunk.length; ) {
      const copied = chunk.copy(this.buffers[this.current]!, this.fill, offset);
      this.fill += copied;
      offset += copied;
      if (this.fill === SIZE) await this.flush();
    }
  }

  /** Starts writing the current buffer (after the previous write ends) and switches buffers. */
  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    await this.pending;
    const [fd, buffer, length, position] = [this.fd!, this.buffers[this.current]!, this.fill, this.position];
    this.pending = this.also === undefined ? writeAll(fd, buffer, length, position) : both(writeAll(fd, buffer, length, position), writeAll(this.also, buffer, length, position));
    this.pending.catch(() => {}); // surfaced by the next flush or _final
    this.position += length;
    this.current ^= 1;
    this.fill = 0;
  }
}

async function writeAll(fd: number, buffer: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesWritten } = await writeAt(fd, buffer, done, length - done, position + done);
    done += bytesWritten;
  }
}

/** Once both writes have ended (so that neither file is closed under a write); the first error. */
async function both(a: Promise<void>, b: Promise<void>): Promise<void> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
}
