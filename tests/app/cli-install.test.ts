/**
 * "Install the orgo command" (app/cli-install.ts) in plain Node: where the launcher goes, that
 * it runs the real CLI bundle, that installing twice changes nothing, that it never replaces a
 * file or link it did not write, and that it says how to put ~/.local/bin on PATH when it is not.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliInstallRefused, cliEntry, installCli, launcher, LAUNCHER_MARKER } from '../../app/cli-install.js';
import { buildCli, ORGO, ROOT } from '../helpers/orgo-cli.js';

const homes: string[] = [];
const home = () => {
  const h = mkdtempSync('/tmp/orgo-cli-install-');
  homes.push(h);
  return h;
};
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

beforeAll(() => buildCli());
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

describe('installCli', () => {
  it('writes an executable launcher in ~/.local/bin that runs the bundled CLI', () => {
    const h = home();
    const r = installCli({ home: h, execPath: process.execPath, cliPath: ORGO, pathEnv: `/usr/bin:${h}/.local/bin`, platform: 'linux' });
    expect(r).toMatchObject({ path: join(h, '.local/bin/orgo'), changed: true, onPath: true });
    expect(r.message).toBe(`Installed the orgo command: ${r.path}\nTry it in a new terminal: orgo --help`);
    expect(statSync(r.path).mode & 0o777).toBe(0o755);
    // As a shell finds it on PATH: the launcher runs the bundle and answers.
    const out = execFileSync('orgo', ['--version'], { env: { PATH: `${h}/.local/bin:/usr/bin:/bin`, HOME: h }, encoding: 'utf8' });
    expect(out).toBe(`${version}\n`);
    const help = execFileSync('orgo', ['computers', '--help'], { env: { PATH: `${h}/.local/bin:/usr/bin:/bin`, HOME: h }, encoding: 'utf8' });
    expect(help).toMatch(/Usage: orgo computers/);
  });

  it('is idempotent, and rewrites its own launcher when the app moved', () => {
    const h = home();
    const o = { home: h, execPath: process.execPath, cliPath: ORGO, pathEnv: `${h}/.local/bin`, platform: 'linux' as const };
    installCli(o);
    const again = installCli(o);
    expect(again.changed).toBe(false);
    expect(again.message).toMatch(/^The orgo command is installed already: /);
    const moved = installCli({ ...o, cliPath: '/opt/elsewhere/orgo.mjs' });
    expect(moved.changed).toBe(true);
    expect(readFileSync(moved.path, 'utf8')).toContain(`'/opt/elsewhere/orgo.mjs' "$@"`);
  });

  it('refuses to overwrite a file or a link it did not write, and leaves it as it was', () => {
    const h = home();
    const bin = join(h, '.local/bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'orgo'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const o = { home: h, execPath: process.execPath, cliPath: ORGO, pathEnv: bin, platform: 'linux' as const };
    expect(() => installCli(o)).toThrow(CliInstallRefused);
    expect(() => installCli(o)).toThrow(/exists and is not Orgo Desktop's .*left as it is/);
    expect(readFileSync(join(bin, 'orgo'), 'utf8')).toBe('#!/bin/sh\necho mine\n');

    rmSync(join(bin, 'orgo'));
    symlinkSync('/usr/bin/true', join(bin, 'orgo'));
    expect(() => installCli(o)).toThrow(/symbolic link/);
    expect(lstatSync(join(bin, 'orgo')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(bin, 'orgo'))).toBe('/usr/bin/true');
  });

  it('explains PATH when ~/.local/bin is not on it (and creates the folder)', () => {
    const h = home();
    const r = installCli({ home: h, execPath: process.execPath, cliPath: ORGO, pathEnv: '/usr/local/bin:/usr/bin:/bin', platform: 'linux' });
    expect(r.onPath).toBe(false);
    expect(r.message).toContain(`${h}/.local/bin is not on your PATH yet. Add it with:\n  echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.profile`);
    const mac = installCli({ home: home(), execPath: process.execPath, cliPath: ORGO, pathEnv: '/usr/bin', platform: 'darwin' });
    expect(mac.message).toContain('>> ~/.zprofile');
  });

  it('quotes paths with spaces and quotes for sh, and writes orgo.cmd on Windows', () => {
    const text = launcher("/opt/Orgo Desktop/it's/orgo-desktop", '/opt/x/orgo.mjs', 'linux');
    expect(text).toContain(LAUNCHER_MARKER);
    expect(text).toContain(`ELECTRON_RUN_AS_NODE=1 exec '/opt/Orgo Desktop/it'\\''s/orgo-desktop' '/opt/x/orgo.mjs' "$@"`);
    const out = execFileSync('sh', ['-n', '-c', text]);
    expect(out.length).toBe(0);
    const win = installCli({ home: home(), execPath: 'C:\\Program Files\\Orgo\\Orgo Desktop.exe', cliPath: 'C:\\x\\orgo.mjs', pathEnv: '', platform: 'win32' });
    expect(win.path).toMatch(/orgo\.cmd$/);
    expect(readFileSync(win.path, 'utf8')).toBe(`@echo off\r\nrem ${LAUNCHER_MARKER}\r\nset ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Orgo\\Orgo Desktop.exe" "C:\\x\\orgo.mjs" %*\r\n`);
    expect(win.message).toMatch(/is not on your Path/);
  });

  it('finds the bundle unpacked beside app.asar in a package, and in out/cli in a checkout', () => {
    expect(cliEntry('/opt/orgo-desktop/resources/app.asar')).toBe('/opt/orgo-desktop/resources/app.asar.unpacked/out/cli/orgo.cjs');
    expect(cliEntry(ROOT)).toBe(ORGO);
  });
});
