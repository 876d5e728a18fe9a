/**
 * "Make a key for this workspace" from the Connect panel: main asks the real host for a key that
 * reaches only that workspace, answers it once, and keeps none of it; the panel's curl snippet
 * works with it as shown, and the key is refused for any other workspace.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../app/handlers.js';
import { dispatch } from '../../app/dispatch.js';
import { connectSnippets } from '../../shared/ipc/connect-snippets.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer, Workspace } from '../../shared/api/types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let host: TestHost;
let app: TestApp;
let ws: Workspace;
let other: Workspace;
let computer: Computer;

beforeAll(async () => {
  host = await startTestHost();
  ws = await host.client.createWorkspace('mine');
  other = await host.client.createWorkspace('not-mine');
  computer = await host.client.createComputer({ workspace_id: ws.id, name: 'keyed' });
  app = startTestApp({ host });
}, 120_000);

afterAll(async () => {
  app?.close();
  await host?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

describe('minting a workspace key from the app', () => {
  const h = () => createHandlers(app.services, { openViewer() {}, openGrid() {}, openMain() {}, openExternal() {} });
  const ctx = { id: 't', emit() {} };

  it('answers a key that reaches its workspace only, with which the curl snippet runs as shown', async () => {
    const minted = await h()['keys.mint']({ workspaceId: ws.id }, ctx);
    expect(minted).toMatchObject({ workspaceId: ws.id, workspaceName: 'mine', baseUrl: host.api });
    expect(minted.key).toMatch(/^sk_live_/);
    expect(minted.name).toMatch(/^Orgo Desktop: mine, \d{4}-\d\d-\d\d$/);
    // The host lists it as scoped to the workspace.
    const listed = (await host.client.listKeys()).find((k) => k.id === minted.id);
    expect(listed).toMatchObject({ workspace_id: ws.id });

    const curl = connectSnippets(host.api, computer.id, 'keyed').find((s) => s.id === 'curl')!.code;
    // Not execFileSync: the host answering it runs in this process.
    const { stdout } = await promisify(execFile)('bash', ['-c', curl], { env: { ...process.env, ORGO_API_KEY: minted.key }, encoding: 'utf8' });
    expect(JSON.parse(stdout).output).toMatch(/^hello from /);

    const scoped = new OrgoClient({ baseUrl: host.api, apiKey: minted.key });
    expect((await scoped.listComputers(ws.id)).map((c) => c.name)).toEqual(['keyed']);
    const refused = await call(host, 'GET', `/workspaces/${other.id}`, undefined, minted.key);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'workspace_scope_mismatch' });

    // Main kept nothing of it: not in the app's files, not in its events.
    const kept = filesUnder(app.home).filter((f) => readFileSync(f).includes(minted.key));
    expect(kept).toEqual([]);
    expect(JSON.stringify(app.events)).not.toContain(minted.key);
  }, 60_000);

  it('answers an account-wide key when no workspace is named, which reaches every workspace', async () => {
    const minted = await h()['keys.mint']({ workspaceId: null }, ctx);
    expect(minted).toMatchObject({ workspaceId: null, workspaceName: null, baseUrl: host.api });
    expect(minted.name).toMatch(/^Orgo Desktop: all workspaces, \d{4}-\d\d-\d\d$/);
    expect((await host.client.listKeys()).find((k) => k.id === minted.id)).toMatchObject({ workspace_id: null, scope: 'account' });
    const scoped = new OrgoClient({ baseUrl: host.api, apiKey: minted.key });
    expect((await scoped.listWorkspaces()).map((w) => w.name).sort()).toEqual(['mine', 'not-mine']);
    expect(JSON.stringify(app.events)).not.toContain(minted.key);
  });

  it('refuses an unknown workspace in words, and bad input before it reaches the host', async () => {
    const unknown = await dispatch(h(), 'keys.mint', { workspaceId: 'no-such-workspace' }, ctx);
    expect(unknown).toMatchObject({ ok: false, error: { status: 404 } });
    const bad = await dispatch(h(), 'keys.mint', { workspaceId: 42 }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
