/**
 * Signing in with `orgo` against a real host: the device code shown in a real terminal and
 * approved on the host's verification page, the key kept in a real Secret Service (the same
 * entry the app reads), `--with-token` where no keychain answers (the 0600 file, said so), and
 * logout; usage errors, server errors and an unreachable server in words with their exit codes.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, loadKeytar } from '../../app/credentials.js';
import { DevicePage } from '../helpers/device-page.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { startKeyring, type Keyring } from '../helpers/keyring.js';
import { buildCli, cliHome, orgo, orgoPty, plain, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let keyring: Keyring;
const homes: CliHome[] = [];
const home = (extra: NodeJS.ProcessEnv = {}) => {
  const h = cliHome(extra);
  homes.push(h);
  return h;
};

beforeAll(async () => {
  buildCli();
  [t, keyring] = await Promise.all([startTestHost(), startKeyring()]);
});
afterAll(async () => {
  for (const h of homes) h.close();
  await keyring?.close();
  await t?.close();
});

describe('orgo login', () => {
  it('shows a code and the address in a terminal, waits, and keeps the approved key in the keychain the app uses', async () => {
    const h = home({ ORGO_API_BASE_URL: t.host.url, DBUS_SESSION_BUS_ADDRESS: keyring.address });
    const term = orgoPty(['login', '--no-browser'], h.env);
    const shown = await term.until(/Waiting for approval/);
    const code = /one-time code: ([A-Z]{4}-[A-Z]{4})/.exec(shown)?.[1];
    expect(code, shown).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(shown).toContain(`${t.host.url}/device`);
    const page = await new DevicePage(t.host.url).decide(code!, TEST_KEY, 'approve');
    expect(page.html).toContain('Device approved');
    expect(await term.exited).toBe(0);
    expect(plain(term.output())).toMatch(/Signed in to Environment/);

    // The entry is the app's: service "Orgo Desktop", account = the profile's id.
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
    const stored = await (await loadKeytar()).getPassword(KEYCHAIN_SERVICE, 'env');
    expect(stored).toMatch(/^sk_live_/);
    const who = await orgo(['whoami', '--json'], { ...h.env });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ key_source: 'keychain', profile: { id: 'env', base_url: `${t.host.url}/api` }, workspaces: expect.any(Number) });

    const out = await orgo(['logout'], h.env);
    expect(out.stdout).toMatch(/Signed out of Environment/);
    expect(await (await loadKeytar()).getPassword(KEYCHAIN_SERVICE, 'env')).toBeNull();
    const after = await orgo(['whoami'], h.env);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Not signed in to "Environment".*orgo login/);
  });

  it('reads a key from stdin with --with-token, and says where it went when no keychain answers', async () => {
    const h = home({ ORGO_API_BASE_URL: t.api });
    const r = await orgo(['login', '--with-token'], h.env, `${TEST_KEY}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/No system keychain answered.*credentials\.json, readable only by you/);
    const file = join(h.dir, '.orgo', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ env: TEST_KEY });
    const who = JSON.parse((await orgo(['whoami', '--json'], h.env)).stdout);
    expect(who).toMatchObject({ key_source: 'file' });
  });

  it('refuses a wrong key with the server\'s words (exit 1), and stores nothing', async () => {
    const h = home({ ORGO_API_BASE_URL: t.api });
    const r = await orgo(['login', '--with-token'], h.env, 'sk_live_wrong_wrong_wrong_wrong_wrong_wrong\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .+HTTP 401/m);
    expect((await orgo(['whoami'], h.env)).code).toBe(1);
  });
});

describe('"This computer"', () => {
  it('needs no login where the built-in host\'s key file is readable, as in the app', async () => {
    const h = home();
    const dataDir = join(h.dir, 'desktop', 'host');
    mkdirSync(dataDir, { recursive: true });
    const local = await startTestHost({ dataDir });
    try {
      const env = { ...h.env, ORGO_LOCAL_HOST_PORT: String(local.host.port) };
      const who = await orgo(['whoami', '--json'], env);
      expect(who.code, who.stderr).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ profile: { id: 'local', name: 'This computer', base_url: `${local.host.url}/api` }, key_source: 'host' });
      expect((await orgo(['ws', 'create', 'here'], env)).stdout).toMatch(/Created workspace here/);
      const bare = await orgo([], env);
      expect(bare.stdout).toMatch(/^This computer {2}http:\/\/127\.0\.0\.1:\d+\/api {2}\(key from host\)\n\nWorkspaces \(1\)\n {2}here {2}0 computers/);
    } finally {
      await local.close();
    }
  });
});

describe('errors and exit codes', () => {
  it('exits 2 with the command\'s usage for wrong flags and missing arguments', async () => {
    const h = home({ ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY });
    for (const args of [['computers', 'create', '--nam', 'x'], ['ssh'], ['computers', 'create', '--ram', '3'], ['bogus'], ['run', 'x'], ['completion', 'tcsh']]) {
      const r = await orgo(args, h.env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error: /);
      expect(r.stderr, args.join(' ')).toMatch(/Usage: orgo/);
    }
    // Nobody to ask without a terminal: say which flag.
    const del = await orgo(['ws', 'delete', 'x'], h.env);
    expect(del.code).toBe(1);
  });

  it('names an unreachable server, and says the server\'s message and code', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((r) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => r(p));
      });
    });
    const h = home({ ORGO_API_BASE_URL: `http://127.0.0.1:${port}/api`, ORGO_API_KEY: TEST_KEY });
    const down = await orgo(['computers', 'list'], h.env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Could not reach the server: nothing answers at that address \(connection refused\) \(http:\/\/127\.0\.0\.1:\d+\/api\)$/m);
    const h2 = home({ ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY });
    const ws = JSON.parse((await orgo(['ws', 'create', 'errs', '--json'], h2.env)).stdout) as { id: string };
    const bad = await orgo(['computers', 'create', '--workspace', ws.id, '--name', 'x', '--resolution', 'big'], h2.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*resolution.*\(.*HTTP 400\)/m);
    const json = await orgo(['computers', 'get', 'nothing-by-this-name', '--json'], h2.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { message: expect.stringMatching(/No computer "nothing-by-this-name"/), code: 'computer_not_found' } });
  });

  it('answers --version and --help for every command, each with examples', async () => {
    const h = home();
    const v = await orgo(['--version'], h.env);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const { build } = await import('../../cli/program.js');
    const paths: string[][] = [];
    const walk = (c: import('commander').Command, at: string[]) => {
      for (const s of c.commands) {
        if ((s as unknown as { _hidden: boolean })._hidden) continue;
        paths.push([...at, s.name()]);
        walk(s, [...at, s.name()]);
      }
    };
    walk(build('x'), []);
    expect(paths.length).toBeGreaterThan(30);
    for (const p of paths) {
      const r = await orgo([...p, '--help'], h.env);
      expect(r.code, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(' ')).toMatch(new RegExp(`Usage: orgo ${p.join(' ')}`));
      expect(r.stdout, p.join(' ')).toMatch(/Examples:\n {2}\$ .*orgo /);
    }
  });
});
