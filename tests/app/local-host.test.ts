/**
 * "This computer": the app starts the built-in host as its own process with its own data dir,
 * picks up the owner's key from the host's 0600 key file, and leaves the host (and its running
 * computers) running when the app closes.
 */
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

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
