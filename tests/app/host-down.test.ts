/**
 * The host stops answering: the computers feed says so (since when, why), shows every computer as
 * `unknown` instead of its last "running", keeps the history for the activity feed, restarts the
 * built-in host by itself, and clears it all once the host answers again. Real hosts: the
 * built-in one as the app's own child process, and a remote one the test stops and starts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputersSnapshot } from '../../shared/ipc/types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { freePort } from '../helpers/ports.js';


const apps: TestApp[] = [];
const pids = new Set<number>();
let remote: TestHost | undefined;

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  for (const app of apps) {
    const pid = app.services.session.localHost.pid;
    if (pid) pids.add(pid);
    app.services.close();
  }
  // Every built-in host this test started (the first and the one the app restarted) stops its computers.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await gone(pid);
  }
  await remote?.close();
  for (const app of apps) app.close();
}, 60_000);

/** The next pushed list that matches, after every one seen so far by this helper (app.next looks from the start). */
const seen = new Map<TestApp, number>();
async function snapshot(app: TestApp, check: (s: ComputersSnapshot) => boolean, timeoutMs = 60_000): Promise<ComputersSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let i = seen.get(app) ?? 0; i < app.events.length; i++) {
      const e = app.events[i]!;
      if (e.event === 'computers.changed' && check(e.payload as ComputersSnapshot)) {
        seen.set(app, i + 1);
        return e.payload as ComputersSnapshot;
      }
    }
    if (Date.now() > deadline) throw new Error(`no matching computers list within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the built-in host stops answering', () => {
  it('is said, its computers show unknown, the app restarts it, and it all clears', async () => {
    const port = await freePort();
    const app = startTestApp({ env: { ORGO_LOCAL_HOST_PORT: String(port) } });
    apps.push(app);
    const s = app.services;
    await s.feed.watch('test');
    const first = s.session.localHost.pid!;
    pids.add(first);
    const { client } = await s.session.client();
    const ws = await client.createWorkspace('host-down');
    const c = await client.createComputer({ workspace_id: ws.id, name: 'survivor' });
    s.feed.poke();
    await snapshot(app, (x) => x.computers.some((v) => v.id === c.id && v.status === 'running'));

    // The host ends as a crash or an update would (it stops its desktops; their disks stay).
    process.kill(first, 'SIGTERM');
    const down = await snapshot(app, (x) => x.hostDown !== null);
    // Nobody waits for the app to be asked: it is restarting the host as it says so.
    expect(down.hostDown).toMatchObject({ builtIn: true, restarting: true, url: `http://127.0.0.1:${port}` });
    expect(down.hostDown!.message).toMatch(/connection refused|reset|answer/);
    expect(down.computers.find((v) => v.id === c.id)?.status).toBe('unknown');
    expect(down.hostEvents.map((e) => e.kind)).toEqual(['down']);
    expect(down.hostEvents[0]!.text).toMatch(/^The built-in host stopped answering at \d\d:\d\d:\d\d: /);

    const back = await snapshot(app, (x) => x.hostDown === null && x.loaded);
    const second = s.session.localHost.pid!;
    pids.add(second);
    expect(second).not.toBe(first);
    expect(back.hostEvents.map((e) => e.kind)).toEqual(['down', 'restarted', 'back']);
    expect(back.hostEvents[2]!.text).toMatch(/^The built-in host answers again \(it did not answer for \d+ s\)/);
    expect(back.error).toBeNull();
    // The computer was running when its host went: the new host boots it again, and the list says so.
    expect(back.computers.find((v) => v.id === c.id)?.status).not.toBe('unknown');
    await snapshot(app, (x) => x.computers.some((v) => v.id === c.id && v.status === 'running'));
  }, 180_000);
});

describe('a remote host stops answering', () => {
  it('is said with its address until it answers again, and then clears', async () => {
    remote = await startTestHost();
    const app = startTestApp({ host: remote });
    apps.push(app);
    const s = app.services;
    const ws = await remote.client.createWorkspace('remote-down');
    await remote.client.createComputer({ workspace_id: ws.id, name: 'far-away' });
    await s.feed.watch('test');
    await snapshot(app, (x) => x.computers.some((v) => v.name === 'far-away' && v.status === 'running'));

    const port = remote.host.port;
    await remote.host.close();
    const down = await snapshot(app, (x) => x.hostDown !== null);
    expect(down.hostDown).toMatchObject({ builtIn: false, restarting: false, url: `http://127.0.0.1:${port}`, message: 'nothing answers at that address (connection refused)' });
    expect(down.computers.map((v) => v.status)).toEqual(['unknown']);
    expect(down.hostEvents[0]!.text).toBe(`The host at http://127.0.0.1:${port} stopped answering at ${new Date(down.hostDown!.since).toLocaleTimeString('en-GB', { hour12: false })}: nothing answers at that address (connection refused)`);

    await remote.restart();
    const back = await snapshot(app, (x) => x.hostDown === null && x.error === null);
    expect(back.hostEvents.map((e) => e.kind)).toEqual(['down', 'back']);
    expect(back.computers.map((v) => v.status)).not.toContain('unknown');
  }, 180_000);
});
