/**
 * Answers of the Orgo API as this project serves and reads them: the types of the response
 * schemas (responses.ts), so the host's views, the SDK and the OpenAPI document agree.
 */
import type { z } from 'zod';
import type * as R from './responses.js';

export type Workspace = z.output<typeof R.workspaceAnswer>;
/** A computer: its spec (specs.ts) and its state, with the addresses to reach it. */
export type Computer = z.output<typeof R.computerAnswer>;
export type ApiKey = z.output<typeof R.apiKeyAnswer>;
export type CreatedApiKey = z.output<typeof R.createdApiKeyAnswer>;
export type AutoStop = z.output<typeof R.autoStopAnswer>;
export type BashResult = z.output<typeof R.bashAnswer>;
export type ExecResult = z.output<typeof R.execAnswer>;
/** A workspace's file (`/files`). */
export type OrgoFile = z.output<typeof R.fileAnswer>;
/** A link that downloads a file's bytes without the API key until `expires_at` (one hour). */
export type FileDownload = z.output<typeof R.fileDownloadAnswer>;
export type ScreenshotResult = z.output<typeof R.screenshotAnswer>;
/** `GET /computers/{id}/clipboard`: the desktop's clipboard text ('' when it holds none). */
export type Clipboard = z.output<typeof R.clipboardAnswer>;

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
