/**
 * clone, move and resize from the command line on a host that offers them (issue 14): resize
 * says field by field what was applied, move changes the computer's workspace, clone makes a
 * running copy that holds the original's files. A server without the endpoint is said in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { buildCli, cliHome, orgo, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let h: CliHome;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  buildCli();
  t = await startTestHost();
  h = cliHome();
  env = { ...h.env, ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY };
  const ws = await t.client.createWorkspace('lab');
  await t.client.createWorkspace('prod');
  await t.client.createComputer({ workspace_id: ws.id, name: 'orig', cpu: 1, ram: 4 });
});
afterAll(async () => {
  h?.close();
  await t?.close();
});

describe('computers clone, move, resize', () => {
  it('resizes, saying what was applied', async () => {
    const r = await orgo(['computers', 'resize', 'orig', '--cpu', '2'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CPU: 2/m);
    expect((await orgo(['computers', 'resize', 'orig'], env)).code).toBe(2);
    const bad = await orgo(['computers', 'resize', 'orig', '--ram', '3'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*mem_gb must be one of/m);
  });

  it('moves to another workspace and clones with the files', async () => {
    const moved = await orgo(['computers', 'move', 'orig', '--workspace', 'prod'], env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toBe('Moved orig to workspace prod.\n');
    const prod = (await t.client.listWorkspaces()).find((w) => w.name === 'prod')!;
    expect(JSON.parse((await orgo(['computers', 'get', 'orig', '--json'], env)).stdout)).toMatchObject({ workspace_id: prod.id });

    expect((await orgo(['bash', 'orig', '--', 'echo kept > ~/note.txt'], env)).code).toBe(0);
    const r = await orgo(['computers', 'clone', 'orig', '--name', 'copy', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const copy = JSON.parse(r.stdout) as Computer;
    expect(copy).toMatchObject({ name: 'copy' });
    const note = await orgo(['bash', 'copy', '--', 'cat ~/note.txt'], env);
    expect(note).toMatchObject({ code: 0, stdout: 'kept\n' });
  });

  it('says in words when a server does not offer one', async () => {
    const { offered } = await import('../../cli/commands/manage.js');
    const id = (await t.client.listComputers())[0]!.id;
    // An endpoint this host lacks, answered by its own 404 for unknown routes.
    await expect(offered('teleporting computers', t.api, () => t.client.request('POST', `/computers/${id}/teleport`))).rejects.toThrow(
      `${t.api} does not offer teleporting computers (it answered 404 for the endpoint)`,
    );
    // A 404 about the computer itself stays the server's own words.
    await expect(offered('cloning computers', t.api, () => t.client.request('POST', '/computers/nope/clone'))).rejects.toThrow(/not found/i);
  });
});
