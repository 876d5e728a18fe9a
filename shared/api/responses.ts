/**
 * Answers of the Orgo API, declared once: the routes carry these as their response schemas (so
 * the OpenAPI document says what a client reads), and the answer types of types.ts, manage.ts and
 * channels.ts are these schemas' types, so a view that builds an answer is checked against them.
 * They describe and do not reshape: the host sends what a view builds (host/http/app.ts), and
 * tests/host/openapi.test.ts checks that every real answer fits its schema field for field (an
 * object here admits no field it does not declare).
 */
import { z } from 'zod';
import { EVENT_TYPES } from './channels.js';
import { COMPUTER_STATUSES } from './specs.js';

const text = (description: string) => z.string().meta({ description });
const time = (description: string) => z.string().meta({ description, format: 'date-time' });
const nullableText = (description: string) => z.string().nullable().meta({ description });

/** A computer: its spec (specs.ts) and its state, with the addresses to reach it. */
export const computerAnswer = z.object({
  id: z.string(),
  name: z.string(),
  workspace_id: z.string(),
  project_id: text('Deprecated alias of workspace_id'),
  status: z.enum(COMPUTER_STATUSES),
  error_message: nullableText('Why the computer is in `error`, in words; null otherwise'),
  os: z.literal('linux'),
  ram: z.number().meta({ description: 'GB' }),
  cpu: z.number().meta({ description: 'Cores' }),
  disk_size_gb: z.number(),
  disk_size_enforced: z.boolean().meta({ description: "False where the host's filesystem cannot hold a computer to its disk size" }),
  bandwidth_limit_mbps: z.number().nullable().optional().meta({ description: 'Both directions, Mbit/s; null: no limit (PATCH /computers/{id}/resize)' }),
  resolution: text('WIDTHxHEIGHTxDEPTH, e.g. 1280x720x24'),
  auto_stop_minutes: z.number().meta({ description: '0: never' }),
  instance_id: z.string(),
  fly_instance_id: text('Deprecated alias of instance_id'),
  hostname: text('With `wss://{hostname}/websockify` (Orgo\'s embed), the VNC websocket'),
  connection_url: z.string(),
  vnc_password: z.string(),
  created_at: time('When it was made'),
  updated_at: time('When it last changed'),
});

export const workspaceAnswer = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  computer_count: z.number(),
  desktops: z.array(computerAnswer).optional().meta({ description: "The workspace's computers (Orgo's name for them; its Python SDK reads this)" }),
});

export const apiKeyAnswer = z.object({
  id: z.string(),
  name: z.string(),
  prefix: text('The first characters of the key, enough to recognise it'),
  workspace_id: z.string().nullable(),
  scope: z.enum(['account', 'workspace']),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

export const createdApiKeyAnswer = apiKeyAnswer.extend({ key: text('The key itself: shown once, at creation') });

export const autoStopAnswer = z.object({ auto_stop_minutes: z.number(), configurable: z.boolean() });

export const bashAnswer = z.object({
  success: z.boolean(),
  output: z.string(),
  exit_code: z.number(),
  timed_out: z.boolean().optional(),
  /** Only when the command could not be run at all. */
  error: z.string().optional(),
});

export const execAnswer = z.object({
  success: z.boolean(),
  output: z.string(),
  exit_code: z.number(),
  timed_out: z.boolean().optional(),
  error: nullableText("Python's error line when the code failed, why it could not run, or null"),
});

/** A workspace's file (`/files`). */
export const fileAnswer = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  content_type: z.string(),
  workspace_id: z.string(),
  desktop_id: nullableText('The computer the file was uploaded to or exported from; null for workspace-only uploads'),
  created_at: z.string(),
  source: z.enum(['upload', 'export']).optional().meta({ description: "This host's addition" }),
  desktop_path: z.string().nullable().optional().meta({ description: "Where the file sits inside that computer, e.g. `/home/user/Desktop/report (1).pdf` (this host's addition)" }),
});

/** A link that downloads a file's bytes without the API key until `expires_at` (one hour). */
export const fileDownloadAnswer = z.object({ url: z.string(), expires_at: z.string() });
export const fileWithLinkAnswer = fileAnswer.extend(fileDownloadAnswer.shape);

/** Orgo's error shape; some errors add fields of their own (e.g. `limit_bytes`). */
export const errorAnswer = z.looseObject({ error: z.string(), code: z.string().optional(), request_id: z.string().optional() });

const action = <A extends string, D extends z.ZodRawShape>(name: A, details: D) =>
  z.object({ success: z.literal(true), action: z.literal(name), details: z.object(details) });
