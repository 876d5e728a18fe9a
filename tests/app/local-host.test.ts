/**
 * "This computer": the app starts the built-in host as its own process with its own data dir,
 * picks up the owner's key from the host's 0600 key file, and leaves the host (and its running
 * computers) running when the app closes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostProgram } from '../../app/local-host.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tempDataDir } from '../helpers/host.js';
import { freePort } from '../helpers/ports.js';


let app: TestApp | undefined;
let hostPid: number | null = null;

afterAll(async () => {
  if (hostPid) {
    process.kill(hostPid, 'SIGTERM');
    // The host stops its computers on SIGTERM; give it a moment before the data dir goes.
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(hostPid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        break;
      }
    }
  }
  app?.close();
});

describe('the built-in host', () => {
  it('starts on demand, hands over its key, and outlives the app', async () => {
    const port = await freePort();
    app = startTestApp({ env: { ORGO_LOCAL_HOST_PORT: String(port) } });
    const s = app.services;
    const before = await s.session.view();
    expect(before.activeId).toBe('local');
    expect(before.signedIn).toBe(false);
    expect(await s.session.localHost.healthy()).toBe(false);

    const snap = await s.feed.watch('test');
    hostPid = s.session.localHost.pid;
    expect(hostPid).toBeGreaterThan(0);
    expect(snap).toMatchObject({ loaded: true, error: null, computers: [] });

    const after = await s.session.view();
    expect(after.signedIn).toBe(true);
    expect(after.profiles.find((p) => p.id === 'local')?.keySource).toBe('host');
    expect(after.localHost).toMatchObject({ state: 'running', url: `http://127.0.0.1:${port}` });
    expect(statSync(join(app.home, 'host', 'api-key')).mode & 0o777).toBe(0o600);
    expect(app.events.some((e) => e.event === 'session.changed' && (e.payload as { localHost: { state: string } }).localHost.state === 'starting')).toBe(true);

    // A computer made through the app keeps running after the app's services close.
    const { client } = await s.session.client();
    const ws = await client.createWorkspace('local');
    const c = await client.createComputer({ workspace_id: ws.id, name: 'stays-up' });
    s.close();
    expect(await s.session.localHost.healthy()).toBe(true);
    expect((await client.getComputer(c.id)).status).toBe('running');
  }, 90_000);
});

describe('the built-in host, for an app that is not root', () => {
  /** What a normal user's app says when the host is down (the app run as nobody, no host on the port). */
  async function messageAsNobody(serviceUnit: string, projectRoot = 'process.cwd()'): Promise<string> {
    const port = await freePort();
    const script = `import { LocalHost } from './app/local-host.ts';
      const h = new LocalHost({ dataDir: '/tmp/orgo-nobody', port: ${port}, projectRoot: ${projectRoot}, serviceUnits: [process.argv[1]] });
      await h.ensure().then(() => console.log('started?!'), () => console.log(h.view().state + ': ' + h.view().message));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, serviceUnit], {
      cwd: resolve(import.meta.dirname, '../..'),
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: '/tmp' },
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  }

  it('names the systemd service when the deb installed it', async () => {
    const dir = tempDataDir();
    try {
      chmodSync(dir, 0o755); // as readable as /lib/systemd/system
      const unit = join(dir, 'orgo-host.service');
      writeFileSync(unit, '[Service]\n');
      expect(await messageAsNobody(unit)).toBe('error: The built-in host runs as a system service, which is not running. Start it, and have it start with the machine, with: sudo systemctl enable --now orgo-host');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('says how to start it with sudo from a source checkout (no service installed)', async () => {
    expect(await messageAsNobody('/nonexistent/orgo-host.service')).toMatch(/^error: The built-in host needs root: .* sudo npm run host -- --data-dir \/tmp\/orgo-nobody --port \d+$/);
  }, 30_000);

  it('points a packaged app without the service (the AppImage) at the deb or another host, not at npm', async () => {
    const said = await messageAsNobody('/nonexistent/orgo-host.service', "'/opt/Orgo/resources/app.asar'");
    expect(said).toMatch(/^error: The built-in host needs root: .*The \.deb package installs it as a system service \(orgo-host\); or run a host on another machine and add it with “Add a server…”\.$/);
    expect(said).not.toMatch(/npm/);
  }, 30_000);
});

describe('which program the app runs as the host', () => {
  it('runs the bundle with plain node while it is current, and host/cli.ts through tsx once a source is newer', () => {
    const root = tempDataDir();
    try {
      for (const d of ['host', 'shared', 'out/host']) mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(root, 'package.json'), '{}');
      symlinkSync(resolve(import.meta.dirname, '../../node_modules'), join(root, 'node_modules'));
      writeFileSync(join(root, 'host/cli.ts'), '');
      writeFileSync(join(root, 'shared/api.ts'), '');
      const bundle = join(root, 'out/host/cli.mjs');
      writeFileSync(bundle, '');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'host/cli.ts'), past, past);
      utimesSync(join(root, 'shared/api.ts'), past, past);
      expect(hostProgram(root)).toEqual([bundle]);

      writeFileSync(join(root, 'shared/api.ts'), '// edited after the build');
      expect(hostProgram(root)).toEqual(['--import', expect.stringMatching(/^file:.*\/tsx\//), join(root, 'host/cli.ts')]);

      rmSync(bundle);
      rmSync(join(root, 'host'), { recursive: true });
      expect(() => hostProgram(root)).toThrow(/The host's program is missing/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
