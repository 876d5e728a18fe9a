/**
 * The live channels of a computer, as messages: terminal, events and audio websockets under
 * `connection_url` (`/desktops/{instance_id}/ws/...`). The host parses what clients send with
 * these schemas; the app's relays and views use the same types, so the two cannot drift.
 *
 * Every channel takes the computer's VNC password as `?token=` (or `Authorization: Bearer <API
 * key>`); a browser's Origin must name the host. Close codes: see CLOSE.
 */
import { z } from 'zod';

export const CLOSE = {
  /** The channel ended normally (terminal: its shell exited; audio: the client sent `stop`). */
  normal: 1000,
  /** Bad query (`cols`, `sample_rate`, ...): the reason says which. */
  badRequest: 4400,
  /** Bad or missing token: fetch the computer's current VNC password (it rotates on restart). */
  unauthorized: 4401,
  /** The computer is not running, or stopped while connected: wait for `running`, reconnect. */
  notRunning: 4409,
} as const;

export type ChannelName = 'websockify' | 'terminal' | 'events' | 'audio';

/** A channel's websocket URL from a computer's `connection_url` (http(s) becomes ws(s)). */
export function channelUrl(connectionUrl: string, channel: ChannelName, params: Record<string, string | number | undefined> = {}): string {
  const url = new URL(`${connectionUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws/${channel}`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

const size = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(1, `${what} must be at least 1`).max(1000, `${what} must be at most 1000`);

// --- terminal -----------------------------------------------------------------------------

export const terminalClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string({ error: 'data must be a string' }) }),
  z.object({ type: z.literal('resize'), cols: size('cols'), rows: size('rows') }),
  z.object({ type: z.literal('ping') }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessage>;

export type TerminalServerMessage =
  | { type: 'output'; data: string }
  | { type: 'exit'; code: number }
  | { type: 'error'; message: string }
  | { type: 'pong' };

/** For clients (the app's main process) checking what a host, or Orgo's cloud, sends. */
export const terminalServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('output'), data: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);

export const terminalQuery = z.object({
  cols: z.coerce.number().pipe(size('cols')).default(80),
  rows: z.coerce.number().pipe(size('rows')).default(24),
});

// --- events -------------------------------------------------------------------------------

