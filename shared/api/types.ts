/** Answers of the Orgo API as this project serves and reads them. */
import type { ComputerSpec, ComputerStatus } from './specs.js';

export interface Workspace {
  id: string;
  name: string;
  created_at: string;
  computer_count: number;
  /** The workspace's computers (Orgo's name for them; its Python SDK reads this). */
  desktops?: Computer[];
}

/** A computer: its spec (specs.ts) and its state, with the addresses to reach it. */
export interface Computer extends ComputerSpec {
  id: string;
  workspace_id: string;
  /** Deprecated alias of workspace_id. */
  project_id: string;
  status: ComputerStatus;
  /** Why the computer is in `error`, in words; null otherwise. */
  error_message: string | null;
  /** False where the host's filesystem cannot hold a computer to its disk size. */
  disk_size_enforced: boolean;
  /** Both directions, Mbit/s; null: no limit (PATCH /computers/{id}/resize). */
  bandwidth_limit_mbps?: number | null;
  instance_id: string;
  /** Deprecated alias of instance_id. */
  fly_instance_id: string;
  hostname: string;
  connection_url: string;
  vnc_password: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognise it. */
  prefix: string;
  workspace_id: string | null;
  scope: 'account' | 'workspace';
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The key itself: shown once, at creation. */
  key: string;
}

export interface AutoStop {
  auto_stop_minutes: number;
  configurable: boolean;
}

export interface BashResult {
  success: boolean;
  output: string;
  exit_code: number;
  timed_out?: boolean;
}

export interface ExecResult extends BashResult {
  error: string | null;
}

/** A workspace's file (`/files`). */
export interface OrgoFile {
  id: string;
  name: string;
  size: number;
  content_type: string;
  workspace_id: string;
  /** The computer the file was uploaded to or exported from; null for workspace-only uploads. */
  desktop_id: string | null;
  created_at: string;
  /** `upload` or `export` (this host's addition). */
  source?: 'upload' | 'export';
  /** Where the file sits inside that computer, e.g. `/home/user/Desktop/report (1).pdf` (this host's addition). */
  desktop_path?: string | null;
}

/** A link that downloads a file's bytes without the API key until `expires_at` (one hour). */
export interface FileDownload {
  url: string;
  expires_at: string;
}

export interface ApiErrorBody {
  error: string;
  code?: string;
  request_id?: string;
  [extra: string]: unknown;
}

/** Input actions (click, drag, type, key, scroll, wait) answer this. */
export interface ActionResult<D = Record<string, unknown>> {
  success: true;
  action: 'click' | 'drag' | 'type' | 'key' | 'scroll' | 'wait';
  details: D;
}

export interface ScreenshotResult {
  success: true;
  /** Bare base64 of the PNG (or JPEG) from this host; Orgo has also answered a data: URL or an http(s) URL: `imageBytes` reads all three. */
  image: string;
  width?: number;
  height?: number;
}

/** `GET /computers/{id}/clipboard`: the desktop's clipboard text ('' when it holds none). */
export interface Clipboard {
  text: string;
}
