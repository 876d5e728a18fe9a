import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where one computer's things live under the host's data dir. */
export interface ComputerPaths {
  /** The computer's disk: its layer over the base system and its /home/user. Survives everything but delete. */
  disk: string;
  home: string;
  /** Runtime folder, recreated at each start. */
  run: string;
  /** Folder of the X socket, shared with the host so the host can drive the display. */
  x11: string;
  xSocket: string;
  /** Root-only folder: VNC socket and password file. */
  private: string;
  vncSocket: string;
  /** The in-computer agent's stream socket: terminals, audio, events (agent-channel.ts). */
  channelSocket: string;
  vncPasswordFile: string;
  log: string;
  /** Compiled agent modules, kept outside the install tree and outside every computer. */
  pycache: string;
}

export function computerPaths(dataDir: string, computerId: string, instanceId: string): ComputerPaths {
  const disk = join(dataDir, 'computers', computerId);
  const run = join(dataDir, 'run', instanceId);
  const x11 = join(run, 'x11');
  const priv = join(run, 'orgo');
  return {
    disk,
    home: join(disk, 'home'),
    run,
    x11,
    xSocket: join(x11, 'X1'),
    private: priv,
    vncSocket: join(priv, 'vnc.sock'),
    channelSocket: join(priv, 'channels.sock'),
    vncPasswordFile: join(priv, 'vncpasswd'),
    log: join(dataDir, 'logs', `${instanceId}.log`),
    pycache: join(dataDir, 'cache', 'python'),
  };
}

/** Unix socket paths are limited to 107 bytes; a deep data dir would fail late and obscurely. */
export const MAX_SOCKET_PATH = 107;

export const resourcesDir = resolve(fileURLToPath(new URL('../../resources', import.meta.url)));
export const agentScript = join(resourcesDir, 'sandbox', 'agent.py');
