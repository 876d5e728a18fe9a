/**
 * Uploads from a path and downloads to a path over node:http(s) directly, for the SDK in Node
 * (the app's main process, the CLI, scripts). Why not fetch: Node's fetch moves a body through
 * WHATWG streams, a promise or two per 64 KB piece each way; measured against curl on the same
 * host, that held the SDK to about 0.6× of curl's throughput with twice the client CPU. Here the
 * file is read in 1 MB pieces into two reused buffers straight onto the socket. A download over
 * plain http is read from the socket into reused buffers (socket-download.ts); over https, or an
 * answer that path leaves, it is piped into a write stream that gathers what arrives while a write
 * is under way into one writev. Same wire format and same answers as the fetch path (upload.ts, download.ts).
 *
 * Only Node: shared/api is also built for the browser, so Node's modules are loaded by names held
 * in variables and described by the few shapes used here (no Node types in this build).
 */
import type { DownloadOptions } from './download.js';
import type { UploadOptions } from './upload.js';
import { framing } from './upload.js';
import { errorBody } from './answer.js';
import { socketDownload } from './socket-download.js';

const NODE_HTTP: string = 'node:http';
const NODE_HTTPS: string = 'node:https';
const NODE_FS: string = 'node:fs';
const NODE_BUFFER: string = 'node:buffer';
const NODE_STREAM: string = 'node:stream';
const CHUNK = 1 << 20;

type Bytes = Uint8Array;
type Callback = (e?: Error | null) => void;
interface Incoming {
  statusCode?: number;
  statusMessage?: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', fn: (d: Bytes) => void): void;
  on(event: 'end' | 'close', fn: () => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  pause(): void;
  resume(): void;
  destroy(e?: Error): void;
}
interface Outgoing {
  on(event: 'error', fn: (e: Error) => void): void;
  on(event: 'close', fn: () => void): void;
  write(b: Bytes, cb: Callback): boolean;
  end(b?: Bytes): void;
  destroy(e?: Error): void;
  flushHeaders(): void;
  /** The request went out on a kept-alive connection an earlier request used (node:http). */
  readonly reusedSocket: boolean;
}
interface Http {
  request(url: URL, options: { method: string; headers: Record<string, string> }, onResponse: (res: Incoming) => void): Outgoing;
}
type FsCb<T> = (e: Error | null, v: T) => void;
interface Fs {
  open(path: string, flags: string, mode: number, cb: FsCb<number>): void;
  fstat(fd: number, cb: FsCb<{ size: number; isFile(): boolean }>): void;
  read(fd: number, buffer: Bytes, offset: number, length: number, position: number, cb: FsCb<number>): void;
  createWriteStream(path: string, options: { mode: number; highWaterMark: number }): WriteStream;
  close(fd: number, cb: (e: Error | null) => void): void;
  rename(from: string, to: string, cb: (e: Error | null) => void): void;
  rm(path: string, options: { force: boolean }, cb: (e: Error | null) => void): void;
  constants: { O_RDONLY: number };
  Buffer?: never;
}
interface WriteStream {
  readonly closed: boolean;
  once(event: 'close', fn: () => void): void;
}
interface Stream {
  pipeline(from: Incoming, to: unknown, cb: (e?: Error | null) => void): void;
}
interface Mods {
  fs: Fs;
  stream: Stream;
  http: Http;
  https: Http;
  alloc(size: number): Bytes;
}

const call = <T>(fn: (cb: FsCb<T>) => void) => new Promise<T>((resolve, reject) => fn((e, v) => (e ? reject(e) : resolve(v))));
const done = (fn: (cb: (e: Error | null) => void) => void) => new Promise<void>((resolve, reject) => fn((e) => (e ? reject(e) : resolve())));

let mods: Promise<Mods> | undefined;
function load(): Promise<Mods> {
  return (mods ??= (async () => {
    const [fs, http, https, buffer, stream] = await Promise.all([NODE_FS, NODE_HTTP, NODE_HTTPS, NODE_BUFFER, NODE_STREAM].map((m) => import(/* @vite-ignore */ m)));
    const B = (buffer as { Buffer: { allocUnsafeSlow(n: number): Bytes } }).Buffer;
    return { fs: fs as Fs, http: http as Http, https: https as Http, stream: stream as Stream, alloc: (n: number) => B.allocUnsafeSlow(n) };
  })());
}

/** True where this module can run: Node (or Electron's main process), not a browser. */
export const inNode = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';

/** The answer, read whole, in the shape the client's answerOf reads. */
export interface PlainAnswer {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  text(): Promise<string>;
}

/** `fetch`'s failure, as app/errors.ts words it: "fetch failed" with the cause. */
const fetchFailed = (cause: Error) => Object.assign(new TypeError('fetch failed'), { cause });

function abortReason(signal: AbortSignal | undefined): Error {
  const r = signal?.reason as Error | undefined;
  return r instanceof Error ? r : Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

/**
 * One API request with a small JSON body (or none), answered whole: what the client's `request`
 * uses in Node. Node's fetch costs about 0.3 ms more per call than node:http on loopback (its
 * WHATWG streams and abort plumbing), a good part of a `bash true` or a click through the API.
 * Fails as fetch does: "fetch failed" with the cause, the signal's reason on a timeout.
 */
export async function plainRequest(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<PlainAnswer> {
  const { http, https } = await load();
  const signal = AbortSignal.timeout(timeoutMs);
  const bytes = body === undefined ? undefined : new TextEncoder().encode(body);
  const all = bytes === undefined ? headers : { ...headers, 'content-length': String(bytes.byteLength) };
  const cut = () => (signal.aborted ? abortReason(signal) : fetchFailed(new Error('the connection closed before the whole answer came')));
  const once = (retried: boolean) =>
    new Promise<PlainAnswer>((resolve, reject) => {
      let answered = false;
      const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers: all }, (res) => {
        answered = true;
        resolve(readAnswer(res, url.href, cut));
      });
      let failed = false;
      const onAbort = () => {
        failed = true;
        req.destroy(abortReason(signal));
        reject(abortReason(signal));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: Error & { code?: string }) => {
        if (failed) return;
        // A kept-alive connection the server closed while idle, just as this request went out on
        // it: the server never read the request, so it goes once more on a new connection (what
        // Node's documentation advises; fetch does the same).
        if (!retried && !answered && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) resolve(once(true));
        else reject(fetchFailed(e));
      });
      req.on('close', () => signal.removeEventListener('abort', onAbort));
      req.end(bytes);
    });
  return once(false);
}

