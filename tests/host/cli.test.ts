/** The host as people run it: `npm run host`, its first key, signals, TLS and bad arguments. */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { runHostCli } from '../helpers/cli.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';
import { connectRfb } from '../helpers/rfb.js';
import { computerProcesses } from '../helpers/procs.js';

const dirs: string[] = [];
const dir = () => {
  const d = tempDataDir();
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm run host', () => {
  it('generates the first key on an empty data dir, prints it once and saves it 0600', async () => {
    const dataDir = dir();
    const h = await runHostCli(['--data-dir', dataDir, '--port', '0']);
    const printed = /API key:\s+(sk_live_[0-9A-Za-z]{40})/.exec(h.stdout())?.[1];
    expect(printed).toMatch(/^sk_live_/);
    expect(readFileSync(`${dataDir}/api-key`, 'utf8').trim()).toBe(printed);
    expect(statSync(`${dataDir}/api-key`).mode & 0o777).toBe(0o600);
    const client = new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: printed! });
    expect(await client.listWorkspaces()).toEqual([]);
    // The database holds only a hash of it.
    expect(readFileSync(`${dataDir}/host.db`).includes(Buffer.from(printed!))).toBe(false);
    h.proc.kill('SIGTERM');
    expect(await h.exited).toBe(0);

    const again = await runHostCli(['--data-dir', dataDir, '--port', '0']);
    expect(again.stdout()).not.toMatch(/sk_live_/);
    again.proc.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('stops its computers on SIGTERM, keeps their disks, and brings them back on the next start', async () => {
    const dataDir = dir();
    const h = await runHostCli(['--data-dir', dataDir, '--port', '0'], { ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY });
    const client = new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: TEST_KEY });
    const ws = await client.createWorkspace('term');
    const pc = await client.createComputer({ workspace_id: ws.id, name: 'term' });
    await client.bash(pc.id, 'echo durable > ~/d.txt');
    h.proc.kill('SIGTERM');
    expect(await h.exited).toBe(0);
    expect(h.stdout()).toMatch(/their disks stay/);
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toEqual([]);
    const h2 = await runHostCli(['--data-dir', dataDir, '--port', '0'], { ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY });
    const c2 = new OrgoClient({ baseUrl: `${h2.url}/api`, apiKey: TEST_KEY });
    const deadline = Date.now() + 20_000;
    while ((await c2.getComputer(pc.id)).status !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await c2.bash(pc.id, 'cat ~/d.txt')).output).toBe('durable\n');
    h2.proc.kill('SIGTERM');
    expect(await h2.exited).toBe(0);
  });

  it('serves HTTPS and WSS with --tls-cert/--tls-key', async () => {
    const dataDir = dir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', `${dataDir}/tls.key`, '-out', `${dataDir}/tls.crt`], { stdio: 'ignore' });
    const ca = readFileSync(`${dataDir}/tls.crt`);
    const h = await runHostCli(['--data-dir', dataDir, '--port', '0', '--tls-cert', `${dataDir}/tls.crt`, '--tls-key', `${dataDir}/tls.key`], { ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY });
    try {
      expect(h.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const dispatcher = new Agent({ connect: { ca } });
      const client = new OrgoClient({
        baseUrl: `${h.url}/api`,
        apiKey: TEST_KEY,
        fetch: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch,
      });
      const ws = await client.createWorkspace('tls');
      const pc = await client.createComputer({ workspace_id: ws.id, name: 'tls' });
      expect(pc.connection_url).toBe(`${h.url}/desktops/${pc.instance_id}`);
      const s = await connectRfb(`wss://${pc.hostname}/websockify?token=${pc.vnc_password}`, pc.vnc_password, {}, { ca });
      expect(s.width).toBe(1280);
      s.close();
    } finally {
      h.proc.kill('SIGTERM');
      await h.exited;
    }
  });

  it('explains bad arguments instead of starting', async () => {
    await expect(runHostCli(['--port', 'abc'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--port must be a number/) });
    await expect(runHostCli(['--bogus'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'[\s\S]*Usage/) });
    await expect(runHostCli(['--tls-cert', 'x'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/go together/) });
  });
});
