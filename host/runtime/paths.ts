import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where one computer's things live under the host's data dir. */
export interface ComputerPaths {
  /** The computer's disk: its layer over the base system and its /home/user. Survives everything but delete. */
  disk: string;
  /** The disk's filesystem image, mounted on `disk` (runtime/disk.ts); absent for computers made before images. */
  image: string;
  home: string;
  /** Runtime folder, recreated at each start. */
  run: string;
  /** Folder of the X socket, shared with the host so the host can drive the display. */
  x11: string;
  xSocket: string;
  /** Root-only folder: VNC socket and password file. */
  private: string;
  vncSocket: string;
  /** The guest's stream socket: terminals, audio, events (guest-channel.ts). */
  channelSocket: string;
  vncPasswordFile: string;
  log: string;
  /** The guest's compiled modules, kept outside the install tree and outside every computer. */
  pycache: string;
}

export function computerPaths(dataDir: string, computerId: string, instanceId: string): ComputerPaths {
  const disk = join(dataDir, 'computers', computerId);
  const run = join(dataDir, 'run', instanceId);
  const x11 = join(run, 'x11');
  const priv = join(run, 'orgo');
  return {
    disk,
    image: join(dataDir, 'disks', `${computerId}.img`),
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

/**
 * The guest's folder: the program inside each computer (guest.py, pid 1) with the desktop's
 * session files in `desktop/` beside it. In a source checkout that is `guest/` at the root, two
 * folders above both this module (host/runtime/paths.ts) and the bundle it ends up in
 * (out/host/cli.mjs). A packaged app has no such folder: electron-builder.yml copies `guest/`
 * as an extra resource into process.resourcesPath, the folder that holds app.asar and
 * app.asar.unpacked (where the bundle runs from). The host process itself may not know
 * process.resourcesPath (it runs as Node, as root, possibly from systemd), so the location of
 * the module is what decides, here and nowhere else.
 */
export function locateGuest(modulePath: string): string {
  const packaged = /^(.*)[\\/]app\.asar(?:\.unpacked)?[\\/]/.exec(modulePath);
  return packaged ? join(packaged[1]!, 'guest') : resolve(dirname(modulePath), '..', '..', 'guest');
}

export const guestDir = locateGuest(fileURLToPath(import.meta.url));
export const guestScript = join(guestDir, 'guest.py');
