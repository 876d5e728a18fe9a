/** RTMP connections kept by the account (issue 14): a name, a server URL and a stream key. */
import type { Db } from './db.js';

export interface StreamConnectionRow {
  name: string;
  server_url: string;
  stream_key: string;
  created_at: string;
}

export class StreamConnectionStore {
  constructor(private readonly db: Db) {}

  list(): StreamConnectionRow[] {
    return this.db.prepare('SELECT name, server_url, stream_key, created_at FROM stream_connections ORDER BY created_at, rowid').all() as StreamConnectionRow[];
  }

  get(name: string): StreamConnectionRow | undefined {
    return this.db.prepare('SELECT name, server_url, stream_key, created_at FROM stream_connections WHERE name = ?').get(name) as StreamConnectionRow | undefined;
  }

  /** False when the name is taken. */
  insert(row: Omit<StreamConnectionRow, 'created_at'>): StreamConnectionRow | undefined {
    const created_at = new Date().toISOString();
    const r = this.db.prepare('INSERT OR IGNORE INTO stream_connections (name, server_url, stream_key, created_at) VALUES (?, ?, ?, ?)').run(row.name, row.server_url, row.stream_key, created_at);
    return r.changes ? { ...row, created_at } : undefined;
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM stream_connections WHERE name = ?').run(name).changes > 0;
  }
}
