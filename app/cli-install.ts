/**
 * "Install the orgo command" (the tray's menu): puts a small launcher named `orgo` in the user's
 * own bin folder, ~/.local/bin, which needs no root and which most Linux distributions put on
 * PATH by themselves (systemd's file-hierarchy, and Debian's and Fedora's ~/.profile, once the
 * folder exists). The launcher runs the packaged CLI bundle with the app's own Electron as Node
 * (ELECTRON_RUN_AS_NODE=1): the bundle's one native module, keytar, is built for Electron's
 * ABI, and a user may have no node at all. A launcher rather than a symlink, because the bundle
 * is a module file, not something the system can execute without that environment variable.
 *
 * macOS: the same sh launcher in ~/.local/bin (not /usr/local/bin, which would need an admin's
 * password), with the zsh line to put it on PATH. Windows: `orgo.cmd` in the same folder under
 * the user's profile, with how to add it to the user's Path.
 *
 * It never overwrites what it did not write: a file there without the marker line is someone
 * else's (another orgo, the user's own script), and is left alone with a message saying so.
 * Installing again rewrites only its own launcher (to the app's current location).
 */
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

/** The line that makes a launcher ours (and lets a later install replace it). */
export const LAUNCHER_MARKER = 'orgo command line, installed by Orgo Desktop';

export interface CliInstallOptions {
  home: string;
  /** The app's executable (Electron), which runs the bundle as Node. */
  execPath: string;
  /** The CLI bundle's entry (resources/app.asar.unpacked/out/cli/orgo.cjs when packaged). */
  cliPath: string;
  /** The PATH the user's shells see (the app's own environment is the best guess it has). */
  pathEnv: string | undefined;
  platform?: NodeJS.Platform;
}

export interface CliInstalled {
  /** Where the launcher is. */
  path: string;
  /** False when the same launcher was there already. */
  changed: boolean;
  /** Whether its folder is on PATH; when not, `message` says how to put it there. */
  onPath: boolean;
  /** What to tell the user, in words. */
  message: string;
}

export class CliInstallRefused extends Error {}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function launcher(execPath: string, cliPath: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    return `@echo off\r\nrem ${LAUNCHER_MARKER}\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${execPath}" "${cliPath}" %*\r\n`;
  }
  return `#!/bin/sh\n# ${LAUNCHER_MARKER}.\n# Runs the app's bundled CLI with the app's own Electron as Node; "Install the orgo command" rewrites it.\nELECTRON_RUN_AS_NODE=1 exec ${shQuote(execPath)} ${shQuote(cliPath)} "$@"\n`;
}

/**
 * The CLI bundle beside the app: in a package, unpacked from the asar with the native modules it
 * loads (electron-builder.yml), as the host's bundle is; in a source checkout, out/cli/.
 */
export function cliEntry(appRoot: string): string {
  const root = basename(appRoot) === 'app.asar' ? join(dirname(appRoot), 'app.asar.unpacked') : appRoot;
  return join(root, 'out', 'cli', 'orgo.cjs');
}

export function cliBinDir(home: string): string {
  return join(home, '.local', 'bin');
}

function pathAdvice(dir: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return `${dir} is not on your Path. Add it under Settings → System → About → Advanced system settings → Environment Variables (your user's Path), then open a new terminal.`;
  const rc = platform === 'darwin' ? '~/.zprofile' : '~/.profile';
  return `${dir} is not on your PATH yet. Add it with:\n  echo 'export PATH="$HOME/.local/bin:$PATH"' >> ${rc}\nthen open a new terminal (on Linux, ~/.profile is read when you log in; many distributions add the folder by themselves once it exists, at your next login).`;
}

export function installCli(o: CliInstallOptions): CliInstalled {
  const platform = o.platform ?? process.platform;
  const dir = cliBinDir(o.home);
  const path = join(dir, platform === 'win32' ? 'orgo.cmd' : 'orgo');
  const text = launcher(o.execPath, o.cliPath, platform);
  let existing: string | null = null;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) throw new CliInstallRefused(`${path} exists and is not Orgo Desktop's launcher (a ${st.isSymbolicLink() ? 'symbolic link' : 'folder or special file'}); it was left as it is. Remove it and install again to use this one.`);
    existing = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CliInstallRefused) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing !== null && !existing.includes(LAUNCHER_MARKER)) {
    throw new CliInstallRefused(`${path} exists and is not Orgo Desktop's (another orgo, or a script of yours); it was left as it is. Remove it and install again to use this one.`);
  }
  const changed = existing !== text;
  if (changed) {
    mkdirSync(dir, { recursive: true });
    // Written beside and renamed over: a shell running the old launcher never reads half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, path);
  }
  const onPath = (o.pathEnv ?? '').split(platform === 'win32' ? ';' : delimiter).some((p) => p && resolve(p) === resolve(dir));
  const done = changed ? `Installed the orgo command: ${path}` : `The orgo command is installed already: ${path}`;
  return { path, changed, onPath, message: onPath ? `${done}\nTry it in a new terminal: orgo --help` : `${done}\n${pathAdvice(dir, platform)}` };
}
