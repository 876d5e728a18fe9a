import { randomUUID } from 'node:crypto';
import type { ApiKey } from '../../shared/api/types.js';
import type { Db } from './db.js';

export interface KeyRow {
  id: string;
  name: string;
  hash: Buffer;
  prefix: string;
  workspace_id: string | null;
  created_at: string;
  last_used_at: string | null;
}

export function keyView(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    workspace_id: row.workspace_id,
    scope: row.workspace_id ? 'workspace' : 'account',
    created_at: row.created_at,
    last_used_at: row.last_used_at,
  };
}

export class KeyStore {
  constructor(private readonly db: Db) {}

  insert(name: string, hash: Buffer, prefix: string, workspaceId: string | null): KeyRow {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO api_keys (id, name, hash, prefix, workspace_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, name, hash, prefix, workspaceId, new Date().toISOString());
    return this.get(id)!;
  }

  get(id: string): KeyRow | undefined {
    return this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
  }

  all(): KeyRow[] {
    return this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, rowid').all() as KeyRow[];
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
  }

  touch(id: string): void {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id);
  }
}
