/**
 * The app's file uploads as Electron runs them (main streams a dropped file from its path), and
 * the IPC file calls, against a real host with a small upload limit: the file lands on the
 * desktop with progress reported; over the limit, a deleted computer and a cancel each fail in
 * words; list, export and delete through the handlers; the host restarted with another limit
 * (larger, then smaller) is heard without restarting the app.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../host/host.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { createHandlers } from '../../app/handlers.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TEST_KEY, eventually, tempDataDir, type TestHost } from '../helpers/host.js';

let dataDir: string;
let host: RunningHost;
let client: OrgoClient;
let app: TestApp;
let computer: Computer;
let dir: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, maxUploadMb: 2 });
  client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  app = startTestApp({ host: { api: `${host.url}/api` } as TestHost });
  const ws = await client.createWorkspace('files');
  computer = await client.createComputer({ workspace_id: ws.id, name: 'files-1' });
  dir = mkdtempSync('/tmp/orgo-app-files-');
});
afterAll(async () => {
  app?.close();
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, bytes: number) => {
  const p = join(dir, name);
  writeFileSync(p, Buffer.alloc(bytes, 120));
  return p;
};

describe('app file uploads (Electron path)', () => {
  it('streams a file from its path onto the Desktop, reporting progress', async () => {
    const seen: number[] = [];
    const f = await app.services.files.uploadPath(computer.id, 'u1', file('one.bin', 1024 * 1024), (sent) => seen.push(sent));
    expect(f).toMatchObject({ name: 'one.bin', size: 1024 * 1024, desktop_id: computer.id });
    expect(seen.length).toBeGreaterThan(0);
    expect((await client.bash(computer.id, 'stat -c %s ~/Desktop/one.bin')).output.trim()).toBe(String(1024 * 1024));
  });

  it('knows the host’s limit and refuses a larger file in words before sending a byte', async () => {
    const h = createHandlers(app.services, { openViewer() {}, openGrid() {}, openMain() {}, openExternal() {} });
    expect(await h['files.limit']({ computerId: computer.id }, { id: 't', emit() {} })).toEqual({ maxBytes: 2 * 1024 * 1024 });
    const sent: number[] = [];
    await expect(app.services.files.uploadPath(computer.id, 'u2', file('big.bin', 3 * 1024 * 1024), (n) => sent.push(n))).rejects.toThrow(/^big\.bin is 3 MB; this host takes files up to 2 MB$/);
    expect(sent).toEqual([]);
    expect((await client.listFiles({ desktopId: computer.id })).map((f) => f.name)).not.toContain('big.bin');
  });

  it('gives the bytes for a file one byte over the limit', async () => {
    // One byte over: the app's words give the bytes, as the sizes alone would read the same.
    await expect(app.services.files.uploadPath(computer.id, 'u2b', file('edge.bin', 2 * 1024 * 1024 + 1), () => {})).rejects.toThrow(/^edge\.bin is 2,097,153 bytes; this host takes files up to 2,097,152 bytes$/);
  });

  it('says when it was cancelled', async () => {
    const p = app.services.files.uploadPath(computer.id, 'u3', file('cancel.bin', 1536 * 1024), () => app.services.files.cancel('u3'));
    await expect(p).rejects.toThrow('Cancelled');
  });

  it('says the computer no longer exists', async () => {
    const ws = await client.createWorkspace('gone');
    const gone = await client.createComputer({ workspace_id: ws.id, name: 'gone' });
    await client.deleteComputer(gone.id);
    await expect(app.services.files.uploadPath(gone.id, 'u4', file('x.txt', 10), () => {})).rejects.toThrow(/^The computer no longer exists/);
  });

  it('lists, exports and deletes through the IPC handlers', async () => {
    const noWindows = { openViewer() {}, openGrid() {}, openMain() {}, openExternal() {} };
    const h = createHandlers(app.services, noWindows);
    const ctx = { id: 't', emit() {} };
    await client.bash(computer.id, "printf exported > ~/Desktop/out.txt");
    const r = await h['files.export']({ computerId: computer.id, path: '~/Desktop/out.txt' }, ctx);
    expect(r.file.name).toBe('out.txt');
    expect('url' in r.download && (await (await fetch(r.download.url)).text())).toBe('exported');
    const names = (await h['files.list']({ computerId: computer.id }, ctx)).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['one.bin', 'out.txt']));
    await h['files.delete']({ id: r.file.id }, ctx);
    expect((await h['files.list']({ computerId: computer.id }, ctx)).map((f) => f.name)).not.toContain('out.txt');
    await expect(h['files.export']({ computerId: computer.id, path: '/home/user/../../etc/passwd' }, ctx)).rejects.toThrow();
  });

  it('hears a host restarted with another --max-upload-mb, larger then smaller, without restarting the app', async () => {
    const h = createHandlers(app.services, { openViewer() {}, openGrid() {}, openMain() {}, openExternal() {} });
    const ctx = { id: 't', emit() {} };
    const restart = async (maxUploadMb: number) => {
      const port = host.port;
      await host.close();
      host = await startHost({ dataDir, port, bootstrapKey: TEST_KEY, maxUploadMb });
      await eventually(() => client.getComputer(computer.id), (c) => c.status === 'running', 60_000, 'the computer running again');
    };
    expect(await h['files.limit']({ computerId: computer.id }, ctx)).toEqual({ maxBytes: 2 * 1024 * 1024 }); // cached
    await restart(4);
    // Larger: the cached 2 MB does not refuse a 3 MB file; it lands.
    const f = await app.services.files.uploadPath(computer.id, 'u5', file('three.bin', 3 * 1024 * 1024), () => {});
    expect(f).toMatchObject({ name: 'three.bin', size: 3 * 1024 * 1024 });
    expect(await h['files.limit']({ computerId: computer.id }, ctx)).toEqual({ maxBytes: 4 * 1024 * 1024 });
    await restart(1);
    // Smaller: the host refuses in words, and the next drop is refused before sending with the new figure.
    await expect(app.services.files.uploadPath(computer.id, 'u6', file('mid.bin', 1536 * 1024), () => {})).rejects.toThrow(/^Too large: .*1 MB/);
    expect(await h['files.limit']({ computerId: computer.id }, ctx)).toEqual({ maxBytes: 1024 * 1024 });
    const sent: number[] = [];
    await expect(app.services.files.uploadPath(computer.id, 'u7', file('mid.bin', 1536 * 1024), (n) => sent.push(n))).rejects.toThrow(/^mid\.bin is 1\.5 MB; this host takes files up to 1 MB$/);
    expect(sent).toEqual([]);
  }, 180_000);
});
