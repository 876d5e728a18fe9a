/**
 * The host, composed: store, keys, computers, HTTP and WebSockets. `startHost` is what the CLI,
 * the app's main process and the tests all call.
 */
import { mkdirSync, readFileSync, chmodSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { hostname as osHostname } from 'node:os';
import { KeyChecker, bootstrapKey } from './auth/keys.js';
import { buildApp } from './http/app.js';
import { attachDesktopSockets } from './http/desktops.js';
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, guardServer } from './http/edge.js';
import { logger } from '../shared/node/log.js';
import { Computers } from './services/computers.js';
import { Manage } from './services/manage.js';
import { Streams } from './services/stream.js';
import { StreamConnectionStore } from './store/stream-connections.js';
import { Files } from './files/service.js';
import { ComputerStore } from './store/computers.js';
import { DeviceCodeStore } from './store/device-codes.js';
import { FileStore } from './store/files.js';
import { openDb } from './store/db.js';
import { KeyStore } from './store/keys.js';
import { WorkspaceStore } from './store/workspaces.js';
import { ThreadStore } from './store/threads.js';
import { AgentService, type AgentConfig } from './agents/service.js';
import { lockDataDir, type HostLock } from './runtime/host-lock.js';

const log = logger('host');
export const DEFAULT_MAX_UPLOAD_MB = 100;

export interface HostOptions {
  dataDir: string;
  port: number;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** The first API key, for scripts and tests (ORGO_HOST_BOOTSTRAP_KEY). */
  bootstrapKey?: string;
  /** Length of an auto-stop minute in ms (tests shorten it). */
  minuteMs?: number;
  /** Largest upload accepted, in MB (MiB); default 100. */
  maxUploadMb?: number;
  /** Connections one client address may hold at once (http/edge.ts). */
  maxConnectionsPerAddress?: number;
  /** Own network and cgroup limits per computer, and disk images (all on by default; the bench turns them off to compare). */
  isolation?: { network: boolean; limits: boolean };
  diskImages?: boolean;
  /** The agent endpoint: the host's own model key, ANTHROPIC_BASE_URL, OpenAI-compatible providers, limits. */
  agents?: AgentConfig;
  /**
   * The address people reach this host at (`--public-url`, e.g. https://lab.example:7391), for
   * links it hands out to be opened in a browser (device login's approval page). Default: the
   * address it listens on, or this machine's name when it listens on every address.
   */
  publicUrl?: string;
}

/** The origin of a configured public address, or the listening one; never a request's Host header. */
export function publicOriginFor(options: { publicUrl?: string; listen: string; port: number; tls: boolean; hostname: string }): string {
  if (options.publicUrl) {
    const u = new URL(options.publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--public-url must be an http(s) address, not ${options.publicUrl}`);
    return u.origin;
  }
  const wildcard = options.listen === '0.0.0.0' || options.listen === '::' || options.listen === '';
  const h = wildcard ? options.hostname : options.listen;
  return `${options.tls ? 'https' : 'http'}://${h.includes(':') ? `[${h}]` : h}:${options.port}`;
}

export interface RunningHost {
  url: string;
  port: number;
  dataDir: string;
  /** Set only when this start generated the account's first key. */
  generatedKey: string | null;
  computers: Computers;
  agents: AgentService;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  // One host per data dir: the next one clears what a dead one left (runtime/leftovers.ts), which
  // must never be a live host's.
  const lock = lockDataDir(dataDir);
  try {
    return await startLocked(options, dataDir, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startLocked(options: HostOptions, dataDir: string, lock: HostLock): Promise<RunningHost> {
  if (lock.crashed) log.warn(`the last host on ${dataDir} ended without closing: clearing what it left, then bringing its computers back`);
  const db = openDb(join(dataDir, 'host.db'));
  const keys = new KeyStore(db);
  const generatedKey = bootstrapKey(keys, dataDir, options.bootstrapKey);
  const workspaces = new WorkspaceStore(db);
  const computerStore = new ComputerStore(db);
  const computers = new Computers(computerStore, { dataDir, minuteMs: options.minuteMs ?? 60_000, isolation: options.isolation, diskImages: options.diskImages });
  const maxUploadBytes = Math.round((options.maxUploadMb ?? DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024);
  const files = new Files(new FileStore(db), workspaces, computers, { dataDir, maxUploadBytes });
  const threads = new ThreadStore(db);
  const agents = new AgentService(computers, threads, {
    anthropicKey: process.env.ANTHROPIC_API_KEY || undefined,
    anthropicBaseUrl: process.env.ANTHROPIC_BASE_URL || undefined,
    ...options.agents,
  });
  // Known once listening (the port may be chosen then); checked now so a bad --public-url fails the start.
  let publicOrigin = options.publicUrl ? publicOriginFor({ publicUrl: options.publicUrl, listen: '', port: 0, tls: false, hostname: '' }) : '';
  const services = { workspaces, computerStore, computers, keys, keyChecker: new KeyChecker(keys), files, deviceCodes: new DeviceCodeStore(db), manage: new Manage(computers, computerStore), streams: new Streams(computers, new StreamConnectionStore(db)), threads, agents, publicOrigin: () => publicOrigin };

  const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined;
  const app = buildApp(services, { tls });
  guardServer(app.server as Server, { maxPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, tls: !!tls });
  const sockets = attachDesktopSockets(app.server as Server, services);
  const host = options.listen ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  publicOrigin = publicOriginFor({ publicUrl: options.publicUrl, listen: host, port, tls: !!tls, hostname: osHostname() });

  // Computers that were up when the host last stopped come back, without holding up the API.
  const recovery = computers.recover().catch((e) => log.error(`recovery: ${e}`));

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir,
    generatedKey,
    computers,
    agents,
    close: () =>
      (closing ??= (async () => {
        sockets.close();
        await agents.shutdown();
        services.streams.close();
        await recovery;
        await computers.shutdown();
        await app.close();
        db.close();
        lock.release();
      })()),
  };
}
