/** Renaming a workspace (this host's PATCH /workspaces/{id}, which the app uses): words for every refusal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t?.close());

describe('renaming a workspace', () => {
  it('renames, also through /projects, and the new name is what lists show', async () => {
    const id = (await call(t, 'POST', '/workspaces', { name: 'drafts' })).body.id as string;
    const r = await call(t, 'PATCH', `/workspaces/${id}`, { name: '  Research 日本 ' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, name: 'Research 日本' });
    expect((await t.client.listWorkspaces()).find((w) => w.id === id)?.name).toBe('Research 日本');
    expect((await call(t, 'PATCH', `/projects/${id}`, { name: 'Research' })).body.name).toBe('Research');
    // Its own name again is no conflict.
    expect((await call(t, 'PATCH', `/workspaces/${id}`, { name: 'Research' })).status).toBe(200);
  });

  it('refuses an empty name, a taken name and an unknown workspace', async () => {
    const a = (await call(t, 'POST', '/workspaces', { name: 'alpha' })).body.id as string;
    await call(t, 'POST', '/workspaces', { name: 'beta' });
    const empty = await call(t, 'PATCH', `/workspaces/${a}`, { name: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/name/);
    const taken = await call(t, 'PATCH', `/workspaces/${a}`, { name: 'beta' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'A workspace named "beta" already exists', code: 'workspace_exists' });
    expect((await call(t, 'PATCH', '/workspaces/nope', { name: 'gamma' })).status).toBe(404);
    expect((await t.client.listWorkspaces()).find((w) => w.id === a)?.name).toBe('alpha');
  });

  it("a key scoped to another workspace cannot rename this one", async () => {
    const mine = (await call(t, 'POST', '/workspaces', { name: 'mine' })).body.id as string;
    const theirs = (await call(t, 'POST', '/workspaces', { name: 'theirs' })).body.id as string;
    const key = (await call(t, 'POST', '/keys', { name: 'ci', workspace_id: theirs })).body.key as string;
    const r = await call(t, 'PATCH', `/workspaces/${mine}`, { name: 'taken over' }, key);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('workspace_scope_mismatch');
  });
});
