/**
 * Files for the app: uploads onto a computer's Desktop, each cancellable and reporting progress,
 * and the browser-mode upload endpoint's one-time tickets. In Electron the renderer passes paths
 * (from a drop) and main streams each file from disk through the SDK; in browser mode the page
 * posts the bytes to the launcher, which pipes the request straight into the same SDK call. The
 * API key stays here either way.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { OrgoApiError } from '../shared/api/client.js';
import type { OrgoFile } from '../shared/api/types.js';
import { uploadTooLarge } from '../shared/ipc/sizes.js';
import type { FileView } from '../shared/ipc/types.js';
import { describeError } from './errors.js';
import { logger } from './log.js';
import type { Session } from './session.js';

const log = logger('files');
const TICKET_MS = 5 * 60_000;
/** A host's upload limit changes only when it restarts with another --max-upload-mb. */
const LIMIT_MS = 60_000;

export function fileView(f: OrgoFile): FileView {
  return { id: f.id, name: f.name, size: f.size, content_type: f.content_type, workspace_id: f.workspace_id, desktop_id: f.desktop_id, created_at: f.created_at };
}

/** A file larger than the host takes, refused before sending. */
class TooLarge extends Error {
  readonly status = 413;
}

/** An upload's failure in words a person acts on (too large, computer gone, network). */
export function uploadError(e: unknown): Error {
  if (e instanceof TooLarge) return e;
  if (e instanceof OrgoApiError) {
    if (e.status === 413) return Object.assign(new Error(`Too large: ${e.message}`), { status: 413 });
    if (e.status === 404) return Object.assign(new Error(`The computer no longer exists (${e.message})`), { status: 404 });
    return Object.assign(new Error(e.message), { status: e.status });
  }
  if ((e as Error)?.name === 'AbortError') return Object.assign(new Error('Cancelled'), { code: 'cancelled' });
  return new Error(`Network: ${describeError(e).message}`);
}

export class AppFiles {
  private readonly running = new Map<string, AbortController>();
  private readonly tickets = new Map<string, { computerId: string; profileId: string; expires: number }>();
  private readonly limits = new Map<string, { maxBytes: number | null; at: number }>();

  constructor(private readonly session: Session) {}

  /**
   * The largest file the active profile's host takes, in bytes (null: the host does not say, as
   * Orgo's cloud does not), from the listing of the computer's files; kept a minute per host
   * (`fresh` asks the host again). Windows ask here on each drop, so a host restarted with
   * another --max-upload-mb shows its new figure in a window already open.
   */
  async limit(computerId: string, fresh = false): Promise<number | null> {
    const { profile, client } = await this.session.client();
    const key = `${profile.id} ${profile.baseUrl}`;
    const known = this.limits.get(key);
    if (!fresh && known && Date.now() - known.at < LIMIT_MS) return known.maxBytes;
    const maxBytes = await client.uploadLimit(computerId);
    this.limits.set(key, { maxBytes, at: Date.now() });
    return maxBytes;
  }

  /** The limit a host's 413 names, remembered so the next drop is refused before sending. */
  private learnLimit(e: unknown): void {
    const bytes = e instanceof OrgoApiError && e.status === 413 ? e.body.limit_bytes : undefined;
    if (typeof bytes !== 'number') return;
    const profile = this.session.profiles.active();
    this.limits.set(`${profile.id} ${profile.baseUrl}`, { maxBytes: bytes, at: Date.now() });
  }

  /**
   * Refuses, before a byte is sent, a file the host would refuse for its size. A refusal is
   * checked against the host's figure of the moment, not the cached one: the host may have
   * restarted with a larger limit since.
   */
  private async checkSize(computerId: string, name: string, size: number): Promise<void> {
    let why: string | null;
    try {
      why = uploadTooLarge(name, size, await this.limit(computerId));
      if (why) why = uploadTooLarge(name, size, await this.limit(computerId, true));
    } catch {
      return; // the upload itself says what is wrong with the host
    }
    if (why) throw new TooLarge(why);
  }

  /** Electron: streams a file from disk onto the computer's Desktop. */
  async uploadPath(computerId: string, uploadId: string, path: string, onProgress: (sent: number, total: number) => void): Promise<FileView> {
    const { client } = await this.session.client();
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`${basename(path)} is not a file (folders are not uploaded)`);
    await this.checkSize(computerId, basename(path), st.size);
    const abort = new AbortController();
    this.running.set(uploadId, abort);
    try {
      return fileView(await client.uploadFile(path, { desktopId: computerId, signal: abort.signal, onProgress: (p) => onProgress(p.sent, p.total) }));
    } catch (e) {
      this.learnLimit(e);
      throw uploadError(abort.signal.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : e);
    } finally {
      this.running.delete(uploadId);
    }
  }

  cancel(uploadId: string): void {
    this.running.get(uploadId)?.abort();
  }

  /** Browser mode: a one-time address on the launcher for one upload to one computer. */
  ticket(computerId: string): string {
    const now = Date.now();
    for (const [k, t] of this.tickets) if (t.expires < now) this.tickets.delete(k);
    const id = randomBytes(24).toString('base64url');
    this.tickets.set(id, { computerId, profileId: this.session.profiles.active().id, expires: now + TICKET_MS });
    return `/upload/${id}`;
  }

  /**
   * Browser mode's `POST /upload/TICKET?name=` (the launcher has checked the cookie and Origin):
   * the request body is the file; it goes on to the API as it arrives. The page leaving (abort)
   * cancels the upload at the host too.
   */
  async handleUpload(req: IncomingMessage, res: ServerResponse, ticketId: string, name: string): Promise<void> {
    const answer = (status: number, body: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const ticket = this.tickets.get(ticketId);
    this.tickets.delete(ticketId);
    if (!ticket || ticket.expires < Date.now()) return answer(403, { error: 'This upload address expired; drop the file again' });
    const size = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(size) || size < 0) return answer(411, { error: 'The upload needs a Content-Length' });
    if (!name || name.length > 255 || /[/\\\0]/.test(name)) return answer(400, { error: 'name must be a file name' });
    const abort = new AbortController();
    req.on('close', () => {
      if (!req.complete) abort.abort();
    });
    try {
      if (this.session.profiles.active().id !== ticket.profileId) throw new Error('The profile changed; drop the file again');
      await this.checkSize(ticket.computerId, name, size);
      const { client } = await this.session.client();
      const file = await client.uploadFile(
        { size, name, type: String(req.headers['content-type'] ?? 'application/octet-stream'), stream: () => Readable.toWeb(req) as ReadableStream<Uint8Array> },
        { desktopId: ticket.computerId, name, signal: abort.signal },
      );
      answer(200, fileView(file));
    } catch (e) {
      this.learnLimit(e);
      const err = uploadError(abort.signal.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : e) as Error & { status?: number };
      if (!abort.signal.aborted) log.warn(`upload of ${name} to ${ticket.computerId}: ${err.message}`);
      answer(err.status && err.status >= 400 ? err.status : 502, { error: err.message });
      // The rest of a refused body is not worth reading.
      if (!req.complete) req.destroy();
    }
  }
}
