/**
 * Opens the app in Chromium's app mode (a window without tabs or an address bar), with its own
 * profile folder so it does not mix with the user's browsing. As root, Chromium needs
 * --no-sandbox; that is Chromium's own rule, not a choice made here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ORGO_CHROMIUM && existsSync(env.ORGO_CHROMIUM)) return env.ORGO_CHROMIUM;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * The page Chromium opens first: a file only this user can read that sends it on to the launch
 * address. A command line is readable by every user of the machine (/proc/PID/cmdline) and the
 * launch address signs in, so it goes in this file, never in Chromium's arguments.
 */
export function writeLaunchPage(url: string, profileDir: string): string {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const file = join(profileDir, 'launch.html');
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0; url=${attr}"><title>Orgo Desktop</title>\n`, { mode: 0o600 });
  return file;
}

export function appWindowArgs(url: string, profileDir: string): string[] {
  return [
    `--app=file://${writeLaunchPage(url, profileDir)}`,
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
}

export function openAppWindow(url: string, profileDir: string, env: NodeJS.ProcessEnv = process.env): ChildProcess | string {
  const bin = findChromium(env);
  if (!bin) return 'No Chromium or Chrome found; open the address above in your browser.';
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'No display ($DISPLAY is not set); open the address above in a browser on this machine.';
  return spawn(bin, appWindowArgs(url, profileDir), { stdio: 'ignore', detached: false });
}