/** POSTs the file at `path` as multipart/form-data to `url`; answers the whole answer. */
export async function uploadPath(url: string, apiKey: string, path: string, options: UploadOptions): Promise<PlainAnswer> {
  const { fs, http, https, alloc } = await load();
  const fd = await call<number>((cb) => fs.open(path, 'r', 0, cb));
  let closed = false;
  const closeFd = () => {
    if (!closed) fs.close(fd, () => {});
    closed = true;
  };
  try {
    const st = await call<{ size: number; isFile(): boolean }>((cb) => fs.fstat(fd, cb));
    if (!st.isFile()) throw new Error(`${path} is not a file`);
    const size = st.size;
    const form = framing({ name: path.split(/[\\/]/).pop() || path, size }, options);
    const target = new URL(url);
    const signal = options.signal;
    if (signal?.aborted) throw abortReason(signal);
    return await new Promise<PlainAnswer>((resolve, reject) => {
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': form.contentType, 'content-length': String(form.length) };
      let failed: Error | undefined;
      // An answer before the whole body was sent (a refusal: too large, no such workspace) ends the
      // sending; the connection is closed once the answer has been read.
      let answered = false;
      let sentAll = false;
      const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', headers }, (res) => {
        answered = true;
        const answer = readAnswer(res, url);
        if (!sentAll) answer.text().then(() => req.destroy(), () => req.destroy());
        resolve(answer);
      });
      const fail = (e: Error) => {
        if (answered) return;
        failed ??= e;
        req.destroy(e);
        reject(e);
      };
      const onAbort = () => fail(abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        if (!answered) reject(failed ?? fetchFailed(e));
      });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      let sent = 0;
      const progress = (n: number) => {
        sent += n;
        options.onProgress?.({ sent, total: form.length });
      };
      // Two buffers: one on its way through the socket while the next megabyte is read.
      const buffers = [alloc(CHUNK), alloc(CHUNK)];
      const taken: Array<Promise<void> | undefined> = [undefined, undefined];
      const put = (b: Bytes) =>
        new Promise<void>((res, rej) =>
          req.write(b, (e) => {
            if (e) return rej(e);
            progress(b.byteLength);
            res();
          }),
        );
      (async () => {
        await put(form.head);
        let pos = 0;
        for (let i = 0; pos < size && !failed && !answered; i ^= 1) {
          await taken[i];
          const want = Math.min(CHUNK, size - pos);
          const n = await call<number>((cb) => fs.read(fd, buffers[i]!, 0, want, pos, cb));
          // The request promised `size` bytes: a file that grows is cut there, one that shrinks fails it.
          if (n === 0) throw new Error(`${path} got shorter while it was being uploaded`);
          pos += n;
          taken[i] = put(n === CHUNK ? buffers[i]! : buffers[i]!.subarray(0, n));
          taken[i]!.catch(() => {});
        }
        await Promise.all(taken);
        closeFd();
        if (failed || answered) return;
        sentAll = true;
        req.end(form.tail);
        progress(form.tail.byteLength);
      })().catch((e: Error) => fail(failed ?? e));
    });
  } finally {
    closeFd();
  }
}