const button = z.enum(['left', 'right', 'middle']);
export const actionAnswers = {
  click: action('click', { x: z.number(), y: z.number(), button, double: z.boolean() }),
  move: action('move', { x: z.number(), y: z.number() }),
  drag: action('drag', { start_x: z.number(), start_y: z.number(), end_x: z.number(), end_y: z.number(), button, duration: z.number() }),
  type: action('type', { text: z.string(), characters: z.number() }),
  key: action('key', { key: z.string() }),
  scroll: action('scroll', { direction: z.enum(['up', 'down', 'left', 'right']), amount: z.number(), x: z.number().optional(), y: z.number().optional() }),
  wait: action('wait', { seconds: z.number() }),
};

export const screenshotAnswer = z.object({
  success: z.literal(true),
  image: text('Bare base64 of the PNG (or JPEG); Orgo has also answered a data: URL or an http(s) URL'),
  width: z.number().optional(),
  height: z.number().optional(),
});

/** `GET /computers/{id}/clipboard`: the desktop's clipboard text ('' when it holds none). */
export const clipboardAnswer = z.object({ text: z.string() });

export const eventCatalogAnswer = z.object({
  event_types: z.array(z.enum(EVENT_TYPES)),
  catalog: z.array(z.object({ type: z.enum(EVENT_TYPES), description: z.string() })),
});
/** `GET /computers/{id}/events`. */
export type EventCatalog = z.output<typeof eventCatalogAnswer>;

// ---- management (manage.ts) ----

const RESIZE_FIELDS = ['vcpus', 'mem_gb', 'disk_size_gb', 'bandwidth_limit_mbps', 'auto_stop_minutes'] as const;
export const fieldResultAnswer = z.object({
  requested: z.number().nullable(),
  applied: z.number().nullable().meta({ description: 'The value in effect after the call' }),
  ok: z.boolean(),
  error: z.string().nullable(),
  takes_effect: z.enum(['now', 'next_start']).optional().meta({ description: '`now`: in effect already; `next_start`: recorded, takes effect when the computer next starts' }),
});
export const resizeAnswer = z.object({
  success: z.boolean(),
  id: z.string(),
  vcpus: z.number(),
  mem_gb: z.number(),
  disk_size_gb: z.number(),
  bandwidth_limit_mbps: z.number().nullable(),
  auto_stop_minutes: z.number(),
  results: z.partialRecord(z.enum(RESIZE_FIELDS), fieldResultAnswer),
});

export const movedAnswer = z.object({ success: z.literal(true), id: z.string(), workspace_id: z.string(), project_id: z.string() });

/** A stream connection as the API shows it: the key masked, never whole. */
export const streamConnectionAnswer = z.object({ name: z.string(), server_url: z.string(), stream_key_hint: z.string(), created_at: z.string() });
export const streamConnectionListAnswer = z.object({ connections: z.array(streamConnectionAnswer) });

/** `POST /computers/{id}/stream/start`: ffmpeg is running in the computer and reached the server. */
export const streamStartAnswer = z.object({
  success: z.literal(true),
  status: z.literal('streaming'),
  pid: z.number().meta({ description: "ffmpeg's pid inside the computer" }),
  start_time: z.string(),
  connection_name: z.string(),
});

/**
 * `GET /computers/{id}/stream/status`. `idle`: nothing was streamed since the computer started,
 * or the stream was stopped; `terminated`: it ended on its own (the computer stopped, ffmpeg
 * died, the server stayed away), `reason` says which.
 */
export const streamStatusAnswer = z.object({
  status: z.enum(['idle', 'streaming', 'terminated']),
  connection_name: z.string().optional(),
  pid: z.number().optional(),
  start_time: z.string().optional(),
  reason: z.string().optional().meta({ description: 'terminated: why, in words; streaming: set while reconnecting after the server dropped' }),
  retries: z.number().optional().meta({ description: 'streaming: reconnection attempts since the server dropped the connection (0 or absent: connected)' }),
  end_time: z.string().optional().meta({ description: 'terminated: when it ended' }),
});

// ---- small answers ----

export const doneAnswer = z.object({ success: z.literal(true) });
export const deletedAnswer = z.object({ success: z.literal(true), id: z.string() });
export const workspaceDeletedAnswer = deletedAnswer.extend({ deleted_computers: z.number() });
export const workspaceListAnswer = z.object({ workspaces: z.array(workspaceAnswer), projects: z.array(workspaceAnswer).meta({ description: 'The same list (Orgo\'s older name)' }) });
export const computerListAnswer = z.object({ computers: z.array(computerAnswer) });
export const keyListAnswer = z.object({ keys: z.array(apiKeyAnswer) });
export const fileListAnswer = z.object({
  files: z.array(fileAnswer),
  max_upload_bytes: z.number().int().optional().meta({ description: 'The largest file this host takes, in bytes: a client can refuse a larger one before sending it (Orgo does not send this)' }),
});
export const vncPasswordAnswer = z.object({ password: z.string() });
