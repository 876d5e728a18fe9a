/** What the HTTP layer is handed: the host's stores and services, built once in host.ts. */
import type { AgentService } from '../agents/service.js';
import type { KeyChecker } from '../auth/keys.js';
import type { Files } from '../files/service.js';
import type { Computers } from '../services/computers.js';
import type { Manage } from '../services/manage.js';
import type { Streams } from '../services/stream.js';
import type { ComputerStore } from '../store/computers.js';
import type { DeviceCodeStore } from '../store/device-codes.js';
import type { KeyStore } from '../store/keys.js';
import type { ThreadStore } from '../store/threads.js';
import type { WorkspaceStore } from '../store/workspaces.js';

export interface HostServices {
  workspaces: WorkspaceStore;
  computerStore: ComputerStore;
  computers: Computers;
  keys: KeyStore;
  keyChecker: KeyChecker;
  files: Files;
  deviceCodes: DeviceCodeStore;
  manage: Manage;
  streams: Streams;
  threads: ThreadStore;
  agents: AgentService;
  /** The host's public address (scheme://host:port) as configured, for links a person opens (device login). */
  publicOrigin: () => string;
}
