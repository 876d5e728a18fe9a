/**
 * Workspace files: uploads streamed into the data dir (never held whole in memory), copies onto
 * a computer's desktop, exports out of a computer's home, signed download links, deletion.
 * The bytes of file <id> are `<data dir>/files/<id>`, root-only; the rows are in SQLite.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { copyToDesktop, DesktopDrop } from './desktop-drop.js';
import { FileSink } from './file-sink.js';
import { copySparse } from './sparse-copy.js';
import { openInHome } from './home-path.js';
import { contentTypeFor } from './names.js';
import { LINK_LIFETIME_S, LinkSigner } from './signed-urls.js';
import { ApiError, notFound } from '../errors.js';
import { logger } from '../../shared/node/log.js';
import type { ComputerRow } from '../store/computers.js';
import type { FileRow, FileStore } from '../store/files.js';
import type { WorkspaceStore } from '../store/workspaces.js';
import type { Computers } from '../services/computers.js';

const log = logger('files');
const INCOMING = '.incoming-';
const mb = (bytes: number) => `${+(bytes / 1024 / 1024).toFixed(2)} MB`;

const fileTooLarge = (size: number, max: number) =>
  new ApiError(413, `The file is ${mb(size)}, larger than this host's file limit of ${mb(max)} (${max} bytes; the host's --max-upload-mb)`, 'file_too_large', {
    limit_bytes: max,
  });
export const hostDiskFull = () => new ApiError(507, "The host's disk is full: the file was not stored; free some space on the host and try again", 'disk_full');

export interface FilesConfig {
  dataDir: string;
  /** Uploads over this many bytes are refused with 413. */
  maxUploadBytes: number;
}

/** An upload's bytes, streamed into the store's folder but not yet a file of any workspace. */
export interface Incoming {
  path: string;
  size: number;
  /** The desktop's copy, written beside the store's as the bytes arrive (see incoming()). */
  drop?: DesktopDrop;
}

export class Files {
  readonly dir: string;
  readonly links: LinkSigner;

  constructor(
    private readonly store: FileStore,
    private readonly workspaces: WorkspaceStore,
    private readonly computers: Computers,
    readonly config: FilesConfig,
  ) {
    this.dir = join(config.dataDir, 'files');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.links = LinkSigner.forDataDir(config.dataDir);
    this.sweep();
  }

  get maxUploadBytes(): number {
    return this.config.maxUploadBytes;
  }

  get(id: string): FileRow | undefined {
    return this.store.get(id);
  }

  list(filter: { workspaceId?: string; desktopId?: string }): FileRow[] {
    return this.store.list(filter);
  }

  bytesOf(row: Pick<FileRow, 'id'>): string {
    return join(this.dir, row.id);
  }

  /**
   * A new temp file for an upload's bytes, written through `sink` as they arrive (see file-sink.ts).
   * With `computer` (known before the bytes come), they are written onto its desktop at the same
   * time, so that addUpload need not copy them there afterwards.
   */
  incoming(computer?: ComputerRow): Incoming & { sink: FileSink } {
    const path = join(this.dir, INCOMING + randomBytes(8).toString('hex'));
    const drop = computer ? DesktopDrop.open(this.computers.paths(this.liveComputer(computer.id)).home) : undefined;
    return { path, size: 0, drop, sink: new FileSink(path, 0o600, drop?.fd) };
  }

  /** The upload's bytes are all written: their size, from the file itself. */
  received(incoming: Incoming): Incoming {
    return { path: incoming.path, size: statSync(incoming.path).size, drop: incoming.drop };
  }

  /** Removes an upload's temp file (and its desktop copy if not yet placed); its sink must be closed. */
  discard(incoming: Incoming | undefined): void {
    if (!incoming) return;
    incoming.drop?.cancel();
    rmSync(incoming.path, { force: true });
  }

