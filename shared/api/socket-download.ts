/**
 * A download over plain `http:` read straight from the socket into reused buffers, for the SDK in
 * Node (node-transfer.ts tries it first). Why not node:http: its parser copies every piece of a
 * body into a fresh 64 KB buffer, and each piece then goes through the response's stream, the
 * write stream and the collector. Measured on this machine: about 3 s of client CPU per GB and a
 * third of curl's speed. Here the socket reads (through net's `onread`) into the free part of one
 * of four 1 MB buffers, a full one is written to the file at its offset while the next fills, and
 * reading stops only while all four wait for the disk: about 1.4 s/GB, faster than curl.
 *
 * Only the answers this path is sure of are taken this way: a 2xx with a Content-Length and no
 * Transfer-Encoding or Content-Encoding. Anything else (an error answer, chunked, a header block
 * over 64 KB) answers 'other' before a byte is written, and the caller asks again over node:http.
 *
 * Node's modules are loaded by names held in variables and described by the few shapes used
 * here: shared/api is also built for the browser, without Node's types.
 */
import type { DownloadOptions } from './download.js';

const NODE_NET: string = 'node:net';
const NODE_FS: string = 'node:fs';
const NODE_BUFFER: string = 'node:buffer';
const SIZE = 1 << 20;
const BUFFERS = 4;
/** A buffer with less room than this left is written out rather than read into further. */
const MIN_ROOM = 64 * 1024;
const MAX_HEADER = 64 * 1024;

type Bytes = Uint8Array;
interface Socket {
  on(event: 'error', fn: (e: Error) => void): void;
  on(event: 'close', fn: () => void): void;
  write(s: string): void;
  resume(): void;
  destroy(): void;
}
interface Net {
  connect(options: { host: string; port: number; onread: { buffer: () => Bytes; callback: (n: number, buf: Bytes) => boolean } }, onConnect: () => void): Socket;
}
interface Fs {
  open(path: string, flags: string, mode: number, cb: (e: Error | null, fd: number) => void): void;
  write(fd: number, b: Bytes, offset: number, length: number, position: number, cb: (e: Error | null, written: number) => void): void;
  close(fd: number, cb: (e: Error | null) => void): void;
}

/**
 * GETs `url` (http:) into the file `part` (created or truncated), with progress and cancel.
 * Answers the byte count, or 'other' when the answer is not one this path takes (nothing written).
 * Rejects with `cancelled()` once `signal` aborts, `failed(e)` when the connection fails, and in
 * words when the answer ends early.
 */
