/**
 * A streaming multipart/form-data reader for uploads (RFC 7578), made for large files.
 *
 * Why not busboy (through @fastify/multipart): it finds boundaries with a Boyer-Moore search in
 * JavaScript and hands each 64 KB piece of a socket through four streams before it reaches the
 * file; measured, that was most of the host's CPU per uploaded gigabyte beyond receiving the bytes.
 * Here each piece the socket delivers is searched for the boundary with Buffer.indexOf (native
 * code) and the file's bytes go to the sink as views of that piece, never copied on the way; the
 * request is read only as fast as the sink takes bytes (backpressure).
 *
 * Form fields are small (limits below); one file part at a time is streamed; parts that are not
 * form-data (no Content-Disposition) are skipped, as busboy does.
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ApiError, badRequest } from '../errors.js';
import type { Hold, SocketBody } from './socket-body.js';

export interface FormLimits {
  /** Parts in all (fields, files and skipped ones). */
  parts: number;
  fields: number;
  /** Bytes of one field's value. */
  fieldSize: number;
  /** Header lines of one part; more are ignored. */
  headerPairs: number;
}

export interface FilePart {
  fieldname: string;
  /** As sent (not yet cleaned: see names.ts). */
  filename: string;
  /** As declared; undefined when the part did not say. */
  mimetype: string | undefined;
}

export interface FormHandlers {
  /** A field's value, complete. May throw to refuse the form. */
  field(name: string, value: string): void;
  /** A file part begins: answers where its bytes go (it is ended when the part ends). May throw. */
  file(part: FilePart): Writable;
  /** The file's bytes beyond this many are refused with `tooLarge`. */
  maxFileBytes: number;
  tooLarge(): Error;
}

/** A part's header block larger than this is malformed (busboy allows 80 KB; a form's are tiny). */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

const malformed = (what: string) => badRequest(`The multipart/form-data body is malformed: ${what}`, 'bad_multipart');

/** The boundary of a `multipart/form-data; boundary=...` content type, or a 400. */
export function boundaryOf(contentType: string | undefined): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  const b = m?.[1] ?? m?.[2];
  if (!b) throw malformed('Multipart: Boundary not found');
  return b;
}

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'field' | 'file' | 'skip' | 'end';

/**
 * Reads the form from `body` to its closing boundary, calling `h` for each field and file; answers
 * the file's byte count (0 without one). Throws an ApiError for a malformed or over-limit form.
 */
export async function readForm(body: Readable | SocketBody, contentType: string | undefined, limits: FormLimits, h: FormHandlers): Promise<number> {
  const reader = new FormReader(Buffer.from(`\r\n--${boundaryOf(contentType)}`), limits, h);
  try {
    // The body's first boundary has no line break before it: read as if it had (RFC 2046's preamble rule).
    reader.push(Buffer.from('\r\n'));
    if (!('pipe' in body)) await body.pump(reader); // straight off the socket (socket-body.ts)
    else await readStream(body, reader);
    await reader.finishing; // the file's last bytes are on disk (or its error, such as a full disk)
  } catch (e) {
    await reader.abort();
    throw e;
  }
  return reader.fileBytes;
}

function readStream(body: Readable, reader: FormReader): Promise<void> {
    // Events, not an async iterator: leaving one early destroys the request, and with it the
    // connection the refusal is to be sent on. The request is paused only while the file's sink
    // is behind: pausing for every piece would stop and restart the socket's reading each time.
    return new Promise<void>((resolve, reject) => {
      // A piece waiting for the sink: 'end' (and 'close') can come meanwhile, and wait for it.
      let waiting: Promise<void> | undefined;
      let ended = false;
      const settle = (e?: unknown) => {
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', settle);
        body.off('close', onClose);
        if (e) reject(e);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        try {
          const wait = reader.push(chunk);
          if (!wait) return;
          body.pause();
          waiting = wait.then(() => {
            waiting = undefined;
            body.resume();
          });
          waiting.catch(settle);
        } catch (e) {
          settle(e);
        }
      };
      const atEnd = () => settle(reader.state === 'end' ? undefined : malformed('Unexpected end of form (no closing boundary)'));
      const onEnd = () => {
        ended = true;
        if (waiting) waiting.then(atEnd, settle);
        else atEnd();
      };
      const onClose = () => {
        if (!ended) settle(Object.assign(new Error('The upload was cut off before the file ended'), { code: 'UPLOAD_CUT_OFF' }));
      };
      body.on('data', onData);
      body.once('end', onEnd);
      body.once('error', settle);
      body.once('close', onClose);
      body.resume();
    });
}

