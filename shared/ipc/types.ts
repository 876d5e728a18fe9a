/**
 * What the app's main side hands the renderer: views of profiles, the session, computers and
 * login progress. Nothing here carries an API key or a VNC password.
 */
import type { Computer, OrgoFile } from '../api/types.js';
import type { StreamStatus } from '../api/manage.js';
import type { ComputerStatus } from '../api/specs.js';

export type ProfileKind = 'local' | 'remote' | 'cloud' | 'env';

export interface ProfileView {
  id: string;
  name: string;
  kind: ProfileKind;
  /** The API's base, ending in /api. */
  baseUrl: string;
  signedIn: boolean;
  /** Where its key comes from; only a stored key can be signed out of. */
  keySource: KeySource | null;
}

export type KeySource = 'environment' | 'keychain' | 'file' | 'memory' | 'host';

/** Where credentials are kept: the OS keychain, a 0600 file (only after consent), or memory only. */
export type CredentialBackend = 'keychain' | 'file' | 'memory';

export interface KeychainView {
  backend: CredentialBackend;
  /** False when no Secret Service answered; `detail` says why. */
  available: boolean;
  detail: string;
  /** Why no keychain answered (the error, short), or null. */
  problem: string | null;
  /** Null until the user answered the question about the insecure file. */
  fileConsent: boolean | null;
  /** Where the file would go, to show the user before asking. */
  filePath: string;
  /** How many keys are held only in memory (lost when the app quits). */
  memoryOnly: number;
}

export type LocalHostState = 'unknown' | 'stopped' | 'starting' | 'running' | 'error';

export interface LocalHostView {
  state: LocalHostState;
  url: string;
  dataDir: string;
  message: string | null;
}

export interface SessionView {
  mode: 'electron' | 'browser';
  profiles: ProfileView[];
  activeId: string;
  /** A key was found for the active profile. */
  signedIn: boolean;
  keychain: KeychainView;
  localHost: LocalHostView;
  /** Set when ORGO_API_KEY / ORGO_API_BASE_URL / ORGO_PROFILE steer the app. */
  envOverride: string | null;
}

export interface WorkspaceView {
  id: string;
  name: string;
}

/** A computer's status as the app shows it: the API's, or `unknown` while its host does not answer. */
export type ShownStatus = ComputerStatus | 'unknown';

/** The API's computer as the renderer holds it: no VNC password, URLs or deprecated aliases (made by computerView in channels.ts). */
export type ComputerView = Pick<Computer, 'id' | 'name' | 'workspace_id' | 'error_message' | 'ram' | 'cpu' | 'disk_size_gb' | 'resolution' | 'auto_stop_minutes' | 'bandwidth_limit_mbps' | 'instance_id' | 'created_at'> & {
  status: ShownStatus;
};

/** The active profile's host stopped answering (app/host-health.ts): since when, why, and what the app does about it. */
export interface HostDownView {
  /** When the first refresh failed to reach it (ms since epoch). */
  since: number;
  /** Why, in words (connection refused, timed out, ...). */
  message: string;
  /** The app's own built-in host ("This computer"), which the app restarts by itself. */
  builtIn: boolean;
  /** The app is restarting the built-in host right now. */
  restarting: boolean;
  /** The host's address, to name it in the banner. */
  url: string;
}

/** A key just minted (app/keys.ts): shown once in the window, kept nowhere. */
export interface MintedKey {
  key: string;
  id: string;
  name: string;
  /** Null for an account-wide key (every workspace). */
  workspaceId: string | null;
  workspaceName: string | null;
  baseUrl: string;
}

/** A line of the host's history for the activity feed: it stopped answering, it answers again. */
export interface HostEvent {
  at: number;
  kind: 'down' | 'back' | 'restarted' | 'restart_failed';
  text: string;
}

export interface ComputersSnapshot {
  profileId: string;
  workspaces: WorkspaceView[];
  computers: ComputerView[];
  /** Why the list could not be refreshed, in words; the last good list stays. */
  error: string | null;
  /** Set while the host does not answer at all (then every computer's status is `unknown`). */
  hostDown: HostDownView | null;
  /** The host's recent history (newest last), for the activity feed. */
  hostEvents: HostEvent[];
  /** When the list was last read from the API (ms since epoch). */
  at: number;
  loaded: boolean;
}

export type LoginState = 'waiting' | 'slow_down' | 'approved' | 'denied' | 'expired' | 'error' | 'cancelled';

export interface LoginProgress {
  profileId: string;
  state: LoginState;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresAt: number;
  /** Seconds between polls, as the server last asked. */
  interval: number;
  message: string;
}

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  platform: string;
}

/** A file of the workspace's store, as the files panel lists it. */
export type FileView = Pick<OrgoFile, 'id' | 'name' | 'size' | 'content_type' | 'workspace_id' | 'desktop_id' | 'created_at'>;

/** A download: in Electron saved where the person chose (null: they cancelled); in browser mode a signed link. */
export type DownloadAnswer = { savedTo: string | null } | { url: string; name: string };

/** Open relays in main (the leak check): VNC viewers, and live channels with their computer-side sockets. */
export interface ConnectionCounts {
  vnc: number;
  channels: number;
  upstream: number;
}

/** noVNC's picture settings for one computer's viewer: JPEG quality and zlib compression, 0–9 each. */
export interface ViewerPrefs {
  quality: number;
  compression: number;
}

/** A computer's RTMP stream as the app shows it; `unavailable` when the host has no streaming (its 404). */
export type StreamView = StreamStatus | { status: 'unavailable'; reason: string };
