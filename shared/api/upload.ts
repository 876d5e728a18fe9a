/**
 * The body of `POST /files/upload`, built for streaming: multipart framing around the file's
 * own Blob, so the bytes go from disk to the socket in chunks and are never all in memory.
 * Works in Node (a path is read from disk in 1 MB pieces as the connection takes them) and in
 * browsers (a File from a drop is already a Blob). Progress counts bytes as the connection takes them.
 */

/** What can be uploaded: a File or Blob, or anything shaped like one. */
export interface UploadSource {
  size: number;
  type?: string;
  name?: string;
  stream(): ReadableStream<Uint8Array>;
}

export interface UploadProgress {
  /** Bytes of the request body handed to the connection so far (framing included). */
  sent: number;
  total: number;
}

export interface UploadOptions {
  /** The workspace the file belongs to; may be left out when `desktopId` is given. */
  workspaceId?: string;
  /** A computer whose /home/user/Desktop gets the file too (running or stopped). */
  desktopId?: string;
  /** The file's name; default: the path's last part, or the File's name. */
  name?: string;
  contentType?: string;
  onProgress?: (p: UploadProgress) => void;
  /** Cancels the upload; the host then discards what it received. */
  signal?: AbortSignal;
}

export interface UploadBody {
  body: ReadableStream<Uint8Array>;
  length: number;
  contentType: string;
}

// Variables, so that bundlers for the browser do not try to resolve Node's modules.
const NODE_FS: string = 'node:fs';
const NODE_STREAM: string = 'node:stream';
/** Big reads: fewer trips through the streams per megabyte (64 KB pieces cost twice the CPU). */
const CHUNK = 1024 * 1024;

interface NodeFs {
  promises: { stat(path: string): Promise<{ size: number; isFile(): boolean }> };
  createReadStream(path: string, options: { highWaterMark: number; start: number; end: number }): unknown;
}
interface NodeStream {
  Readable: { toWeb(stream: unknown): ReadableStream<Uint8Array> };
}

/** A path (Node only), read from disk as the connection takes it: never loaded whole. */
async function fromPath(path: string): Promise<UploadSource> {
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as NodeFs;
  const { Readable } = (await import(/* @vite-ignore */ NODE_STREAM)) as NodeStream;
  const st = await fs.promises.stat(path);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  const size = st.size;
  return {
    name: path.split(/[\\/]/).pop() || path,
    size,
    // The request promises `size` bytes: a file that grows is cut there; one that shrinks fails the request.
    stream: () =>
      size === 0
        ? new ReadableStream<Uint8Array>({ start: (c) => c.close() })
        : Readable.toWeb(fs.createReadStream(path, { highWaterMark: CHUNK, start: 0, end: size - 1 })),
  };
}

export async function uploadBody(file: string | UploadSource, options: UploadOptions): Promise<UploadBody> {
  const source = typeof file === 'string' ? await fromPath(file) : file;
  const name = options.name ?? source.name;
  if (!name) throw new Error('The upload needs a name: pass options.name');
  const boundary = `----orgo-${crypto.randomUUID()}`;
  const fields: Array<[string, string | undefined]> = [
    ['workspaceId', options.workspaceId],
    ['desktopId', options.desktopId],
  ];
  // Fields first: the host checks where the file goes before storing any of it.
  let head = '';
  for (const [k, v] of fields) {
    if (v !== undefined) head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  const type = (options.contentType ?? source.type) || 'application/octet-stream';
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(name)}"\r\nContent-Type: ${type}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const enc = new TextEncoder();
  const [headBytes, tailBytes] = [enc.encode(head), enc.encode(tail)];
  const length = headBytes.byteLength + source.size + tailBytes.byteLength;
  return { body: framed(headBytes, source, tailBytes, length, options.onProgress), length, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A quoted-string for a header parameter: backslash escapes, no line breaks. */
function quoted(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/(["\\])/g, '\\$1');
}

function framed(head: Uint8Array, source: UploadSource, tail: Uint8Array, total: number, onProgress?: (p: UploadProgress) => void): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let stage: 'head' | 'file' | 'tail' | 'done' = 'head';
  let sent = 0;
  const emit = (c: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    sent += chunk.byteLength;
    c.enqueue(chunk);
    onProgress?.({ sent, total });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        if (stage === 'head') {
          stage = 'file';
          reader = source.stream().getReader();
          return emit(c, head);
        }
        if (stage === 'file') {
          const r = await reader!.read();
          if (!r.done) return emit(c, r.value);
          stage = 'tail';
        }
        if (stage === 'tail') {
          stage = 'done';
          emit(c, tail);
          return c.close();
        }
      },
      cancel(reason) {
        return reader?.cancel(reason);
      },
    },
    // Pull only as the connection takes bytes, so progress means "sent", not "read ahead".
    { highWaterMark: 0 },
  );
}
