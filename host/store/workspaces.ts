import { randomUUID } from 'node:crypto';
import type { Workspace } from '../../shared/api/types.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  name: string;
  created_at: string;
  computer_count: number;
}

const SELECT = `SELECT w.id, w.name, w.created_at,
  (SELECT COUNT(*) FROM computers c WHERE c.workspace_id = w.id) AS computer_count
  FROM workspaces w`;

export class WorkspaceStore {
  constructor(private readonly db: Db) {}

  create(name: string): Workspace {
    const id = randomUUID();
    this.db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run(id, name, new Date().toISOString());
    return this.get(id)!;
  }

  list(onlyId?: string | null): Workspace[] {
    const rows = onlyId
      ? this.db.prepare(`${SELECT} WHERE w.id = ? ORDER BY w.created_at`).all(onlyId)
      : this.db.prepare(`${SELECT} ORDER BY w.created_at, w.rowid`).all();
    return rows as Row[];
  }

  get(id: string): Workspace | undefined {
    return this.db.prepare(`${SELECT} WHERE w.id = ?`).get(id) as Row | undefined;
  }

  byName(name: string): Workspace | undefined {
    return this.db.prepare(`${SELECT} WHERE w.name = ? LIMIT 1`).get(name) as Row | undefined;
  }

  rename(id: string, name: string): Workspace | undefined {
    this.db.prepare('UPDATE workspaces SET name = ? WHERE id = ?').run(name, id);
    return this.get(id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM workspaces WHERE id = ?').run(id);
  }
}
