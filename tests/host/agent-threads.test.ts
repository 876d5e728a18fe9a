/**
 * Threads across a host that died mid-run (no clean shutdown): at the next start, a thread left
 * running or paused says interrupted, and the threads routes answer for it.
 */
import { afterAll, expect, it } from 'vitest';
import { openDb } from '../../host/store/db.js';
import { ThreadStore } from '../../host/store/threads.js';
import { getJson } from '../helpers/agent.js';
import { startTestHost, tempDataDir, type TestHost } from '../helpers/host.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = tempDataDir('orgo-t-threads-');
let t: TestHost | undefined;
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a run the host never finished is marked interrupted at the next start', async () => {
  // As a crashed host leaves it: rows written by the loop, never updated again.
  t = await startTestHost({ dataDir });
  const ws = await t.client.createWorkspace('threads');
  await t.host.close();
  const db = openDb(join(dataDir, 'host.db'));
  const store = new ThreadStore(db);
  store.insert({ id: 'thr_crashed', workspace_id: ws.id, computer_id: 'pc-gone', model: 'claude-sonnet-4-6', title: 'left running', status: 'running', history: '[]' });
  store.insert({ id: 'thr_paused', workspace_id: ws.id, computer_id: 'pc-gone', model: 'claude-sonnet-4-6', title: 'left paused', status: 'paused', history: '[]' });
  store.insert({ id: 'thr_done', workspace_id: ws.id, computer_id: 'pc-gone', model: 'claude-sonnet-4-6', title: 'finished', status: 'done', history: '[]' });
  db.close();

  t = await startTestHost({ dataDir });
  const get = async (id: string) => (await getJson(t!.api, `/v1/threads/${id}`)).body;
  expect(await get('thr_crashed')).toMatchObject({ status: 'interrupted', stop_reason: 'host_restart' });
  expect(await get('thr_paused')).toMatchObject({ status: 'interrupted' });
  expect(await get('thr_done')).toMatchObject({ status: 'done', stop_reason: null });
  const list = await getJson(t.api, '/v1/threads?computer_id=pc-gone');
  expect(list.status).toBe(404); // the computer itself is gone
  const del = await getJson(t.api, '/v1/threads/thr_done', 'DELETE');
  expect(del.body).toEqual({ id: 'thr_done', object: 'thread.deleted', deleted: true });
  expect((await getJson(t.api, '/v1/threads/thr_done')).status).toBe(404);
  expect((await getJson(t.api, '/v1/threads/nope')).body.error.code).toBe('thread_not_found');
});
