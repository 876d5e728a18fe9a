/**
 * Opens the app in Chromium's app mode (a window without tabs or an address bar), with its own
 * profile folder so it does not mix with the user's browsing. As root, Chromium needs
 * --no-sandbox; that is Chromium's own rule, not a choice made here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ORGO_CHROMIUM && existsSync(env.ORGO_CHROMIUM)) return env.ORGO_CHROMIUM;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function openAppWindow(url: string, profileDir: string, env: NodeJS.ProcessEnv = process.env): ChildProcess | string {
  const bin = findChromium(env);
  if (!bin) return 'No Chromium or Chrome found; open the address above in your browser.';
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'No display ($DISPLAY is not set); open the address above in a browser on this machine.';
  const args = [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--class=OrgoDesktop',
    '--window-size=1180,780',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
  return spawn(bin, args, { stdio: 'ignore', detached: false });
}
