/**
 * File transfers from and to a path in Node, over Node's own http(s) instead of fetch. Why:
 * fetch in Node moves a body through web streams, a promise and often a copy per piece; for a
 * 200 MB upload that cost the client 4-5× the CPU of the bytes themselves and held transfers at a
 * fraction of curl's speed (bench/files.ts). A file read stream written to the request, and a
 * response piped into a file, move the same bytes with Node's own backpressure and no per-piece
 * promise. Loaded only when used, by a name bundlers for the browser do not resolve.
 */

// Variables, so that bundlers for the browser do not try to resolve Node's modules.
const NODE_HTTP: string = 'node:http';
const NODE_HTTPS: string = 'node:https';
const NODE_FS: string = 'node:fs';
const NODE_STREAM: string = 'node:stream/promises';

/** Reads of a file (and writes of a download) in pieces this big: fewer trips per megabyte. */
const PIECE = 1 << 20;

interface Incoming extends AsyncIterable<Uint8Array> {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  resume(): void;
}
interface Outgoing {
  write(chunk: Uint8Array): boolean;
  end(): void;
  destroy(e?: Error): void;
  once(event: 'drain' | 'close', fn: () => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  on(event: 'response', fn: (res: Incoming) => void): void;
}
interface HttpModule {
  request(url: URL, options: { method: string; headers: Record<string, string> }): Outgoing;
}
interface ReadStream extends AsyncIterable<Uint8Array> {
  destroy(): void;
}
interface NodeFs {
  createReadStream(path: string, options: { start: number; end: number; highWaterMark: number }): ReadStream;
  createWriteStream(path: string, options: { mode: number; highWaterMark: number }): unknown;
  promises: { rename(from: string, to: string): Promise<void>; rm(path: string, options: { force: boolean }): Promise<void> };
}
interface NodeStreamPromises {
  pipeline(...stages: unknown[]): Promise<void>;
}

const load = async <T>(name: string) => (await import(/* @vite-ignore */ name)) as T;
const httpFor = (url: URL) => load<HttpModule>(url.protocol === 'https:' ? NODE_HTTPS : NODE_HTTP);

/** A request whose body is `pieces`, written as the connection takes them; answers the response. */
export async function sendPieces(
  url: URL,
  method: string,
  headers: Record<string, string>,
  pieces: AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<Response> {
  const http = await httpFor(url);
  const req = http.request(url, { method, headers });
  const aborted = () => req.destroy(new DOMException('The upload was cancelled', 'AbortError'));
  signal?.addEventListener('abort', aborted, { once: true });
  try {
    const answer = new Promise<Incoming>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    answer.catch(() => {}); // awaited below; a failure mid-body surfaces there
    const closed = new Promise<void>((resolve) => req.once('close', resolve));
    for await (const piece of pieces) {
      signal?.throwIfAborted();
      // A host that answers early (a refusal) stops reading: stop sending then too.
      if (!req.write(piece)) await Promise.race([new Promise<void>((r) => req.once('drain', r)), closed, answer.then(() => {})]);
    }
    req.end();
    return await toResponse(await answer);
  } catch (e) {
    throw cancelled(signal, 'upload') ?? e;
  } finally {
    signal?.removeEventListener('abort', aborted);
  }
}

/** A cancelled transfer fails as fetch's would, with an AbortError, whatever broke first. */
const cancelled = (signal: AbortSignal | undefined, what: string) => (signal?.aborted ? new DOMException(`The ${what} was cancelled`, 'AbortError') : undefined);

async function toResponse(res: Incoming): Promise<Response> {
  const chunks: Uint8Array[] = [];
  for await (const c of res) chunks.push(c);
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new Response(bytes, { status: res.statusCode ?? 0, headers });
}

/** Bytes `start`..`start + length` of a file, in big pieces. */
export async function* filePieces(path: string, start: number, length: number): AsyncIterable<Uint8Array> {
  if (length <= 0) return;
  const fs = await load<NodeFs>(NODE_FS);
  const stream = fs.createReadStream(path, { start, end: start + length - 1, highWaterMark: PIECE });
  let read = 0;
  try {
    for await (const piece of stream) {
      read += piece.byteLength;
      yield piece;
    }
  } finally {
    stream.destroy();
  }
  // The request promised `length` bytes: a file that shrank meanwhile fails it.
  if (read < length) throw new Error(`${path} got shorter while it was being uploaded`);
}

/**
 * GET `url` into `part` (created 0644), counting bytes for `onBytes`; answers the count and the
 * Content-Length, or throws with the server's error text.
 */
export async function getToFile(url: URL, part: string, onBytes: (received: number, total: number | null) => void, signal?: AbortSignal): Promise<{ received: number; total: number | null }> {
  const http = await httpFor(url);
  const fs = await load<NodeFs>(NODE_FS);
  const { pipeline } = await load<NodeStreamPromises>(NODE_STREAM);
  const req = http.request(url, { method: 'GET', headers: {} });
  const aborted = () => req.destroy(new DOMException('The download was cancelled', 'AbortError'));
  signal?.addEventListener('abort', aborted, { once: true });
  try {
    const res = await new Promise<Incoming>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const text = await (await toResponse(res)).text();
      let message = text.slice(0, 300) || `HTTP ${status}`;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        /* not JSON */
      }
      throw new Error(`Download failed (${status}): ${message}`);
    }
    const header = res.headers['content-length'];
    const total = typeof header === 'string' ? Number(header) : null;
    let received = 0;
    async function* counted(source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) {
        received += chunk.byteLength;
        onBytes(received, total);
        yield chunk;
      }
    }
    await pipeline(res, counted, fs.createWriteStream(part, { mode: 0o644, highWaterMark: PIECE }));
    return { received, total };
  } catch (e) {
    throw cancelled(signal, 'download') ?? e;
  } finally {
    signal?.removeEventListener('abort', aborted);
  }
}
