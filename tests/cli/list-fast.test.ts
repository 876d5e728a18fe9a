/**
 * `orgo computers list --json` answers from a short path (cli/fast.ts) that skips the command
 * tree. Against a real host: the same computers as the API and as the full program, through
 * every spelling and every place a key comes from; and anything out of the ordinary (a wrong
 * key, a server that does not answer) says the same words with the same exit code as before.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer, Workspace } from '../../shared/api/types.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { buildCli, cliHome, orgo, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let ws: Workspace;
const homes: CliHome[] = [];
const home = (extra: NodeJS.ProcessEnv = {}) => {
  const h = cliHome(extra);
  homes.push(h);
  return h;
};

beforeAll(async () => {
  buildCli();
  t = await startTestHost();
  ws = await t.client.createWorkspace('fast');
  await t.client.createComputer({ workspace_id: ws.id, name: 'fast-1' });
});
afterAll(async () => {
  for (const h of homes) h.close();
  await t?.close();
});

const ids = (list: Computer[]) => list.map((c) => `${c.id} ${c.name} ${c.status}`).sort();

describe('computers list --json', () => {
  it('answers what the API and the full program answer, however it is spelled', async () => {
    const h = home({ ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY });
    const api = ids(await t.client.listComputers());
    expect(api).toHaveLength(1);
    // --workspace is not on the short path: the full program answers it.
    const full = await orgo(['computers', 'list', '--workspace', ws.id, '--json'], h.env);
    expect(full.code, full.stderr).toBe(0);
    expect(ids(JSON.parse(full.stdout))).toEqual(api);
    for (const [args, extra] of [
      [['computers', 'list', '--json'], {}],
      [['c', 'ls', '--json'], {}],
      [['--json', 'c', 'list'], {}],
      [['c', 'ls'], { ORGO_JSON: '1' }],
      [['c', 'ls', '--json', '--profile', 'Environment'], {}],
    ] as const) {
      const r = await orgo([...args], { ...h.env, ...extra });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      // The same bytes as the full program prints: two-space JSON and a newline.
      expect(r.stdout).toBe(JSON.stringify(JSON.parse(full.stdout), null, 2) + '\n');
    }
  });

  it('uses the built-in host\'s key file for "This computer", as the full program does', async () => {
    const h = home();
    const dataDir = join(h.dir, 'desktop', 'host');
    mkdirSync(dataDir, { recursive: true });
    const local = await startTestHost({ dataDir });
    try {
      await local.client.createWorkspace('here');
      const r = await orgo(['c', 'ls', '--json'], { ...h.env, ORGO_LOCAL_HOST_PORT: String(local.host.port) });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('says a wrong key, a missing profile and an unreachable server in the same words and codes', async () => {
    const wrong = await orgo(['c', 'ls', '--json'], home({ ORGO_API_BASE_URL: t.api, ORGO_API_KEY: 'sk_live_wrong_wrong_wrong_wrong_wrong_wrong' }).env);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: { message: "Invalid API key. Sign in again.", code: "unauthorized", status: 401 } });

    const noProfile = await orgo(['c', 'ls', '--json', '--profile', 'nowhere'], home({ ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY }).env);
    expect(noProfile.code).toBe(2);
    expect(JSON.parse(noProfile.stdout)).toMatchObject({ error: { message: expect.stringMatching(/No profile "nowhere"/) } });

    const port = await new Promise<number>((r) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => r(p));
      });
    });
    const down = await orgo(['c', 'ls', '--json'], home({ ORGO_API_BASE_URL: `http://127.0.0.1:${port}/api`, ORGO_API_KEY: TEST_KEY }).env);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { message: expect.stringMatching(/Could not reach the server: nothing answers at that address/) } });
  });
});
