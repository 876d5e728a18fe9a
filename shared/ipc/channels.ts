/**
 * The one IPC contract between the renderer and the app's main side (Electron's main process or
 * the browser-mode launcher): every call with its input and answer, and every event. Both
 * transports, the preload script, the browser bridge and main's handlers are typed from this map,
 * so they cannot drift. Input validation lives beside it in schemas.ts.
 */
import type { Computer } from '../api/types.js';
import type { ComputerSpec } from '../api/specs.js';
import type { AgentEvent, ThreadDetail, ThreadSummary } from '../api/agent.js';
import type { ResizeAnswer, StreamConnection } from '../api/manage.js';
import type {
  AppInfo,
  ComputersSnapshot,
  ConnectionCounts,
  DownloadAnswer,
  FileView,
  ComputerView,
  LoginProgress,
  MintedKey,
  SessionView,
  StreamView,
  ViewerPrefs,
  WorkspaceView,
} from './types.js';

/** A computer the app asks for: every field of the spec but `os` (always linux), in a workspace. */
export type NewComputer = Omit<ComputerSpec, 'os'> & { workspace_id: string };

/** channel -> [input, answer]. `void` input means the function takes no argument. */
export interface Calls {
  'app.info': [void, AppInfo];
  'session.get': [void, SessionView];
  'profiles.select': [{ id: string }, SessionView];
  'profiles.add': [{ name: string; baseUrl: string; allowPlainHttp?: boolean }, SessionView];
  'profiles.remove': [{ id: string }, SessionView];
  'login.start': [{ profileId: string }, LoginProgress];
  'login.cancel': [{ profileId: string }, void];
  'login.withKey': [{ profileId: string; apiKey: string }, SessionView];
  'login.logout': [{ profileId: string }, SessionView];
  'keychain.fileConsent': [{ allow: boolean }, SessionView];
  'localHost.start': [void, SessionView];
  'computers.watch': [void, ComputersSnapshot];
  'computers.refresh': [void, ComputersSnapshot];
  'computers.create': [NewComputer, ComputerView];
  'computers.start': [{ id: string }, ComputerView];
  'computers.stop': [{ id: string }, ComputerView];
  'computers.restart': [{ id: string }, ComputerView];
  'computers.delete': [{ id: string }, void];
  'computers.stopAll': [void, { stopped: number; failed: string[] }];
  /** A copy of the whole disk, running (the API's 201). */
  'computers.clone': [{ id: string; name?: string; workspace_id?: string }, ComputerView];
  /** The API's answer with a result per field, also when none applied (its 422). */
  'computers.resize': [{ id: string } & ResizeFields, ResizeAnswer];
  'computers.move': [{ id: string; workspace_id: string }, { workspace_id: string }];
  'workspaces.create': [{ name: string }, WorkspaceView];
  /** A new API key that reaches only this workspace, minted by the host; its text is answered once. */
  'keys.mint': [{ workspaceId: string | null }, MintedKey];
  'workspaces.rename': [{ id: string; name: string }, WorkspaceView];
  /** `force` also deletes its computers (the API refuses a workspace that has some without it). */
  'workspaces.delete': [{ id: string; force?: boolean }, { deleted_computers: number }];
  /** RTMP connections of the account (keys masked by the API). */
  'streaming.list': [void, StreamConnection[]];
  'streaming.add': [{ name: string; server_url: string; stream_key: string }, StreamConnection];
  'streaming.remove': [{ name: string }, void];
  'stream.status': [{ computerId: string }, StreamView];
  'stream.start': [{ computerId: string; connection_name: string }, StreamView];
  'stream.stop': [{ computerId: string }, StreamView];
  /** The viewer's picture quality and compression for one computer, kept in the app's settings. */
  'viewerPrefs.get': [{ computerId: string }, ViewerPrefs];
  'viewerPrefs.set': [{ computerId: string } & ViewerPrefs, ViewerPrefs];
  'windows.openViewer': [{ computerId: string }, void];
  'windows.openGrid': [void, void];
  'windows.openMain': [void, void];
  /** quality/compression: the picture noVNC will ask for (0-9), for the first frame the relay asks for meanwhile. */
  'viewer.connect': [{ computerId: string; quality?: number; compression?: number }, { url: string }];
  'screenshots.save': [{ computerId: string; dataUrl: string }, { path: string }];
  'external.open': [{ url: string }, void];
  /** A one-time loopback URL for a live channel (terminal, events, audio) of a computer. */
  'channels.connect': [{ computerId: string; channel: 'terminal' | 'events' | 'audio'; cols?: number; rows?: number }, { url: string }];
  'channels.counts': [void, ConnectionCounts];
  'clipboard.set': [{ computerId: string; text: string }, void];
  /** The files of the computer's workspace, newest first. */
  'files.list': [{ computerId: string }, FileView[]];
  /** Electron: streams a dropped file (by path) onto the computer's Desktop; progress as `files.progress`. */
  'files.upload': [{ computerId: string; uploadId: string; path: string }, FileView];
  'files.cancel': [{ uploadId: string }, void];
  /** Browser mode: a one-time address on the launcher to POST one file's bytes to. */
  'files.uploadTarget': [{ computerId: string }, { url: string }];
  /** The largest file the computer's host takes (null: it does not say), to refuse a larger one before sending. */
  'files.limit': [{ computerId: string }, { maxBytes: number | null }];
  'files.download': [{ id: string }, DownloadAnswer];
  'files.delete': [{ id: string }, void];
  /** Copies a file from the desktop (under /home/user) into the workspace's files, then downloads it. */
  'files.export': [{ computerId: string; path: string }, { file: FileView; download: DownloadAnswer }];
  /** The agent endpoint's models (GET /api/v1/models of the active profile). */
  'agent.models': [void, Array<{ id: string; owned_by: string }>];
  /** Starts a run (or continues a thread); its steps arrive as `agent.event`. */
  'agent.run': [{ computerId: string; model: string; task: string; threadId?: string; maxSteps?: number }, { threadId: string }];
  'agent.control': [{ threadId: string; action: 'cancel' | 'pause' | 'resume' }, ThreadSummary];
  'agent.threads': [{ computerId: string }, ThreadSummary[]];
  'agent.thread': [{ id: string }, ThreadDetail];
  'agent.deleteThread': [{ id: string }, void];
  /** Follow a computer's agent runs (live `agent.event`s) until unwatch or the window closes. */
  'agent.watch': [{ computerId: string }, void];
  'agent.unwatch': [{ computerId: string }, void];
  /** Model provider keys, kept by main in the keychain: the renderer learns only whether one is set. */
  'modelKeys.get': [void, ModelKeysView];
  'modelKeys.set': [{ provider: 'anthropic'; key: string }, ModelKeysView];
  'modelKeys.clear': [{ provider: 'anthropic' }, ModelKeysView];
  /** The person's yes (allow) or no to sending their model keys to a profile's host with its runs. */
  'modelKeys.allowHost': [{ profileId: string; allow: boolean }, ModelKeysView];
  /** The OpenAI-compatible providers added in the app (their keys kept by main, never sent here). */
  'modelProviders.list': [void, ModelProviderView[]];
  'modelProviders.save': [ModelProviderInput, ModelProviderView[]];
  'modelProviders.remove': [{ name: string }, ModelProviderView[]];
}

