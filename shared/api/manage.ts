/**
 * Request bodies of the management endpoints (issue 14): resize, move, clone, and RTMP
 * streaming. Kept beside schemas.ts rather than in it, with the same conventions.
 */
import { z } from 'zod';
import type * as R from './responses.js';
import { specField } from './specs.js';

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
      // The spec's fields (specs.ts) under resize's names.
      vcpus: specField.cpu('vcpus').optional(),
      mem_gb: specField.ram('mem_gb').optional(),
      disk_size_gb: specField.disk_size_gb().optional(),
      bandwidth_limit_mbps: z
        .number({ error: 'bandwidth_limit_mbps must be a number of Mbit/s (0 or null: no limit)' })
        .int('bandwidth_limit_mbps must be a whole number of Mbit/s')
        .min(0, 'bandwidth_limit_mbps must be 0 (no limit) or more')
        .max(MAX_BANDWIDTH_MBPS, `bandwidth_limit_mbps must be at most ${MAX_BANDWIDTH_MBPS}`)
        .nullable()
        .optional(),
      auto_stop_minutes: specField.auto_stop_minutes().optional(),
    })
    .strict()
    .refine((o) => Object.values(o).some((v) => v !== undefined), 'nothing to resize: give vcpus, mem_gb, disk_size_gb, bandwidth_limit_mbps or auto_stop_minutes'),
);
export type ResizeBody = z.input<typeof resizeBody>;
export type ResizeRequest = z.output<typeof resizeBody>;
export type ResizeField = keyof ResizeRequest;

/** What resize did with one field (its schema: responses.ts). */
export type FieldResult = z.output<typeof R.fieldResultAnswer>;
export type ResizeAnswer = z.output<typeof R.resizeAnswer>;

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

/** A connection as the API shows it: the key masked, never whole. Schemas: responses.ts. */
export type StreamConnection = z.output<typeof R.streamConnectionAnswer>;
/** `GET /streaming/connections`. */
export type StreamConnectionList = z.output<typeof R.streamConnectionListAnswer>;
/** `POST /computers/{id}/stream/start`: ffmpeg is running in the computer and reached the server. */
export type StreamStartAnswer = z.output<typeof R.streamStartAnswer>;
/** `GET /computers/{id}/stream/status` (responses.ts says what each status means). */
export type StreamStatus = z.output<typeof R.streamStatusAnswer>;