export async function socketDownload(url: URL, part: string, options: DownloadOptions, cancelled: () => Error, failed: (e: Error) => Error): Promise<number | 'other'> {
  const [net, fs, buffer] = (await Promise.all([NODE_NET, NODE_FS, NODE_BUFFER].map((m) => import(/* @vite-ignore */ m)))) as [Net, Fs, { Buffer: { allocUnsafeSlow(n: number): Bytes } }];
  const signal = options.signal;
  if (signal?.aborted) throw cancelled();
  const buffers = Array.from({ length: BUFFERS }, () => buffer.Buffer.allocUnsafeSlow(SIZE));
  // Read into while every buffer waits for the disk (the socket is stopped then, but one read
  // may still land); its bytes are moved into the next free buffer.
  const parking = buffer.Buffer.allocUnsafeSlow(MIN_ROOM);
  const fd = await new Promise<number>((resolve, reject) => fs.open(part, 'w', 0o644, (e, opened) => (e ? reject(e) : resolve(opened))));
  let writes = 0;
  let settle: () => void = () => {};
  // Once no write is under way: the file is closed only then (and so removed only after that).
  const idle = () => (writes === 0 ? Promise.resolve() : new Promise<void>((r) => (settle = r)));
  try {
    return await new Promise<number | 'other'>((resolve, reject) => {
      const free = [3, 2, 1];
      let cur = 0; // the buffer being read into
      let fill = 0; // its bytes so far
      let start = 0; // where its body bytes start (after the header block, in the first)
      let stalled = false; // every buffer waits for the disk: the socket is stopped
      let total = -1; // the body's length, once the header block is read
      let written = 0; // body bytes handed to writes so far: the file offset of the next one
      let received = 0;
      let done = false;
      const finish = (e?: Error, v?: number | 'other') => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        if (e) reject(e);
        else resolve(v!);
      };
      const onAbort = () => finish(cancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
      const writeOut = (b: number, from: number, length: number) => {
        const at = written;
        written += length;
        writes++;
        const put = (off: number) =>
          fs.write(fd, buffers[b]!, from + off, length - off, at + off, (e, n) => {
            if (!e && off + n < length) return put(off + n);
            writes--;
            free.push(b);
            if (e) finish(e);
            else if (stalled && !done && received < total) socket.resume();
            if (writes === 0) settle();
            if (received === total && writes === 0) finish(undefined, total);
          });
        put(0);
      };
      /** Writes the current buffer's body bytes and reads into the next free one; false when none is free. */
      const rotate = (): boolean => {
        if (fill > start) writeOut(cur, start, fill - start);
        else free.push(cur);
        fill = start = 0;
        const next = free.pop();
        if (next === undefined) {
          stalled = true;
          return false;
        }
        cur = next;
        return true;
      };
      /** Reads the header block once it is all in: false once the answer is one this path leaves. */
      const onHeaders = (): boolean => {
        const b = buffers[cur]!;
        const end = indexOfBlankLine(b, fill);
        if (end < 0) {
          if (fill > MAX_HEADER) finish(undefined, 'other');
          return !done;
        }
        const head = parseHead(new TextDecoder('latin1').decode(b.subarray(0, end)));
        if (!head) {
          finish(undefined, 'other');
          return false;
        }
        total = head.length;
        start = end + 4;
        return true;
      };
      const onRead = (n: number, buf: Bytes): boolean => {
        if (done) return false;
        if (stalled) {
          stalled = false;
          cur = free.pop()!;
        }
        if (buf === parking) buffers[cur]!.set(parking.subarray(0, n), fill);
        fill += n;
        if (total < 0 && !onHeaders()) return false;
        if (total < 0) return true;
        received = written + fill - start;
        // Bytes past the promised length (a misbehaving server) are not the file's.
        if (received > total) {
          fill -= received - total;
          received = total;
        }
        options.onProgress?.({ received, total });
        if (received === total) {
          rotate();
          if (writes === 0) finish(undefined, total);
          return false;
        }
        return fill > SIZE - MIN_ROOM ? rotate() : true;
      };
      const socket = net.connect(
        { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 80), onread: { buffer: () => (stalled ? parking : buffers[cur]!.subarray(fill)), callback: onRead } },
        () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`),
      );
      socket.on('error', (e) => received === total || finish(signal?.aborted ? cancelled() : failed(e)));
      // All of the body in: the last write ends it (the server closing meanwhile is no failure).
      socket.on('close', () => received === total || finish(total < 0 ? failed(new Error('the connection closed before an answer')) : new Error(`Download ended early: ${received} of ${total} bytes`)));
    });
  } finally {
    await idle();
    await new Promise<void>((r) => fs.close(fd, () => r()));
  }
}

/** Where the header block ends (the index of its CRLFCRLF) in the first `n` bytes, or -1. */
function indexOfBlankLine(b: Bytes, n: number): number {
  for (let i = 0; i + 3 < n; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

/** The body length of a status line and headers this path takes, or undefined. */
function parseHead(text: string): { length: number } | undefined {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status || Number(status[1]) < 200 || Number(status[1]) > 299 || status[1] === '204') return undefined;
  let length: number | undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'transfer-encoding' || (name === 'content-encoding' && value.toLowerCase() !== 'identity')) return undefined;
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value))) return undefined;
      length = Number(value);
    }
  }
  return length === undefined || !Number.isSafeInteger(length) ? undefined : { length };
}
