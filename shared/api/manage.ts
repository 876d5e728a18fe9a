/**
 * Request bodies of the management endpoints (issue 14): resize, move, clone, and RTMP
 * streaming. Kept beside schemas.ts rather than in it, with the same conventions.
 */
import { z } from 'zod';
import { CPU_COUNTS, MAX_DISK_GB, RAM_GB } from './specs.js';

const oneOf = <T extends readonly number[]>(field: string, values: T) =>
  z
    .number({ error: `${field} must be a number, one of ${values.join(', ')}` })
    .refine((v) => (values as readonly number[]).includes(v), `${field} must be one of ${values.join(', ')}`);

export const MAX_BANDWIDTH_MBPS = 10_000;

function alias(body: unknown, pairs: Array<[string, string]>): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const o = { ...(body as Record<string, unknown>) };
  for (const [from, to] of pairs) {
    if (o[to] === undefined && o[from] !== undefined) o[to] = o[from];
    delete o[from];
  }
  return o;
}

/** `PATCH /computers/{id}/resize`: every field optional, at least one; `cpu`/`ram` are the create call's names. */
export const resizeBody = z.preprocess(
  (b) => alias(b, [['cpu', 'vcpus'], ['ram', 'mem_gb']]),
  z
    .object({
      vcpus: oneOf('vcpus', CPU_COUNTS).optional(),
      mem_gb: oneOf('mem_gb', RAM_GB).optional(),
      disk_size_gb: z
        .number({ error: 'disk_size_gb must be a number of gigabytes' })
        .int('disk_size_gb must be a whole number of gigabytes')
        .min(1, 'disk_size_gb must be at least 1')
        .max(MAX_DISK_GB, `disk_size_gb must be at most ${MAX_DISK_GB}`)
        .optional(),
      bandwidth_limit_mbps: z
        .number({ error: 'bandwidth_limit_mbps must be a number of Mbit/s (0 or null: no limit)' })
        .int('bandwidth_limit_mbps must be a whole number of Mbit/s')
        .min(0, 'bandwidth_limit_mbps must be 0 (no limit) or more')
        .max(MAX_BANDWIDTH_MBPS, `bandwidth_limit_mbps must be at most ${MAX_BANDWIDTH_MBPS}`)
        .nullable()
        .optional(),
      auto_stop_minutes: z
        .number({ error: 'auto_stop_minutes must be a number of minutes (0 disables)' })
        .int('auto_stop_minutes must be a whole number of minutes')
        .min(0, 'auto_stop_minutes must be 0 or more')
        .max(7 * 24 * 60, 'auto_stop_minutes must be at most 10080 (a week)')
        .optional(),
    })
    .strict()
    .refine((o) => Object.values(o).some((v) => v !== undefined), 'nothing to resize: give vcpus, mem_gb, disk_size_gb, bandwidth_limit_mbps or auto_stop_minutes'),
);
export type ResizeBody = z.input<typeof resizeBody>;
export type ResizeRequest = z.output<typeof resizeBody>;
export type ResizeField = keyof ResizeRequest;

export interface FieldResult {
  requested: number | null;
  /** The value in effect after the call. */
  applied: number | null;
  ok: boolean;
  error: string | null;
  /** `now`: in effect already; `next_start`: recorded, takes effect when the computer next starts. */
  takes_effect?: 'now' | 'next_start';
}

export interface ResizeAnswer {
  success: boolean;
  id: string;
  vcpus: number;
  mem_gb: number;
  disk_size_gb: number;
  bandwidth_limit_mbps: number | null;
  auto_stop_minutes: number;
  results: Partial<Record<ResizeField, FieldResult>>;
}

export const moveBody = z.preprocess(
  (b) => alias(b, [['project_id', 'workspace_id'], ['workspaceId', 'workspace_id'], ['projectId', 'workspace_id']]),
  z.object({
    workspace_id: z
      .string({ error: (i) => (i.input === undefined ? 'workspace_id is required' : 'workspace_id must be a string') })
      .min(1, 'workspace_id is required'),
  }),
);
export type MoveBody = z.input<typeof moveBody>;

export const cloneBody = z.preprocess(
  (b) => alias(b ?? {}, [['project_id', 'workspace_id'], ['workspaceId', 'workspace_id'], ['projectId', 'workspace_id']]),
  z.object({
    name: z.string({ error: 'name must be a string' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters').optional(),
    workspace_id: z.string({ error: 'workspace_id must be a string' }).min(1, 'workspace_id must not be empty').optional(),
  }),
);
export type CloneBody = z.input<typeof cloneBody>;

// ---- RTMP streaming ----

export const streamConnectionBody = z.object({
  name: z.string({ error: (i) => (i.input === undefined ? 'name is required' : 'name must be a string') }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
  server_url: z
    .string({ error: (i) => (i.input === undefined ? 'server_url is required' : 'server_url must be a string') })
    .max(2000, 'server_url must be at most 2000 characters')
    .refine((u) => /^rtmps?:\/\/[^\s/]+/i.test(u), 'server_url must be an rtmp:// or rtmps:// URL'),
  stream_key: z
    .string({ error: (i) => (i.input === undefined ? 'stream_key is required' : 'stream_key must be a string') })
    .min(1, 'stream_key must not be empty')
    .max(500, 'stream_key must be at most 500 characters')
    .refine((k) => !/[\s]/.test(k), 'stream_key must not contain spaces'),
});
export type StreamConnectionBody = z.input<typeof streamConnectionBody>;

export const streamStartBody = z.object({
  connection_name: z.string({ error: (i) => (i.input === undefined ? 'connection_name is required' : 'connection_name must be a string') }).min(1, 'connection_name is required'),
});

/** A connection as the API shows it: the key masked, never whole. */
export interface StreamConnection {
  name: string;
  server_url: string;
  stream_key_hint: string;
  created_at: string;
}

/** `GET /streaming/connections`. */
export interface StreamConnectionList {
  connections: StreamConnection[];
}

/** `POST /computers/{id}/stream/start`: ffmpeg is running in the computer and reached the server. */
export interface StreamStartAnswer {
  success: true;
  status: 'streaming';
  /** ffmpeg's pid inside the computer. */
  pid: number;
  start_time: string;
  connection_name: string;
}

/**
 * `GET /computers/{id}/stream/status`. `idle`: nothing was streamed since the computer started,
 * or the stream was stopped; `terminated`: it ended on its own (the computer stopped, ffmpeg
 * died, the server stayed away), `reason` says which.
 */
export interface StreamStatus {
  status: 'idle' | 'streaming' | 'terminated';
  connection_name?: string;
  pid?: number;
  start_time?: string;
  /** terminated: why, in words; streaming: set while reconnecting after the server dropped. */
  reason?: string;
  /** streaming: reconnection attempts since the server dropped the connection (0 or absent: connected). */
  retries?: number;
  /** terminated: when it ended. */
  end_time?: string;
}