export class FormReader {
  state: State = 'preamble';
  fileBytes = 0;
  /** Bytes held back at the end of a piece: they may be the start of the delimiter. */
  private carry: Buffer = Buffer.alloc(0);
  private header: Buffer[] = [];
  private fieldName = '';
  private fieldValue: Buffer[] = [];
  private fieldBytes = 0;
  private sink: Writable | undefined;
  private sinkError: Error | undefined;
  private parts = 0;
  private fields = 0;
  private afterDelimiter = Buffer.alloc(0);

  constructor(
    private readonly delimiter: Buffer,
    private readonly limits: FormLimits,
    private readonly h: FormHandlers,
  ) {}

  /** The file part's sink once ended, until it has finished writing. */
  finishing: Promise<void> = Promise.resolve();
  /** The sink took more than it can hold: go on once it drains. */
  private full = false;
  /** The current piece's holder, if it has one (socket-body.ts). */
  private hold: Hold | undefined;

  /**
   * Parses a piece; answers a promise only when the rest must wait for the sink to drain. With
   * `hold`, the file's bytes may be written from the piece itself (file-sink.ts) and the piece is
   * held until they are.
   */
  push(chunk: Buffer, hold?: Hold): Promise<void> | undefined {
    this.hold = hold;
    let data = chunk;
    while (data.length && this.state !== 'end') {
      switch (this.state) {
        case 'afterDelimiter':
          data = this.readAfterDelimiter(data);
          break;
        case 'headers':
          data = this.readHeaders(data);
          break;
        default:
          data = this.readBody(data);
      }
      if (this.full) {
        this.full = false;
        const rest = data;
        return drained(this.sink!, () => this.sinkError).then(() => this.push(rest, hold));
      }
    }
    return undefined;
  }

  /** Bytes of the current part's body up to the delimiter (or while the sink can take them); answers what follows. */
  private readBody(chunk: Buffer): Buffer {
    const d = this.delimiter;
    let data = chunk;
    if (this.carry.length) {
      const carry = this.carry;
      this.carry = Buffer.alloc(0);
      if (data.length < d.length) {
        data = Buffer.concat([carry, data]); // a small piece: simplest whole
      } else {
        // Only a delimiter that starts in the held-back bytes needs a look across the join.
        const joined = Buffer.concat([carry, data.subarray(0, d.length - 1)]);
        const at = joined.indexOf(d);
        if (at >= 0 && at < carry.length) {
          this.emit(joined.subarray(0, at));
          return this.delimiterFound(data.subarray(at + d.length - carry.length));
        }
        this.emit(carry);
        if (this.full) return data;
      }
    }
    const at = data.indexOf(d);
    if (at >= 0) {
      this.emit(data.subarray(0, at));
      return this.delimiterFound(data.subarray(at + d.length));
    }
    const keep = partialAtEnd(data, d);
    this.emit(data.subarray(0, data.length - keep));
    if (keep) this.carry = Buffer.from(data.subarray(data.length - keep));
    return Buffer.alloc(0);
  }

  private emit(bytes: Buffer): void {
    if (!bytes.length) return;
    if (this.state === 'field') {
      this.fieldBytes += bytes.length;
      if (this.fieldBytes > this.limits.fieldSize) {
        throw badRequest(`The form field ${JSON.stringify(this.fieldName)} is longer than ${this.limits.fieldSize} bytes`, 'field_too_long');
      }
      this.fieldValue.push(Buffer.from(bytes));
    } else if (this.state === 'file') {
      this.fileBytes += bytes.length;
      if (this.fileBytes > this.h.maxFileBytes) throw this.h.tooLarge();
      if (this.sinkError) throw this.sinkError;
      if (!this.sink!.write(bytes, this.hold?.take())) this.full = true;
    }
    // preamble and skipped parts: dropped
  }

  /** The current part ended: finish it; what follows is "--" (the end) or a line break (a part). */
  private delimiterFound(rest: Buffer): Buffer {
    if (this.state === 'field') {
      this.h.field(this.fieldName, Buffer.concat(this.fieldValue).toString('utf8'));
      this.fieldValue = [];
    } else if (this.state === 'file') {
      // Ended here, waited for at the end of the form (readForm): the sink keeps its own order.
      const sink = this.sink!;
      this.full = false;
      this.finishing = finished(sink);
      this.finishing.catch(() => {});
      sink.end();
    }
    this.state = 'afterDelimiter';
    this.afterDelimiter = Buffer.alloc(0);
    return rest;
  }

