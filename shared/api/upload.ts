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
const NODE_FS: string = 'node:fs/promises';
const NODE_BUFFER: string = 'node:buffer';
/** Big reads: fewer trips through the streams per megabyte (64 KB pieces cost twice the CPU). */
const CHUNK = 1024 * 1024;

interface NodeFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}
interface NodeFs {
  stat(path: string): Promise<{ size: number; isFile(): boolean }>;
  open(path: string, flags: string): Promise<NodeFileHandle>;
}
interface NodeBuffer {
  Buffer: { allocUnsafeSlow(size: number): Uint8Array };
}

/**
 * A path (Node only), read from disk as the connection takes it: never loaded whole. Each
 * piece is a new uninitialised buffer handed to fetch as is (Readable.toWeb would copy every
 * piece once more, and a zeroed Uint8Array costs a memset: together most of the client's CPU).
 */
async function fromPath(path: string): Promise<UploadSource> {
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as NodeFs;
  const { Buffer } = (await import(/* @vite-ignore */ NODE_BUFFER)) as NodeBuffer;
  const st = await fs.stat(path);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  const size = st.size;
  return {
    name: path.split(/[\\/]/).pop() || path,
    size,
    stream: () => {
      let handle: NodeFileHandle | undefined;
      let sent = 0;
      const close = async () => {
        const h = handle;
        handle = undefined;
        await h?.close();
      };
      return new ReadableStream<Uint8Array>(
        {
          async pull(c) {
            // The request promised `size` bytes: a file that grows is cut there, one that shrinks fails it.
            if (sent >= size) {
              await close();
              return c.close();
            }
            handle ??= await fs.open(path, 'r');
            const want = Math.min(CHUNK, size - sent);
            const buf = Buffer.allocUnsafeSlow(want);
            const { bytesRead } = await handle.read(buf, 0, want, sent);
            if (bytesRead === 0) {
              await close();
              return c.error(new Error(`${path} got shorter while it was being uploaded`));
            }
            sent += bytesRead;
            c.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
          },
          cancel: close,
        },
        { highWaterMark: 0 },
      );
    },
  };
}

export async function uploadBody(file: string | UploadSource, options: UploadOptions): Promise<UploadBody> {
  const source = typeof file === 'string' ? await fromPath(file) : file;
  const form = framing(source, options);
  return { body: framed(form.head, source, form.tail, form.length, options.onProgress), length: form.length, contentType: form.contentType };
}

/** The multipart framing around a file of `source.size` bytes: what goes before it and after it. */
export function framing(source: { name?: string; size: number; type?: string }, options: UploadOptions): { head: Uint8Array; tail: Uint8Array; length: number; contentType: string } {
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
  return { head: headBytes, tail: tailBytes, length: headBytes.byteLength + source.size + tailBytes.byteLength, contentType: `multipart/form-data; boundary=${boundary}` };
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
