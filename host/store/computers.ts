import type { ComputerSpec, ComputerStatus } from '../../shared/api/specs.js';
import type { NewComputerSpec } from '../../shared/api/schemas.js';
import type { Db } from './db.js';

/** A computer as the store holds it: its spec and its state; the API view adds the URLs (see http/views.ts). */
export interface ComputerRow extends ComputerSpec {
  id: string;
  workspace_id: string;
  /** Both directions, in Mbit/s; null: no limit. */
  bandwidth_limit_mbps: number | null;
  /** 1: the disk is a filesystem image of its own, so disk_size_gb holds (runtime/disk.ts). */
  disk_image: number;
  instance_id: string;
  vnc_password: string;
  status: ComputerStatus;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

export class ComputerStore {
  constructor(private readonly db: Db) {}

  insert(row: { id: string; instance_id: string; vnc_password: string; status: ComputerStatus } & NewComputerSpec): ComputerRow {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO computers (id, workspace_id, name, os, ram, cpu, disk_size_gb, resolution, auto_stop_minutes,
           instance_id, vnc_password, status, created_at, updated_at)
         VALUES (@id, @workspace_id, @name, @os, @ram, @cpu, @disk_size_gb, @resolution, @auto_stop_minutes,
           @instance_id, @vnc_password, @status, @now, @now)`,
      )
      .run({ ...row, now });
    return this.get(row.id)!;
  }

  get(id: string): ComputerRow | undefined {
    return this.db.prepare('SELECT * FROM computers WHERE id = ?').get(id) as ComputerRow | undefined;
  }

  byInstance(instanceId: string): ComputerRow | undefined {
    return this.db.prepare('SELECT * FROM computers WHERE instance_id = ?').get(instanceId) as ComputerRow | undefined;
  }

  list(workspaceId?: string): ComputerRow[] {
    const sql = 'SELECT * FROM computers' + (workspaceId ? ' WHERE workspace_id = ?' : '') + ' ORDER BY created_at, rowid';
    return (workspaceId ? this.db.prepare(sql).all(workspaceId) : this.db.prepare(sql).all()) as ComputerRow[];
  }

  update(
    id: string,
    fields: Partial<Pick<ComputerRow, 'status' | 'error_message' | 'vnc_password' | 'auto_stop_minutes' | 'resolution' | 'workspace_id' | 'cpu' | 'ram' | 'disk_size_gb' | 'bandwidth_limit_mbps' | 'disk_image'>>,
  ): ComputerRow {
    const keys = Object.keys(fields);
    if (keys.length) {
      const set = keys.map((k) => `${k} = @${k}`).join(', ');
      this.db.prepare(`UPDATE computers SET ${set}, updated_at = @now WHERE id = @id`).run({ ...fields, id, now: new Date().toISOString() });
    }
    return this.get(id)!;
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM computers WHERE id = ?').run(id);
  }
}
