/**
 * The TypeScript SDK for the Orgo API: one typed function per endpoint, used by the app's main
 * process, the CLI, the tests and the benchmarks. Works against this project's host and Orgo's
 * cloud alike (base URL `https://www.orgo.ai/api`). Runs wherever `fetch` exists.
 */
import type { ClickBody, CreateComputerBody, CreateKeyBody, DragBody, ScrollBody } from './schemas.js';
import type { ActionResult, ApiErrorBody, ApiKey, AutoStop, BashResult, Computer, CreatedApiKey, ExecResult, ScreenshotResult, Workspace } from './types.js';
import type { FileDownload, OrgoFile } from './types.js';
import { errorBody, parseJson } from './answer.js';
import { uploadBody, type UploadOptions, type UploadSource } from './upload.js';
import { saveUrlTo, type DownloadOptions } from './download.js';
import { downloadToPath, inNode, plainRequest, uploadPath } from './node-transfer.js';
import type { Clipboard } from './types.js';
import type { EventCatalog } from './responses.js';
import type { CloneBody, ResizeAnswer, ResizeBody } from './manage.js';
import type { StreamConnection, StreamConnectionBody, StreamConnectionList, StreamStartAnswer, StreamStatus } from './manage.js';

export const ORGO_CLOUD_URL = 'https://www.orgo.ai/api';

/** An error answer of the API, with its status, code and words. */
export class OrgoApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error || `HTTP ${status}`);
    this.name = 'OrgoApiError';
  }

  get code(): string | undefined {
    return this.body.code;
  }
}

