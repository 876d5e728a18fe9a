import type { Computer } from '../../shared/api/types.js';
import type { ComputerRow } from '../store/computers.js';

/** A computer as the API answers it: the stored row plus its addresses and deprecated aliases. */
export function computerView(row: ComputerRow, origin: string): Computer {
  const connection = `${origin}/desktops/${row.instance_id}`;
  return {
    id: row.id,
    name: row.name,
    workspace_id: row.workspace_id,
    project_id: row.workspace_id,
    status: row.status,
    error_message: row.error_message,
    os: row.os,
    ram: row.ram,
    cpu: row.cpu,
    disk_size_gb: row.disk_size_gb,
    // A filesystem image of its own (runtime/disk.ts); computers made before images have a folder.
    disk_size_enforced: row.disk_image === 1,
    bandwidth_limit_mbps: row.bandwidth_limit_mbps ?? null,
    resolution: row.resolution,
    auto_stop_minutes: row.auto_stop_minutes,
    instance_id: row.instance_id,
    fly_instance_id: row.instance_id,
    // With `wss://{hostname}/websockify` (Orgo's embed) this reaches /desktops/{id}/websockify.
    hostname: connection.replace(/^[a-z]+:\/\//, ''),
    connection_url: connection,
    vnc_password: row.vnc_password,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
