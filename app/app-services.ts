/**
 * The app's main side, composed without Electron: profiles, credentials, the built-in host,
 * the session, the live computers list, device-code login and the VNC relay. Electron's main
 * process and the browser-mode launcher each build one and put their transport in front.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventName, Events } from '../shared/ipc/channels.js';
import { ComputersFeed } from './computers-feed.js';
import { Credentials, type Keychain, loadKeytar } from './credentials.js';
import { LocalHost, LOCAL_HOST_PORT } from './local-host.js';
import { DeviceLogins } from './login.js';
import { appDirs, type AppDirs } from './paths.js';
import { Profiles } from './profiles.js';
import { LoopbackGate } from './loopback-gate.js';
import { VncRelay } from './relay.js';
import { ChannelRelay } from './channel-relay.js';
import { AppFiles } from './files.js';
import { Session } from './session.js';
import { ModelKeyHosts } from './model-key-hosts.js';
import { ModelProviders } from './model-providers.js';
import { AppAgent } from './agent.js';

export interface AppServicesOptions {
  mode: 'electron' | 'browser';
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  dirs?: AppDirs;
  /** Also told of every event (tests record them); transports use subscribe(). */
  broadcast?: Broadcast;
  keychain?: () => Promise<Keychain>;
  nodePath?: string;
}

type Broadcast = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface AppServices {
  version: string;
  dirs: AppDirs;
  profiles: Profiles;
  credentials: Credentials;
  session: Session;
  feed: ComputersFeed;
  logins: DeviceLogins;
  /** The one loopback WebSocket server both relays take their one-time tickets through. */
  gate: LoopbackGate;
  relay: VncRelay;
  /** Terminal, events and audio, relayed like VNC. */
  channels: ChannelRelay;
  files: AppFiles;
  /** Agent runs, threads and their live feed over the active profile's endpoint. */
  agent: AppAgent;
  /** Sends an event to every window of every transport. */
  broadcast: Broadcast;
  /**
   * Starts on what the first window asks for (the computers list; the keychain, whose first use
   * loads libsecret) while that window is still being created, so its first calls answer sooner.
   */
  warm(): void;
  /** A transport (Electron's windows, browser mode's tabs) listens for events to deliver. */
  subscribe(listener: Broadcast): () => void;
  close(): void;
}

export function createAppServices(o: AppServicesOptions): AppServices {
  const env = o.env ?? process.env;
  const dirs = o.dirs ?? appDirs(env);
  const port = Number(env.ORGO_LOCAL_HOST_PORT) || LOCAL_HOST_PORT;
  // The host's state shows in every window: tell the session when it changes.
  let onHostState = () => {};
  const localHost = new LocalHost({ dataDir: dirs.hostData, port, projectRoot: o.projectRoot, nodePath: o.nodePath, onState: () => onHostState() });
  const profiles = new Profiles(dirs.config, localHost.baseUrl, env);
  const credentials = new Credentials(dirs.config, o.keychain ?? loadKeytar);
  const session = new Session(o.mode, profiles, credentials, localHost, env);
  onHostState = () => void session.changed();
  const feed = new ComputersFeed(session);
  const logins = new DeviceLogins({ clientName: `Orgo Desktop on ${hostname()}` });
  const gate = new LoopbackGate();
  const relay = new VncRelay(gate, session, (id) => feed.known(id));
  const channels = new ChannelRelay(gate, session);
  const files = new AppFiles(session);
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(join(o.projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* shown as 0.0.0 */
  }
  const listeners = new Set<Broadcast>();
  const broadcast: Broadcast = (event, payload) => {
    o.broadcast?.(event, payload);
    for (const l of listeners) l(event, payload);
  };
  const agent = new AppAgent(session, credentials, broadcast, new ModelProviders(dirs.config, credentials), new ModelKeyHosts(dirs.config, profiles));
  session.onChange((v) => broadcast('session.changed', v));
  feed.onChange((snap) => broadcast('computers.changed', snap));
  return {
    version,
    dirs,
    profiles,
    credentials,
    session,
    feed,
    logins,
    gate,
    relay,
    channels,
    files,
    agent,
    broadcast,
    warm() {
      // Loading keytar (libsecret, D-Bus) is the slow part of a first key lookup.
      void credentials.probe();
      // What the first page carries (first-data.ts), read while Chromium starts.
      void session.localHost.refresh();
      void feed.refresh();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      feed.close();
      relay.close();
      channels.close();
      agent.close();
      gate.close();
      for (const p of profiles.list()) logins.cancel(p.id);
    },
  };
}