/** GETs `url` (a signed link: no key) into `toPath`, through `<toPath>.part` renamed at the end. */
export async function downloadToPath(url: string, toPath: string, options: DownloadOptions = {}): Promise<number> {
  const target = new URL(url);
  const signal = options.signal;
  if (signal?.aborted) throw abortReason(signal);
  const part = `${toPath}.part`;
  const { fs } = await load();
  try {
    // Plain http (the host on this machine or the LAN): straight from the socket (socket-download.ts).
    const got = target.protocol === 'http:' ? await socketDownload(target, part, options, () => abortReason(signal), fetchFailed) : 'other';
    const received = got === 'other' ? await httpDownload(target, part, options) : got;
    await done((cb) => fs.rename(part, toPath, cb));
    return received;
  } catch (e) {
    await done((cb) => fs.rm(part, { force: true }, cb)).catch(() => {});
    throw e;
  }
}

/** The same over node:http(s), for any answer (https, chunked, errors in words); answers the byte count. */
async function httpDownload(target: URL, part: string, options: DownloadOptions): Promise<number> {
  const { fs, http, https, stream } = await load();
  const url = target.href;
  const signal = options.signal;
  let received = 0;
  let file: WriteStream | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (e?: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (e) reject(e);
        else resolve();
      };
      const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'GET', headers: {} }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          readAnswer(res, url)
            .text()
            .then((text) => finish(new Error(`Download failed (${status}): ${errorBody(text, res.statusMessage ?? '').error}`)), finish);
          return;
        }
        const lengthHeader = res.headers['content-length'];
        const total = typeof lengthHeader === 'string' ? Number(lengthHeader) : null;
        res.on('data', (d) => {
          received += d.byteLength;
          options.onProgress?.({ received, total });
        });
        // A write stream with room for a few MB: pieces queued while a write is under way go out
        // together in one writev, and the socket is paused only when the disk is that far behind
        // (pausing at every megabyte stalled the sender on a busy machine).
        file = fs.createWriteStream(part, { mode: 0o644, highWaterMark: 4 * CHUNK });
        stream.pipeline(res, file, (e) => {
          if (e) return finish(signal?.aborted ? abortReason(signal) : e);
          if (total !== null && received !== total) return finish(new Error(`Download ended early: ${received} of ${total} bytes`));
          finish();
        });
      });
      const onAbort = () => {
        req.destroy(abortReason(signal));
        finish(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => finish(signal?.aborted ? abortReason(signal) : fetchFailed(e)));
      req.end();
    });
    return received;
  } catch (e) {
    // Once the file is closed: a stream still opening it would make it again after the caller's rm.
    const f = file;
    if (f && !f.closed) await new Promise<void>((r) => f.once('close', () => r()));
    throw e;
  }
}

function readAnswer(res: Incoming, url: string, aborted?: () => Error): PlainAnswer {
  const status = res.statusCode ?? 0;
  const text = new Promise<string>((resolve, reject) => {
    const parts: Bytes[] = [];
    res.on('data', (d) => parts.push(d));
    res.on('end', () => resolve(new TextDecoder().decode(concat(parts))));
    res.on('error', (e) => reject(fetchFailed(e)));
    // Closed before its end (the request's timeout, a dropped connection): the answer fails, as fetch's does.
    res.on('close', () => aborted && reject(aborted()));
  });
  text.catch(() => {});
  return { ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '', url, text: () => text };
}

function concat(parts: Bytes[]): Bytes {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
