import type { Db } from './db.js';

/**
 * A workspace's file as the store holds it. The bytes live in the data dir under `files/<id>`;
 * `desktop_id` names the computer the file went to or came from (kept after that computer is
 * deleted, like a note of where it came from, so no foreign key).
 */
export interface FileRow {
  id: string;
  workspace_id: string;
  desktop_id: string | null;
  name: string;
  size: number;
  content_type: string;
  /** `upload` (handed in through the API) or `export` (copied out of a computer). */
  source: 'upload' | 'export';
  /** Where the file sits inside the computer (`/home/user/Desktop/report (1).pdf`), if anywhere. */
  desktop_path: string | null;
  created_at: string;
}

export class FileStore {
  constructor(private readonly db: Db) {}

  insert(row: Omit<FileRow, 'created_at'>): FileRow {
    this.db
      .prepare(
        `INSERT INTO files (id, workspace_id, desktop_id, name, size, content_type, source, desktop_path, created_at)
         VALUES (@id, @workspace_id, @desktop_id, @name, @size, @content_type, @source, @desktop_path, @created_at)`,
      )
      .run({ ...row, created_at: new Date().toISOString() });
    return this.get(row.id)!;
  }

  get(id: string): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
  }

  /** Newest first; both filters optional (a workspace-scoped key always passes its workspace). */
  list(filter: { workspaceId?: string; desktopId?: string }): FileRow[] {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.workspaceId) {
      where.push('workspace_id = @workspaceId');
      params.workspaceId = filter.workspaceId;
    }
    if (filter.desktopId) {
      where.push('desktop_id = @desktopId');
      params.desktopId = filter.desktopId;
    }
    const sql = `SELECT * FROM files ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
    return this.db.prepare(sql).all(params) as FileRow[];
  }

  ids(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM files').all() as Array<{ id: string }>).map((r) => r.id));
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM files WHERE id = ?').run(id);
  }
}
