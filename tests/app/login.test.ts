/**
 * The app's side of device-code login against a real host: the code is shown and the approval
 * page opened in the browser, polling follows the server's interval (and slows down when told),
 * and every outcome ends in a state with words. The approval happens on the host's real page.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type ClientContext } from '../../app/handlers.js';
import { DeviceLogins } from '../../app/login.js';
import type { LoginProgress } from '../../shared/ipc/types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DevicePage } from '../helpers/device-page.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let app: TestApp;
beforeAll(async () => {
  t = await startTestHost();
  app = startTestApp();
});
afterAll(async () => {
  app?.close();
  await t?.close();
});

const ctx: ClientContext = { id: 'test-window', emit: () => {} };
const quick = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 40)));

function recorder() {
  const seen: LoginProgress[] = [];
  let key: string | null = null;
  return {
    seen,
    key: () => key,
    cb: {
      progress: (p: LoginProgress) => seen.push(p),
      approved: async (k: string) => {
        key = k;
      },
    },
    async until(state: LoginProgress['state'], timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!seen.some((p) => p.state === state)) {
        if (Date.now() > deadline) throw new Error(`no ${state}; saw ${seen.map((p) => p.state).join(', ')}`);
        await new Promise((r) => setTimeout(r, 30));
      }
      return seen.find((p) => p.state === state)!;
    },
  };
}

describe('device-code login in the app', () => {
  it('shows the code, opens the approval page, and signs in once the owner approves', async () => {
    const opened: string[] = [];
    const handlers = createHandlers(app.services, {
      openViewer: () => {},
      openGrid: () => {},
      openMain: () => {},
      openExternal: (url) => void opened.push(url),
    });
    const session = await handlers['profiles.add']({ name: 'Lab', baseUrl: t.host.url }, ctx);
    const lab = session.profiles.find((p) => p.name === 'Lab')!;
    expect(lab).toMatchObject({ baseUrl: `${t.host.url}/api`, signedIn: false });
    expect(session.activeId).toBe(lab.id);

    const first = await handlers['login.start']({ profileId: lab.id }, ctx);
    expect(first).toMatchObject({ state: 'waiting', interval: 5, verificationUri: `${t.host.url}/device` });
    expect(opened).toEqual([`${t.host.url}/device?user_code=${first.userCode}`]);

    await new DevicePage(t.host.url).decide(first.userCode, TEST_KEY, 'approve');
    const done = await app.next('login.progress', (p) => p.state === 'approved');
    expect(done.message).toBe('Approved. You are signed in.');
    const after = await app.next('session.changed', (v) => v.profiles.some((p) => p.id === lab.id && p.signedIn));
    expect(after.profiles.find((p) => p.id === lab.id)?.keySource).toBe('memory');
    const snap = await app.services.feed.refresh();
    expect(snap).toMatchObject({ profileId: lab.id, loaded: true, error: null });
  }, 30_000);

  it('slows down by 5 s when the server asks, and still signs in', async () => {
    const logins = new DeviceLogins({ sleep: quick });
    const r = recorder();
    const first = await logins.start('lab', t.api, r.cb);
    const slow = await r.until('slow_down');
    expect(slow.interval).toBe(10);
    expect(slow.message).toMatch(/every 10 s/);
    await new DevicePage(t.host.url).decide(first.userCode, TEST_KEY, 'approve');
    await r.until('approved');
    expect(r.key()).toMatch(/^sk_live_/);
  });

  it('ends with words when the owner denies', async () => {
    const logins = new DeviceLogins({ sleep: quick });
    const r = recorder();
    const first = await logins.start('lab', t.api, r.cb);
    await new DevicePage(t.host.url).decide(first.userCode, TEST_KEY, 'deny');
    const denied = await r.until('denied');
    expect(denied.message).toBe('The request was denied on the verification page. Nothing was signed in.');
    expect(r.key()).toBeNull();
  });

  it('ends with words when the code expires', async () => {
    const logins = new DeviceLogins({ sleep: quick });
    const r = recorder();
    const first = await logins.start('lab', t.api, r.cb);
    const db = new Database(join(t.dataDir, 'host.db'));
    db.prepare('UPDATE device_codes SET expires_at = ? WHERE user_code = ?').run(Date.now() - 1, first.userCode.replace('-', ''));
    db.close();
    const expired = await r.until('expired');
    expect(expired.message).toMatch(/expired before it was approved/);
  });

  it('stops polling when cancelled', async () => {
    const logins = new DeviceLogins({ sleep: quick });
    const r = recorder();
    await logins.start('lab', t.api, r.cb);
    logins.cancel('lab');
    const count = r.seen.length;
    await new Promise((res) => setTimeout(res, 300));
    expect(r.seen.length).toBe(count);
    expect(logins.current('lab')).toBeNull();
  });

  it('says so when the server has no device-code login', async () => {
    const logins = new DeviceLogins();
    await expect(logins.start('x', 'http://127.0.0.1:1/api', recorder().cb)).rejects.toThrow();
    const notHere = await fetch(`${t.host.url}/oauth/nothing`, { method: 'POST' });
    expect(notHere.status).toBe(404);
  });
});