export const EVENT_TYPES = [
  'window_focus',
  'window_open',
  'window_close',
  'clipboard',
  'file_change',
  'screen_change',
  'audio_stream_start',
  'audio_stream_stop',
  'process_start',
  'process_stop',
  'idle',
  'active',
  'oom_kill',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEFAULT_IDLE_THRESHOLD_SECONDS = 60;

export interface WindowEventData {
  window_id: number;
  title: string;
  /** WM_CLASS class, e.g. "XTerm", "Chromium". */
  app: string;
  pid: number | null;
}
export interface EventData {
  window_focus: WindowEventData;
  window_open: WindowEventData;
  window_close: WindowEventData;
  clipboard: { selection: 'clipboard'; owner: number | null; text?: string; truncated?: boolean };
  /** `overflow`: events were lost (the kernel's queue, or over 500 a second: `dropped` says how many). */
  file_change: { path: string; action: 'created' | 'modified' | 'deleted' | 'moved_from' | 'moved_to' | 'overflow'; is_dir: boolean; from?: string; dropped?: number };
  screen_change: { x: number; y: number; width: number; height: number; regions: number; screen_width: number; screen_height: number };
  audio_stream_start: AudioStreamData;
  audio_stream_stop: AudioStreamData;
  process_start: ProcessData;
  process_stop: ProcessData;
  idle: { idle_seconds: number; threshold_seconds: number };
  active: { idle_seconds: number };
  /** The computer went over its memory (`ram`/`mem_gb`); the kernel killed this process inside it. */
  oom_kill: { process: string; host_pid: number; rss_mb: number | null; mem_gb: number };
}
export interface AudioStreamData {
  stream_id: number;
  application: string;
  media: string;
  pid: number | null;
  sample_spec: string;
}
export interface ProcessData {
  pid: number;
  ppid: number;
  name: string;
  command: string;
  uid: number;
  /** process_start only: the process replaced its program (exec) rather than being new. */
  exec?: boolean;
}

/** One event as the events websocket sends it. `timestamp` is ISO 8601 UTC. */
export type DesktopEvent = { [T in EventType]: { type: T; timestamp: string; data: EventData[T] } }[EventType];

export const EVENT_CATALOG: Record<EventType, string> = {
  window_focus: 'A window became the active window (the window manager’s _NET_ACTIVE_WINDOW).',
  window_open: 'A window appeared on the desktop (_NET_CLIENT_LIST).',
  window_close: 'A window left the desktop.',
  clipboard: 'The clipboard (X CLIPBOARD selection) changed owner; data carries its text.',
  file_change: 'A file or folder under /home/user was created, written (on close), deleted or moved (inotify).',
  screen_change: 'Part of the screen was redrawn (X DAMAGE), at most 4 a second; data is the bounding box.',
  audio_stream_start: 'An application started playing sound (a PulseAudio playback stream).',
  audio_stream_stop: 'A playback stream ended.',
  process_start: 'A process started in the computer.',
  process_stop: 'A process ended in the computer.',
  idle: 'No keyboard or mouse input for the subscription’s threshold (default 60 s).',
  active: 'Input arrived after an idle period.',
  oom_kill: 'The computer ran out of its memory and the kernel killed a process inside it (which, and how big).',
};

export const eventTypeSchema = z.enum(EVENT_TYPES, {
  error: (i) => `unknown event type ${JSON.stringify(i.input)}; known: ${EVENT_TYPES.join(', ')}`,
});

export const eventsClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    event_types: z.array(eventTypeSchema, { error: 'event_types must be an array of event types' }),
    /** Seconds without input before `idle`; per subscription. */
    idle_threshold_seconds: z.number({ error: 'idle_threshold_seconds must be a number' }).min(0.5).max(86_400).optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), event_types: z.array(eventTypeSchema).optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type EventsClientMessage = z.infer<typeof eventsClientMessage>;

export type EventsServerMessage =
  | DesktopEvent
  /** The answer to subscribe/unsubscribe: the sources are armed; what the socket now delivers. */
  | { type: 'subscribed'; event_types: EventType[]; idle_threshold_seconds: number }
  | { type: 'error'; message: string }
  | { type: 'pong' };

/** For clients checking what a host sends; event data is passed through as it comes. */
export const eventsServerMessage = z.union([
  z.object({ type: z.literal('subscribed'), event_types: z.array(z.string()), idle_threshold_seconds: z.number().optional() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
  // Orgo's cloud may write the time as a number; this host writes ISO 8601.
  z.object({ type: eventTypeSchema, timestamp: z.union([z.string(), z.number()]), data: z.record(z.string(), z.unknown()).default({}) }),
]);

// `GET /computers/{id}/events` answers EventCatalog (responses.ts, which imports EVENT_TYPES from here).

// --- audio --------------------------------------------------------------------------------

export const AUDIO_SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
export const AUDIO_FRAME_MS = 20;

export const audioQuery = z.object({
  sample_rate: z.coerce
    .number()
    .refine((r) => (AUDIO_SAMPLE_RATES as readonly number[]).includes(r), `sample_rate must be one of ${AUDIO_SAMPLE_RATES.join(', ')}`)
    .default(24000),
  channels: z.coerce.number().refine((c) => c === 1 || c === 2, 'channels must be 1 or 2').default(1),
});

/** Bytes of one 20 ms s16le frame: 960 at 24 kHz mono. */
export function audioFrameBytes(sampleRate: number, channels: number): number {
  return (sampleRate * AUDIO_FRAME_MS) / 1000 * channels * 2;
}

/** Client → server: `stop` and `ping`, as JSON `{"type": ...}` or the bare word. */
export const audioClientMessage = z.object({ type: z.enum(['stop', 'ping'], { error: 'type must be "stop" or "ping"' }) });

export const audioServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), sample_rate: z.number(), channels: z.number() }).loose(),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);

export type AudioServerMessage =
  | { type: 'started'; sample_rate: number; channels: number; frame_ms: number; frame_bytes: number; format: 's16le' }
  | { type: 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'pong' };
