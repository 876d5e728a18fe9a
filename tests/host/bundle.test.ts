/**
 * The host as a packaged app runs it: the single bundle out/host/cli.mjs (scripts/build-app.mjs)
 * run by plain node, no tsx and no TypeScript, from a folder outside the source tree. It must find
 * the guest and the desktop's files by itself and run a real computer.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import { runHostCli } from '../helpers/cli.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';

const root = resolve(import.meta.dirname, '../..');
const bundle = join(root, 'out', 'host', 'cli.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

beforeAll(() => {
  // Rebuilds only what is older than its sources.
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-app.mjs')], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

describe('the host bundle', () => {
  it('carries no TypeScript loader: only node builtins and the native modules are imported', () => {
    const imports = [...readFileSync(bundle, 'utf8').matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(imports.filter((m) => !m.startsWith('node:'))).toEqual(['better-sqlite3']);
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from "tsx|require\("tsx|\.ts"\)/);
  });

  it('runs with plain node from another folder: /health, a real computer with its desktop files, SIGTERM', async () => {
    const dataDir = tempDataDir();
    const elsewhere = tempDataDir('orgo-cwd-');
    dirs.push(dataDir, elsewhere);
    const h = await runHostCli(['--data-dir', dataDir, '--port', '0'], { ORGO_HOST_BOOTSTRAP_KEY: TEST_KEY, NODE_OPTIONS: undefined }, {
      file: process.execPath,
      args: [bundle],
      cwd: elsewhere,
    });
    try {
      const health = await fetch(`${h.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });

      const client = new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: TEST_KEY });
      const ws = await client.createWorkspace('bundle');
      const pc = await client.createComputer({ workspace_id: ws.id, name: 'bundle' });
      expect(pc.status).toBe('running');
      // The guest (guest/guest.py) built the computer and bound guest/desktop at /etc/orgo.
      const r = await client.bash(pc.id, 'whoami; ls /etc/orgo');
      expect(r.output.split('\n')).toEqual(expect.arrayContaining(['user', 'openbox.xml', 'session.sh', 'tint2rc']));
      const shot = await client.screenshot(pc.id);
      expect(shot.width).toBe(1280);
    } finally {
      h.proc.kill('SIGTERM');
    }
    expect(await h.exited).toBe(0);
    expect(h.stdout()).toMatch(/their disks stay/);
  }, 90_000);
});