  /** Makes received bytes a file of the workspace and, with a computer, puts a copy on its desktop. */
  async addUpload(incoming: Incoming, to: { workspaceId: string; computer?: ComputerRow; name: string; contentType?: string }): Promise<FileRow> {
    try {
      if (!this.workspaces.get(to.workspaceId)) throw notFound('Workspace');
      let desktopPath: string | null = null;
      let name = to.name;
      if (to.computer) {
        const computer = this.liveComputer(to.computer.id);
        try {
          // Written there as they came (incoming()), or copied there now.
          desktopPath = incoming.drop ? incoming.drop.place(to.name) : await copyToDesktop(this.computers.paths(computer).home, incoming.path, to.name);
        } catch (e) {
          this.liveComputer(computer.id); // deleted while the bytes arrived: say so, not "disk not ready"
          throw e;
        }
        name = basename(desktopPath);
      }
      return this.keep(incoming, {
        workspace_id: to.workspaceId,
        desktop_id: to.computer?.id ?? null,
        name,
        content_type: contentTypeFor(name, to.contentType),
        source: 'upload',
        desktop_path: desktopPath,
      });
    } finally {
      this.discard(incoming);
    }
  }

  /** Copies a file out of a computer's /home/user (running or stopped) into the workspace's files. */
  async exportFrom(computer: ComputerRow, path: string): Promise<FileRow> {
    const live = this.liveComputer(computer.id);
    const opened = openInHome(this.computers.paths(live).home, path);
    const incoming: Incoming = { path: join(this.dir, INCOMING + randomBytes(8).toString('hex')), size: 0 };
    try {
      if (opened.size > this.config.maxUploadBytes) throw fileTooLarge(opened.size, this.config.maxUploadBytes);
      // Through the already-opened file, so the checks made at open time hold for what is copied.
      try {
        await copySparse(opened.fd, opened.size, incoming.path);
      } catch (e) {
        if (['ENOSPC', 'EDQUOT'].includes((e as NodeJS.ErrnoException).code ?? '')) throw hostDiskFull();
        throw e;
      }
      chmodSync(incoming.path, 0o600); // a reflink gets the source's mode
      incoming.size = statSync(incoming.path).size;
      const name = basename(opened.computerPath);
      return this.keep(incoming, {
        workspace_id: live.workspace_id,
        desktop_id: live.id,
        name,
        content_type: contentTypeFor(name),
        source: 'export',
        desktop_path: opened.computerPath,
      });
    } finally {
      closeSync(opened.fd);
      this.discard(incoming);
    }
  }

  /** A link that downloads the bytes without the API key, for the next hour. */
  link(row: FileRow, origin: string, nowMs = Date.now()): { url: string; expires_at: string } {
    const expires = Math.floor(nowMs / 1000) + LINK_LIFETIME_S;
    const q = this.links.sign(row.id, expires);
    return {
      url: `${origin}/downloads/${row.id}/${encodeURIComponent(row.name)}?expires=${q.expires}&sig=${q.sig}`,
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }

  /** Deletes the workspace's copy; a copy on a computer's desktop is the computer's and stays. */
  remove(row: FileRow): void {
    this.store.delete(row.id);
    rmSync(this.bytesOf(row), { force: true });
  }

  private keep(incoming: Incoming, row: Omit<FileRow, 'id' | 'size' | 'created_at'>): FileRow {
    const id = randomUUID();
    renameSync(incoming.path, this.bytesOf({ id }));
    try {
      return this.store.insert({ ...row, id, size: incoming.size });
    } catch (e) {
      rmSync(this.bytesOf({ id }), { force: true });
      // The workspace was deleted while the bytes arrived.
      if (String((e as Error).message).includes('FOREIGN KEY')) throw notFound('Workspace');
      throw e;
    }
  }

  private liveComputer(id: string): ComputerRow {
    const row = this.computers.get(id);
    if (row.status === 'deleting') throw new ApiError(404, 'Computer not found (it is being deleted)', 'not_found');
    return row;
  }

  /**
   * At start: temp files of interrupted uploads, and bytes whose row is gone (a deleted
   * workspace takes its rows with it), are removed.
   */
  private sweep(): void {
    const ids = this.store.ids();
    let removed = 0;
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith(INCOMING) || !ids.has(name)) {
        rmSync(join(this.dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    if (removed) log.info(`removed ${removed} leftover file(s) from ${this.dir}`);
  }
}