export interface ModelProviderInput {
  name: string;
  baseUrl: string;
  models: string[];
  /** Left out: the kept key stays; '': the kept key is removed. */
  key?: string;
}

export interface ModelProviderView {
  name: string;
  baseUrl: string;
  models: string[];
  key: { set: boolean; hint: string | null };
}

export interface ResizeFields {
  vcpus?: number;
  mem_gb?: number;
  disk_size_gb?: number;
  bandwidth_limit_mbps?: number | null;
  auto_stop_minutes?: number;
}

export interface ModelKeysView {
  anthropic: { set: boolean; source: string | null; hint: string | null };
  /** The app keeps some model key (Anthropic's or a provider's). */
  held: boolean;
  /** The active profile's host: whether runs there carry the model keys (app/model-key-hosts.ts). */
  host: HostKeyView;
  /** Every host allowed now. */
  hosts: HostKeyView[];
}

export interface HostKeyView {
  profileId: string;
  name: string;
  baseUrl: string;
  allowed: boolean;
  /** The built-in host, which always gets them. */
  builtIn: boolean;
  /** Why they may not go there even when allowed, in words. */
  refusal: string | null;
}

/** event -> payload, main to renderer. */
export interface Events {
  'session.changed': SessionView;
  'computers.changed': ComputersSnapshot;
  'login.progress': LoginProgress;
  /** Main asks the window to do something a person asked for elsewhere (the tray). */
  'app.command': { command: 'new-computer' };
  /** An Electron upload's progress (bytes handed to the connection so far). */
  'files.progress': { uploadId: string; sent: number; total: number };
  /** A live message of an agent run on a watched computer. */
  'agent.event': { computerId: string; event: AgentEvent };
}

