/**
 * The packaged app's layout, as electron-builder makes it from electron-builder.yml. Electron's
 * binary cannot be downloaded here, so a stand-in takes its place (electronDist): a script with a
 * real fuse wire in it that runs node. Everything else is electron-builder's own work: the asar,
 * what it unpacks, the extra resources, the afterPack hook (scripts/after-pack.mjs). Native
 * modules are not rebuilt (that needs Electron's headers, also a download), so they stay built
 * for this node, which is what the stand-in runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry, installCli } from '../../app/cli-install.js';
import { hostProgram } from '../../app/local-host.js';
// @ts-expect-error -- a plain .mjs script (electron-builder's afterPack hook), no types
import { FUSES } from '../../scripts/after-pack.mjs';
import { OrgoClient } from '../../shared/api/client.js';
import { runHostCli } from '../helpers/cli.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';

const root = resolve(import.meta.dirname, '../..');
const work = tempDataDir('orgo-pack-');
const appOut = join(work, 'out', 'linux-unpacked');
const resources = join(appOut, 'resources');
const dirs = [work];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The unit's directives (one value each; ours has no quoting). */
function unit(): Map<string, string> {
  const lines = readFileSync(join(root, 'resources/linux/orgo-host.service'), 'utf8').split('\n');
  return new Map(lines.filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
/** Where the deb puts the app (electron-builder: /opt/<product name>) in this test's layout. */
const onDisk = (p: string) => p.replace(/^\/opt\/orgo-desktop(?=\/)/, appOut);

beforeAll(() => {
  // What the package holds: the host bundle (build-app.mjs) and Electron's main, preload and
  // renderer (electron-vite, which needs no Electron binary to build).
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-app.mjs')], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const electronBuild = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
  expect(electronBuild.status, electronBuild.stdout + electronBuild.stderr).toBe(0);
  // The stand-in Electron: Electron's fuse sentinel and a 9-fuse wire (the shape of Electron 45's),
  // every fuse at the opposite of what the hook wants, so the test sees each of the hook's writes.
  const dist = join(work, 'electron');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  const opposite = Object.keys(FuseV1Options)
    .filter((k) => Number.isNaN(Number(k)))
    .sort((a, b) => FuseV1Options[a as keyof typeof FuseV1Options] - FuseV1Options[b as keyof typeof FuseV1Options])
    .map((name) => (FUSES[name as keyof typeof FUSES] ? '0' : '1'))
    .join('');
  const wire = Buffer.from([1, 9, ...Buffer.from(opposite)]);
  writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n# dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), wire, Buffer.from(`\nexec '${process.execPath}' "$@"\n`)]), { mode: 0o755 });
  writeFileSync(join(dist, 'chrome-sandbox'), '');
  const pack = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-builder/cli.js'), '--linux', 'dir', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${join(work, 'out')}`],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } },
  );
  expect(pack.status, pack.stdout + pack.stderr).toBe(0);
}, 240_000);

describe('the packaged app (electron-builder.yml)', () => {
  it('holds the app itself: main, the sandboxed preload, and both pages with their code', () => {
    const files = new Set(listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replace(/^[\\/]/, '')));
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/electron-renderer/index.html', 'out/electron-renderer/viewer.html', 'package.json']) expect(files, f).toContain(f);
    // Each page's scripts are in the archive (a page whose script is missing is a blank window).
    for (const page of ['index.html', 'viewer.html']) {
      const html = readFileSync(join(root, 'out/electron-renderer', page), 'utf8');
      const scripts = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => `out/electron-renderer/${m[1]}`);
      expect(scripts.length, page).toBeGreaterThan(0);
      for (const s of scripts) expect(files, s).toContain(s);
    }
  });

  it('has what the systemd unit runs at the paths its ExecStart names', () => {
    const [binary, script, ...args] = unit().get('ExecStart')!.split(/\s+/);
    expect(existsSync(onDisk(binary!))).toBe(true);
    expect(existsSync(onDisk(script!))).toBe(true);
    expect(args).toEqual(['--data-dir', expect.stringMatching(/^\/var\/lib\/orgo-desktop\//), '--port', '7391']);
    // The unit itself ships with the app, where the deb's after-install script installs it from.
    expect(readFileSync(join(resources, 'linux/orgo-host.service'), 'utf8')).toBe(readFileSync(join(root, 'resources/linux/orgo-host.service'), 'utf8'));
  });

  it('runs the unit\'s command from the layout alone: a real computer with the packaged guest and desktop files', async () => {
    // Nothing above the layout may help: module lookups from app.asar.unpacked must stop inside it.
    expect(existsSync(join(work, 'node_modules'))).toBe(false);
    expect(existsSync('/tmp/node_modules')).toBe(false);
    const u = unit();
    const [binary, script] = u.get('ExecStart')!.split(/\s+/);
    const env = Object.fromEntries(u.get('Environment')!.split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const h = await runHostCli(['--data-dir', dataDir, '--port', '0'], { ...env, ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY, NODE_OPTIONS: undefined }, {
      file: onDisk(binary!),
      args: [onDisk(script!)],
      cwd: dataDir,
    });
    try {
      expect(await (await fetch(`${h.url}/health`)).json()).toMatchObject({ ok: true });
      const client = new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: TEST_KEY });
      const ws = await client.createWorkspace('packaged');
      const pc = await client.createComputer({ workspace_id: ws.id, name: 'packaged' });
      expect(pc.status).toBe('running');
      const r = await client.bash(pc.id, 'whoami; ls /etc/orgo');
      expect(r.output.split('\n')).toEqual(expect.arrayContaining(['user', 'session.sh', 'tint2rc']));
      // The guest that built it is the packaged copy, beside app.asar.
      expect(readFileSync(join(dataDir, 'logs', `${pc.instance_id}.log`), 'utf8')).not.toMatch(/Traceback/);
      const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
      expect(ps).toContain(join(resources, 'guest', 'guest.py'));
    } finally {
      h.proc.kill('SIGTERM');
    }
    expect(await h.exited).toBe(0);
  }, 90_000);

  it('installs an orgo command that runs the packaged CLI with the app\'s own binary as Node', () => {
    const entry = cliEntry(join(resources, 'app.asar'));
    expect(entry).toBe(join(resources, 'app.asar.unpacked/out/cli/orgo.cjs'));
    // keytar (native, built for Electron) resolves from the unpacked node_modules beside it.
    expect(createRequire(entry).resolve('keytar')).toBe(join(resources, 'app.asar.unpacked/node_modules/keytar/lib/keytar.js'));
    const home = tempDataDir('orgo-pack-home-');
    dirs.push(home);
    const r = installCli({ home, execPath: join(appOut, 'orgo-desktop'), cliPath: entry, pathEnv: '/usr/bin', platform: 'linux' });
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    expect(execFileSync(r.path, ['--version'], { env: { PATH: '/usr/bin:/bin', HOME: home }, encoding: 'utf8' })).toBe(`${version}\n`);
    // The full program (commander, every chunk) loads from the package: a server that is not there is named.
    const down = spawnSync(r.path, ['whoami', '--json'], { env: { PATH: '/usr/bin:/bin', HOME: home, ORGO_API_BASE_URL: 'http://127.0.0.1:9/api', ORGO_API_KEY: TEST_KEY }, encoding: 'utf8' });
    expect(down.status, down.stderr).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { message: expect.stringMatching(/Could not reach the server/) } });
  });

  it('the app starts the same unpacked bundle when its root is app.asar', () => {
    expect(hostProgram(join(resources, 'app.asar'))).toEqual([join(resources, 'app.asar.unpacked/out/host/cli.mjs')]);
  });

  it('flips every fuse of the wire to what after-pack.mjs lists, and lists every fuse there is', async () => {
    const fuses = await getCurrentFuseWire(join(appOut, 'orgo-desktop'));
    const names = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));
    expect(Object.keys(FUSES).sort()).toEqual([...names].sort());
    const packaged = Object.fromEntries(names.map((n) => [n, fuses[FuseV1Options[n as keyof typeof FuseV1Options]] === FuseState.ENABLE]));
    expect(packaged).toEqual(FUSES);
    // Spelled out, the ones the checklist names: cookies encrypted, the asar checked and the only
    // app source, file:// without extra privileges.
    expect(packaged).toMatchObject({ EnableCookieEncryption: true, EnableEmbeddedAsarIntegrityValidation: true, OnlyLoadAppFromAsar: true, GrantFileProtocolExtraPrivileges: false });
  });

  it('keeps Electron runnable as Node for the host, and closes NODE_OPTIONS and --inspect', async () => {
    const fuses = await getCurrentFuseWire(join(appOut, 'orgo-desktop'));
    const on = (f: FuseV1Options) => fuses[f] === FuseState.ENABLE;
    expect(on(FuseV1Options.RunAsNode)).toBe(true);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false);
  });

  it('has deb scripts that become valid bash once electron-builder fills in their macros', () => {
    // FpmTarget's writeConfigFile: ${name} from these options, and an unknown name fails the build.
    const macros: Record<string, string> = { executable: 'orgo-desktop', sanitizedProductName: 'orgo-desktop', productFilename: 'orgo-desktop' };
    for (const f of ['after-install.sh', 'after-remove.sh']) {
      const text = readFileSync(join(root, 'resources/linux', f), 'utf8').replace(/\${([a-zA-Z]+)}/g, (_m, name: string) => {
        if (!(name in macros)) throw new Error(`${f}: macro ${name} is not one electron-builder defines`);
        return macros[name]!;
      });
      const r = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
      // What the unit's paths assume is where the scripts put the app.
      if (f === 'after-install.sh') expect(text).toContain("'/opt/orgo-desktop/orgo-desktop'");
    }
  });
});
