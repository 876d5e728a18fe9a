import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** One device-code login: what the device polls with (hashed) and what the person types. */
export interface DeviceCodeRow {
  id: string;
  device_code_hash: Buffer;
  user_code: string;
  client_id: string;
  client_name: string | null;
  status: DeviceCodeStatus;
  /** Seconds the device must wait between polls; grows by 5 on every slow_down. */
  interval_s: number;
  created_at: number;
  expires_at: number;
  last_polled_at: number | null;
  decided_by_key_id: string | null;
  issued_key_id: string | null;
}

export class DeviceCodeStore {
  constructor(private readonly db: Db) {}

  insert(row: Pick<DeviceCodeRow, 'device_code_hash' | 'user_code' | 'client_id' | 'client_name' | 'interval_s' | 'expires_at'>): DeviceCodeRow {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO device_codes (id, device_code_hash, user_code, client_id, client_name, status, interval_s, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(id, row.device_code_hash, row.user_code, row.client_id, row.client_name, row.interval_s, Date.now(), row.expires_at);
    return this.get(id)!;
  }

  get(id: string): DeviceCodeRow | undefined {
    return this.db.prepare('SELECT * FROM device_codes WHERE id = ?').get(id) as DeviceCodeRow | undefined;
  }

  byDeviceCode(hash: Buffer): DeviceCodeRow | undefined {
    return this.db.prepare('SELECT * FROM device_codes WHERE device_code_hash = ?').get(hash) as DeviceCodeRow | undefined;
  }

  byUserCode(code: string): DeviceCodeRow | undefined {
    return this.db.prepare('SELECT * FROM device_codes WHERE user_code = ?').get(code) as DeviceCodeRow | undefined;
  }

  update(id: string, patch: Partial<Pick<DeviceCodeRow, 'status' | 'interval_s' | 'last_polled_at' | 'decided_by_key_id' | 'issued_key_id'>>): void {
    const keys = Object.keys(patch) as Array<keyof typeof patch>;
    if (!keys.length) return;
    this.db.prepare(`UPDATE device_codes SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), id);
  }

  /** Codes long past their life are of no use to anyone; a day's grace keeps answers precise. */
  purgeExpired(now = Date.now()): void {
    this.db.prepare('DELETE FROM device_codes WHERE expires_at < ?').run(now - 24 * 3600 * 1000);
  }
}
