/**
 * A real Secret Service for tests: gnome-keyring-daemon on its own session bus, started with
 * dbus-run-session, its keyring under a temporary home (never the user's), unlocked with a
 * throwaway password. Set DBUS_SESSION_BUS_ADDRESS before keytar first talks to the bus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';

export interface Keyring {
  address: string;
  home: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startKeyring(): Promise<Keyring> {
  const home = mkdtempSync('/tmp/orgo-keyring-');
  const script = 'printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; echo "BUS=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 100000';
  const child: ChildProcess = spawn('dbus-run-session', ['--', 'bash', '-c', script], {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: `${home}/data`, XDG_RUNTIME_DIR: home, DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`gnome-keyring did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /BUS=(\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`dbus-run-session exited (${code}): ${out}`)));
  });
  return {
    address,
    home,
    env: { DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_RUNTIME_DIR: home },
    async close() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      await new Promise((r) => setTimeout(r, 100));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