export interface ClientOptions {
  /** The API's base, ending in /api. */
  baseUrl: string;
  apiKey: string;
  /**
   * Used for every request, except that in Node, uploads from a path and downloads to a path go
   * over node:http directly (node-transfer.ts: about twice the throughput) unless a fetch of
   * your own is given here; a fetch marked `nodeHttp: true` (one over node:http itself) keeps that.
   */
  fetch?: typeof fetch & { nodeHttp?: boolean };
  /** Per-request timeout; creating and starting computers take the longest. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export class OrgoClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  /** Transfers to and from paths over node:http (see ClientOptions.fetch). */
  private readonly nodeTransfers: boolean;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? fetch;
    this.nodeTransfers = (!options.fetch || options.fetch.nodeHttp === true) && inNode();
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const text = body !== undefined ? JSON.stringify(body) : undefined;
    // In Node, over node:http (plainRequest says why), unless a fetch of the caller's own is given.
    const send = (): Promise<Response> =>
      this.nodeTransfers
        ? (plainRequest(url, method, headers, text, this.timeoutMs) as unknown as Promise<Response>)
        : this.fetchImpl(url, { method, headers, body: text, signal: AbortSignal.timeout(this.timeoutMs) });
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      // A kept-alive connection to a host that restarted fails once; reads are safe to repeat.
      if (method !== 'GET' || (e as Error).name === 'TimeoutError') throw e;
      res = await send();
    }
    return answerOf<T>(res, url.pathname);
  }

  // Workspaces
  listWorkspaces = async () => {
    // Orgo's servers have answered the list under either key.
    const r = await this.request<{ workspaces?: Workspace[]; projects?: Workspace[] }>('GET', '/workspaces');
    return r.workspaces ?? r.projects ?? [];
  };
  createWorkspace = (name: string) => this.request<Workspace>('POST', '/workspaces', { name });
  getWorkspace = (id: string) => this.request<Workspace>('GET', `/workspaces/${enc(id)}`);
  /** This host's extension (Orgo has no rename): `PATCH /workspaces/{id} {name}`. */
  renameWorkspace = (id: string, name: string) => this.request<Workspace>('PATCH', `/workspaces/${enc(id)}`, { name });
  deleteWorkspace = (id: string, options: { force?: boolean } = {}) =>
    this.request<{ success: true }>('DELETE', `/workspaces/${enc(id)}`, undefined, { force: options.force ? 'true' : undefined });

  // API keys
  listKeys = async () => (await this.request<{ keys: ApiKey[] }>('GET', '/keys')).keys;
  createKey = (body: CreateKeyBody) => this.request<CreatedApiKey>('POST', '/keys', body);
  deleteKey = (id: string) => this.request<{ success: true }>('DELETE', `/keys/${enc(id)}`);

  // Computers
  listComputers = async (workspaceId?: string) =>
    (await this.request<{ computers: Computer[] }>('GET', '/computers', undefined, { workspace_id: workspaceId })).computers;
  createComputer = (body: CreateComputerBody) => this.request<Computer>('POST', '/computers', body);
  getComputer = (id: string) => this.request<Computer>('GET', `/computers/${enc(id)}`);
  deleteComputer = (id: string) => this.request<{ success: true }>('DELETE', `/computers/${enc(id)}`);
  vncPassword = async (id: string) => (await this.request<{ password: string }>('GET', `/computers/${enc(id)}/vnc-password`)).password;
  startComputer = (id: string) => this.request<Computer>('POST', `/computers/${enc(id)}/start`);
  stopComputer = (id: string) => this.request<Computer>('POST', `/computers/${enc(id)}/stop`);
  restartComputer = (id: string) => this.request<Computer>('POST', `/computers/${enc(id)}/restart`);
  getAutoStop = (id: string) => this.request<AutoStop>('GET', `/computers/${enc(id)}/auto-stop`);
  setAutoStop = (id: string, minutes: number) => this.request<AutoStop>('PATCH', `/computers/${enc(id)}/auto-stop`, { auto_stop_minutes: minutes });

  // Management (clone, resize, move)
  /** Answers 201 with the new computer running. */
  cloneComputer = (id: string, body: CloneBody = {}) => this.request<Computer>('POST', `/computers/${enc(id)}/clone`, body);
  /** 200 all applied, 207 some (see `results`); 422 none, thrown as an OrgoApiError whose body is the same answer. */
  resizeComputer = (id: string, body: ResizeBody) => this.request<ResizeAnswer>('PATCH', `/computers/${enc(id)}/resize`, body);
  moveComputer = (id: string, workspaceId: string) =>
    this.request<{ success: true; id: string; workspace_id: string; project_id: string }>('PATCH', `/computers/${enc(id)}/move`, { workspace_id: workspaceId });

  // Actions
  bash = (id: string, command: string, timeout?: number) => this.request<BashResult>('POST', `/computers/${enc(id)}/bash`, { command, timeout });
  exec = (id: string, code: string, timeout?: number) => this.request<ExecResult>('POST', `/computers/${enc(id)}/exec`, { code, timeout });
  screenshot = (id: string, options: ScreenshotOptions = {}) =>
    this.request<ScreenshotResult>('GET', `/computers/${enc(id)}/screenshot`, undefined, { format: options.format, quality: options.quality });
  /** The screenshot's bytes (PNG unless `format: 'jpeg'`), without base64 and JSON around them. */
  screenshotBytes = async (id: string, options: ScreenshotOptions = {}): Promise<Uint8Array> => {
    const url = new URL(`${this.baseUrl}/computers/${enc(id)}/screenshot`);
    url.searchParams.set('raw', '1');
    if (options.format) url.searchParams.set('format', options.format);
    if (options.quality !== undefined) url.searchParams.set('quality', String(options.quality));
    const res = await this.fetchImpl(url, { headers: { authorization: `Bearer ${this.apiKey}` }, signal: AbortSignal.timeout(this.timeoutMs) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!res.ok) throw new OrgoApiError(res.status, errorBody(new TextDecoder().decode(bytes), res.statusText));
    // A server that ignores raw=1 (Orgo's cloud) answers JSON: take the image out of it.
    if (/json/.test(res.headers.get('content-type') ?? '')) {
      return this.imageBytes((JSON.parse(new TextDecoder().decode(bytes)) as ScreenshotResult).image);
    }
    return bytes;
  };
  /** The bytes of a screenshot's `image`, in any of the forms Orgo answers: data URL, bare base64, URL. */
  imageBytes = async (image: string): Promise<Uint8Array> => {
    if (/^https?:\/\//.test(image)) {
      const res = await this.fetchImpl(image, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new OrgoApiError(res.status, { error: `could not fetch the screenshot from ${image}` });
      return new Uint8Array(await res.arrayBuffer());
    }
    const b64 = image.startsWith('data:') ? image.slice(image.indexOf(',') + 1) : image;
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };
  click = (id: string, x: number, y: number, options: Omit<ClickBody, 'x' | 'y'> = {}) =>
    this.request<ActionResult>('POST', `/computers/${enc(id)}/click`, { x, y, ...options });
  drag = (id: string, body: DragBody) => this.request<ActionResult>('POST', `/computers/${enc(id)}/drag`, body);
  type = (id: string, text: string) => this.request<ActionResult>('POST', `/computers/${enc(id)}/type`, { text });
  /** xdotool-style: `Enter`, `ctrl+c`, `ctrl+shift+t`, several chords separated by spaces. */
  key = (id: string, key: string) => this.request<ActionResult>('POST', `/computers/${enc(id)}/key`, { key });
  scroll = (id: string, body: ScrollBody) => this.request<ActionResult>('POST', `/computers/${enc(id)}/scroll`, body);
  wait = (id: string, seconds: number) => this.request<ActionResult>('POST', `/computers/${enc(id)}/wait`, { seconds });

  // Files
  /**
   * Uploads a file to a workspace and, with `desktopId`, onto that computer's desktop. `file` is
   * a path (Node: streamed from disk) or a File/Blob. Reports progress; cancel with `signal`.
   */
  uploadFile = async (file: string | UploadSource, options: UploadOptions): Promise<OrgoFile> => {
    if (typeof file === 'string' && this.nodeTransfers) {
      return answerOf<OrgoFile>((await uploadPath(`${this.baseUrl}/files/upload`, this.apiKey, file, options)) as unknown as Response);
    }
    const form = await uploadBody(file, options);
    const init = {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': form.contentType, 'content-length': String(form.length) },
      body: form.body,
      duplex: 'half', // a streamed request body (Node's fetch requires saying so)
      signal: options.signal,
    };
    const res = await this.fetchImpl(`${this.baseUrl}/files/upload`, init as RequestInit);
    return answerOf<OrgoFile>(res);
  };
  listFiles = async (filter: { workspaceId?: string; desktopId?: string } = {}) =>
    (await this.request<{ files: OrgoFile[] }>('GET', '/files', undefined, { workspaceId: filter.workspaceId, desktopId: filter.desktopId })).files;
  /** The largest file the host takes, in bytes (with the list of a computer's files), or null where the host does not say. */
  uploadLimit = async (desktopId: string) =>
    (await this.request<{ max_upload_bytes?: number }>('GET', '/files', undefined, { desktopId })).max_upload_bytes ?? null;
  /** Copies a file from a computer (a path under /home/user) into the workspace's files; answers a download link. */
  exportFile = (desktopId: string, path: string) => this.request<OrgoFile & FileDownload>('POST', '/files/export', { desktopId, path });
  /** A link that downloads the file without the API key, valid for an hour (range requests work). */
  downloadUrl = (id: string) => this.request<OrgoFile & FileDownload>('GET', '/files/download', undefined, { id });
  deleteFile = (id: string) => this.request<{ success: true; id: string }>('DELETE', '/files/delete', undefined, { id });
  /** Node: saves a file's bytes to `toPath` through a fresh signed link, streamed, with progress. */
  downloadFile = async (id: string, toPath: string, options: DownloadOptions = {}) => {
    const { url } = await this.downloadUrl(id);
    return this.nodeTransfers ? downloadToPath(url, toPath, options) : saveUrlTo(this.fetchImpl, url, toPath, options);
  };

  // Live channels (the websockets themselves: see channels.ts, channelUrl)
  /** The desktop's clipboard text. */
  getClipboard = async (id: string) => (await this.request<Clipboard>('GET', `/computers/${enc(id)}/clipboard`)).text;
  setClipboard = (id: string, text: string) => this.request<{ success: true }>('POST', `/computers/${enc(id)}/clipboard`, { text });
  /** The event types the events websocket delivers, with what each means. */
  eventCatalog = (id: string) => this.request<EventCatalog>('GET', `/computers/${enc(id)}/events`);

  // RTMP streaming: named connections kept by the account (the key is never answered whole)
  listStreamConnections = async () => (await this.request<StreamConnectionList>('GET', '/streaming/connections')).connections;
  /** 409 when a connection of that name exists (delete it first to change its key). */
  addStreamConnection = (body: StreamConnectionBody) => this.request<StreamConnection>('POST', '/streaming/connections', body);
  deleteStreamConnection = (name: string) => this.request<{ success: true }>('DELETE', `/streaming/connections/${enc(name)}`);
  /** Streams the computer's screen and sound to a named connection; 404 unknown connection, 409 already streaming, 400 not running. */
  startStream = (id: string, connectionName: string) => this.request<StreamStartAnswer>('POST', `/computers/${enc(id)}/stream/start`, { connection_name: connectionName });
  streamStatus = (id: string) => this.request<StreamStatus>('GET', `/computers/${enc(id)}/stream/status`);
  stopStream = (id: string) => this.request<{ success: true }>('POST', `/computers/${enc(id)}/stream/stop`);
}

export interface ScreenshotOptions {
  format?: 'png' | 'jpeg';
  /** JPEG quality, 1–100 (default 80). */
  quality?: number;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The JSON answer, or its error as an OrgoApiError. An empty 2xx answer is undefined. */
async function answerOf<T>(res: Response, path = new URL(res.url || 'http://x/').pathname): Promise<T> {
  const text = await res.text();
  const parsed = parseJson(text);
  if (!res.ok) throw new OrgoApiError(res.status, errorBody(text, res.statusText, parsed));
  if (parsed === undefined && text) throw new OrgoApiError(res.status, { error: `Unexpected answer from ${path}: ${text.slice(0, 200)}` });
  return parsed as T;
}

// Device-code login (RFC 8628): unauthenticated, so plain functions beside the client.
export { apiRoot, pollDeviceToken, requestDeviceCode, type DeviceAuthorization, type DeviceTokenAnswer } from './device.js';
