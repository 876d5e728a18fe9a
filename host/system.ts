/** What the host needs from this machine, checked once at start with a plain answer. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DESKTOP_PACKAGES = [
  'tigervnc-standalone-server', 'tigervnc-tools', 'openbox', 'tint2', 'xterm', 'chromium', 'x11-xserver-utils',
  'dbus', 'dbus-x11', 'sudo', 'python3', 'util-linux', 'fonts-dejavu-core',
];

const NEEDED = ['/usr/bin/Xvnc', '/usr/bin/openbox', '/usr/bin/tint2', '/usr/bin/python3', '/usr/bin/unshare', '/usr/bin/xsetroot', '/usr/bin/dbus-daemon'];

export function checkHostSystem(): string | null {
  if (process.platform !== 'linux') return 'The local host runs desktops with Linux namespaces: it needs Linux.';
  if (process.getuid?.() !== 0) {
    return 'The local host needs root to build each computer\'s sandbox (mount namespaces, overlay disks).\nRun it with sudo, or point the app at another host.';
  }
  const missing = NEEDED.filter((p) => !existsSync(p));
  if (missing.length) {
    return `Missing ${missing.join(', ')}. Install the desktop packages with:\n  sudo apt-get install -y ${DESKTOP_PACKAGES.join(' ')}`;
  }
  try {
    execFileSync('unshare', ['--mount', '--pid', '--fork', 'true'], { stdio: 'ignore' });
  } catch {
    return 'This machine does not allow new mount/pid namespaces (unshare failed); the local host cannot run desktops here.';
  }
  return null;
}
