/** The REST surface: shapes, aliases, every documented error case, and key scopes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t?.close());

describe('auth', () => {
  it('answers 401 with an error body for a missing or wrong key', async () => {
    const none = await call(t, 'GET', '/workspaces', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/Bearer/);
    expect(none.body.request_id).toBe(none.headers.get('x-request-id'));
    const wrong = await call(t, 'GET', '/workspaces', undefined, TEST_KEY + 'x');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('Invalid API key');
  });
});

describe('workspaces', () => {
  it('creates, lists, gets and deletes, also through /projects', async () => {
    const created = await call(t, 'POST', '/workspaces', { name: 'research' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'research', computer_count: 0 });
    const id = created.body.id as string;
    expect((await call(t, 'GET', '/workspaces')).body.workspaces).toContainEqual(expect.objectContaining({ id }));
    expect((await call(t, 'GET', '/projects')).body.projects).toContainEqual(expect.objectContaining({ id }));
    expect((await call(t, 'GET', `/projects/${id}`)).body.name).toBe('research');
    expect((await call(t, 'DELETE', `/workspaces/${id}`)).status).toBe(200);
    expect((await call(t, 'GET', `/workspaces/${id}`)).status).toBe(404);
  });

  it('refuses bad bodies with 400 naming the field', async () => {
    const r = await call(t, 'POST', '/workspaces', {});
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('name is required');
    const bad = await call(t, 'POST', '/workspaces', '{"name": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/JSON/);
    // `curl -d '{"name":"x"}'` with no -H sends form-urlencoded: the answer says what to send.
    const form = await fetch(`${t.api}/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"name":"x"}',
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ code: 'unsupported_media_type', error: expect.stringContaining('Content-Type: application/json') });
  });

  it('answers 404 for unknown ids and endpoints', async () => {
    expect((await call(t, 'GET', '/workspaces/nope')).body).toMatchObject({ error: 'Workspace not found', code: 'not_found' });
    expect((await call(t, 'GET', '/nothing-here')).status).toBe(404);
  });
});

describe('computers (validation)', () => {
  let ws: string;
  beforeAll(async () => {
    ws = (await t.client.createWorkspace('validation')).id;
  });

  it.each([
    [{}, /workspace_id is required/],
    [{ workspace_id: 'WS' }, /^name is required/],
    [{ workspace_id: 'WS', name: 'a', ram: 5 }, /^ram must be one of 1, 2, 4, 8, 16, 32, 64/],
    [{ workspace_id: 'WS', name: 'a', cpu: 3 }, /^cpu must be one of 1, 2, 4, 8, 16/],
    [{ workspace_id: 'WS', name: 'a', resolution: 'huge' }, /^resolution must look like WIDTHxHEIGHTxDEPTH/],
    [{ workspace_id: 'WS', name: 'a', disk_size_gb: 'big' }, /^disk_size_gb must be a number/],
    [{ workspace_id: 'WS', name: 'a', auto_stop_minutes: 1.5 }, /^auto_stop_minutes must be a whole number/],
  ])('400 for %j', async (body, message) => {
    const withWs = JSON.parse(JSON.stringify(body).replace('"WS"', JSON.stringify(ws)));
    const r = await call(t, 'POST', '/computers', withWs);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
    expect(r.body.request_id).toMatch(/^req_/);
  });

  it('404 for an unknown workspace or computer', async () => {
    expect((await call(t, 'POST', '/computers', { workspace_id: 'nope', name: 'a' })).status).toBe(404);
    for (const [m, p] of [['GET', ''], ['DELETE', ''], ['POST', '/start'], ['POST', '/stop'], ['POST', '/restart'], ['GET', '/vnc-password'], ['GET', '/auto-stop'], ['POST', '/bash']]) {
      const r = await call(t, m!, `/computers/nope${p}`, m === 'POST' ? { command: 'true' } : undefined);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.body.error).toBe('Computer not found');
    }
  });
});

describe('API keys and scopes', () => {
  let a: string;
  let b: string;
  let scoped: string;
  beforeAll(async () => {
    a = (await t.client.createWorkspace('a')).id;
    b = (await t.client.createWorkspace('b')).id;
    const key = await call(t, 'POST', '/keys', { name: 'ci', workspace_id: a });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ scope: 'workspace', workspace_id: a });
    scoped = key.body.key as string;
    expect(scoped).toMatch(/^sk_live_[0-9A-Za-z]{40}$/);
  });

  it('lists keys without their secrets', async () => {
    const r = await call(t, 'GET', '/keys');
    const listed = (r.body.keys as Array<Record<string, unknown>>).find((k) => k.workspace_id === a)!;
    expect(listed.prefix).toBe(scoped.slice(0, 12));
    expect(JSON.stringify(r.body)).not.toContain(scoped);
  });

  it('lets a scoped key reach its own workspace only', async () => {
    expect((await call(t, 'GET', `/workspaces/${a}`, undefined, scoped)).status).toBe(200);
    const ws = await call(t, 'GET', '/workspaces', undefined, scoped);
    expect((ws.body.workspaces as Array<{ id: string }>).map((w) => w.id)).toEqual([a]);
    for (const [method, path, body] of [
      ['GET', `/workspaces/${b}`, undefined],
      ['DELETE', `/workspaces/${b}`, undefined],
      ['GET', `/computers?workspace_id=${b}`, undefined],
      ['POST', '/computers', { workspace_id: b, name: 'x' }],
    ] as const) {
      const r = await call(t, method, path, body, scoped);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'workspace_scope_mismatch', key_workspace_id: a, target_workspace_id: b });
    }
  });

  it('keeps key management and new workspaces to account-wide keys', async () => {
    expect((await call(t, 'GET', '/keys', undefined, scoped)).status).toBe(403);
    expect((await call(t, 'POST', '/keys', { name: 'x' }, scoped)).status).toBe(403);
    expect((await call(t, 'POST', '/workspaces', { name: 'x' }, scoped)).status).toBe(403);
  });

  it('deletes a key, after which it no longer works', async () => {
    const made = await call(t, 'POST', '/keys', { name: 'temp' });
    const key = made.body.key as string;
    expect((await call(t, 'GET', '/workspaces', undefined, key)).status).toBe(200);
    expect((await call(t, 'DELETE', `/keys/${made.body.id}`)).status).toBe(200);
    expect((await call(t, 'GET', '/workspaces', undefined, key)).status).toBe(401);
    expect((await call(t, 'DELETE', `/keys/${made.body.id}`)).status).toBe(404);
  });

  it('refuses a key for an unknown workspace', async () => {
    expect((await call(t, 'POST', '/keys', { name: 'x', workspace_id: 'nope' })).status).toBe(404);
  });
});