  /** `--` ends the form; otherwise optional spaces and a line break start the next part's headers. */
  private readAfterDelimiter(data: Buffer): Buffer {
    const seen = Buffer.concat([this.afterDelimiter, data]);
    if (seen.length < 2) {
      this.afterDelimiter = seen;
      return Buffer.alloc(0);
    }
    if (seen[0] === 0x2d && seen[1] === 0x2d) {
      this.state = 'end';
      return Buffer.alloc(0); // the epilogue, if any, is ignored
    }
    const lf = seen.indexOf(0x0a);
    if (lf < 0) {
      if (seen.length > 256 || !/^[ \t\r]*$/.test(seen.toString('latin1'))) throw malformed('Malformed part boundary');
      this.afterDelimiter = seen;
      return Buffer.alloc(0);
    }
    if (!/^[ \t]*\r$/.test(seen.subarray(0, lf).toString('latin1'))) throw malformed('Malformed part boundary');
    this.parts++;
    if (this.parts > this.limits.parts) throw new ApiError(413, `The form has too many parts (${this.limits.parts} at most: one file and a few fields)`, 'too_many_parts');
    this.state = 'headers';
    this.header = [Buffer.from('\r\n')];
    return seen.subarray(lf + 1);
  }

  private readHeaders(data: Buffer): Buffer {
    // The block is searched with the delimiter line's own line break in front (this.header
    // starts with it), so that a part with no headers at all ends its block at once.
    this.header.push(data);
    const block = Buffer.concat(this.header);
    const end = block.indexOf(CRLF2);
    if (end < 0) {
      if (block.length > MAX_HEADER_BYTES) throw malformed('Malformed part header (too large)');
      this.header = [block];
      return Buffer.alloc(0);
    }
    if (end > MAX_HEADER_BYTES) throw malformed('Malformed part header (too large)');
    this.header = [];
    this.startPart(parseHeaders(block.subarray(2, Math.max(2, end)).toString('utf8'), this.limits.headerPairs));
    return block.subarray(end + 4);
  }

  private startPart(headers: Map<string, string>): void {
    const disposition = parseDisposition(headers.get('content-disposition'));
    if (!disposition) {
      this.state = 'skip';
      return;
    }
    if (disposition.filename !== undefined) {
      const sink = this.h.file({ fieldname: disposition.name, filename: disposition.filename, mimetype: headers.get('content-type') });
      sink.on('error', (e: Error) => (this.sinkError ??= e));
      this.sink = sink;
      this.state = 'file';
      return;
    }
    this.fields++;
    if (this.fields > this.limits.fields) throw new ApiError(413, `The form has too many fields (${this.limits.fields} at most)`, 'too_many_fields');
    this.fieldName = disposition.name;
    this.fieldValue = [];
    this.fieldBytes = 0;
    this.state = 'field';
  }

  /**
   * Ends a file part cut short by an error, once its file is closed (so a discard after this
   * cannot run before the sink has even created its file); its bytes are the caller's to discard.
   */
  async abort(): Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    if (!sink || sink.closed) return;
    const closed = once(sink, 'close').catch(() => {});
    sink.destroy();
    await closed;
  }
}

/** Once `sink` drains; its error (a full disk) or its closing first rejects. */
function drained(sink: Writable, error: () => Error | undefined): Promise<void> {
  if (sink.destroyed) return Promise.reject(error() ?? new Error('The file was closed while it was being written'));
  return new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      sink.off('drain', onDrain);
      sink.off('error', done);
      sink.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(error() ?? new Error('The file was closed while it was being written'));
    sink.on('drain', onDrain);
    sink.on('error', done);
    sink.on('close', onClose);
  });
}

/** How many bytes at the end of `data` are the start of `d` (the most that could be). */
function partialAtEnd(data: Buffer, d: Buffer): number {
  const from = Math.max(0, data.length - d.length + 1);
  for (let i = data.indexOf(d[0]!, from); i >= 0; i = data.indexOf(d[0]!, i + 1)) {
    if (data.subarray(i).equals(d.subarray(0, data.length - i))) return data.length - i;
  }
  return 0;
}

function parseHeaders(text: string, maxPairs: number): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const line of text.split('\r\n').slice(0, maxPairs)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('Malformed part header');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

/** `form-data; name="x"; filename="y"` (quoted or bare values, `filename*=UTF-8''...`), or undefined. */
export function parseDisposition(value: string | undefined): { name: string; filename?: string } | undefined {
  if (!value) return undefined;
  const m = /^\s*form-data\s*(;|$)/i.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let p = re.exec(value); p; p = re.exec(value)) {
    const key = p[1]!.toLowerCase();
    const v = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!.trim();
    if (!params.has(key)) params.set(key, v);
  }
  let filename = params.get('filename');
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const e = /^([\w-]*)'[^']*'(.*)$/.exec(extended);
    try {
      if (e) filename = e[1]!.toLowerCase() === 'utf-8' ? decodeURIComponent(e[2]!) : unescape(e[2]!);
    } catch {
      /* a bad escape: keep the plain filename */
    }
  }
  return { name: params.get('name') ?? '', filename };
}