export type Channel = keyof Calls;
export type EventName = keyof Events;
export type CallInput<C extends Channel> = Calls[C][0];
export type CallOutput<C extends Channel> = Calls[C][1];

export const CHANNELS = [
  'app.info',
  'session.get',
  'profiles.select',
  'profiles.add',
  'profiles.remove',
  'login.start',
  'login.cancel',
  'login.withKey',
  'login.logout',
  'keychain.fileConsent',
  'localHost.start',
  'computers.watch',
  'computers.refresh',
  'computers.create',
  'computers.start',
  'computers.stop',
  'computers.restart',
  'computers.delete',
  'computers.stopAll',
  'computers.clone',
  'computers.resize',
  'computers.move',
  'workspaces.create',
  'keys.mint',
  'workspaces.rename',
  'workspaces.delete',
  'streaming.list',
  'streaming.add',
  'streaming.remove',
  'stream.status',
  'stream.start',
  'stream.stop',
  'viewerPrefs.get',
  'viewerPrefs.set',
  'windows.openViewer',
  'windows.openGrid',
  'windows.openMain',
  'viewer.connect',
  'screenshots.save',
  'external.open',
  'channels.connect',
  'channels.counts',
  'clipboard.set',
  'files.list',
  'files.upload',
  'files.cancel',
  'files.uploadTarget',
  'files.limit',
  'files.download',
  'files.delete',
  'files.export',
  'agent.models',
  'agent.run',
  'agent.control',
  'agent.threads',
  'agent.thread',
  'agent.deleteThread',
  'agent.watch',
  'agent.unwatch',
  'modelKeys.get',
  'modelKeys.set',
  'modelKeys.clear',
  'modelKeys.allowHost',
  'modelProviders.list',
  'modelProviders.save',
  'modelProviders.remove',
] as const satisfies readonly Channel[];

export const EVENT_NAMES = ['session.changed', 'computers.changed', 'login.progress', 'app.command', 'files.progress', 'agent.event'] as const satisfies readonly EventName[];

type MissingEvent = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const _allEvents: MissingEvent extends never ? true : MissingEvent = true;
void _allEvents;

// Every channel of the map is listed once (a missing one fails to compile here).
type Missing = Exclude<Channel, (typeof CHANNELS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

/** Electron's two IPC channel names: one for calls, one for events. Nothing else crosses. */
export const IPC_INVOKE = 'orgo:invoke';
export const IPC_EVENT = 'orgo:event';

/** An error crossing the IPC boundary: words for people, and the API's code and status when any. */
export interface IpcError {
  message: string;
  code?: string;
  status?: number;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** The API's computer without what the renderer must never hold (the VNC password). */
export function computerView(c: Computer): ComputerView {
  return {
    id: c.id,
    name: c.name,
    workspace_id: c.workspace_id ?? c.project_id,
    status: c.status,
    error_message: c.error_message ?? null,
    ram: c.ram,
    cpu: c.cpu,
    disk_size_gb: c.disk_size_gb,
    resolution: c.resolution,
    auto_stop_minutes: c.auto_stop_minutes ?? 0,
    bandwidth_limit_mbps: c.bandwidth_limit_mbps ?? null,
    instance_id: c.instance_id ?? c.fly_instance_id,
    created_at: c.created_at,
  };
}
