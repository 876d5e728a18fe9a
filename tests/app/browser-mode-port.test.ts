/**
 * `npm start` in browser mode listens on the same address every launch (7392), so the app
 * window's Chromium profile keeps the app's code cached; when that port is taken (another
 * launch, another program) it comes up on a free one instead of failing.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/app.js';
import { tempDataDir } from '../helpers/host.js';
import { startLauncher } from '../helpers/launcher.js';

const home = tempDataDir('orgo-bm-port-');
const launched: ChildProcess[] = [];

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/build-app.mjs')], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  for (const c of launched) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(launched.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  rmSync(home, { recursive: true, force: true });
});

/** Starts the launcher as `npm start -- --no-open` does and answers the address it prints. */
async function launch(): Promise<URL> {
  // No host needed to serve the page: an address nothing answers on.
  const l = await startLauncher({ ORGO_DESKTOP_HOME: home, ORGO_API_BASE_URL: 'http://127.0.0.1:9/api', ORGO_API_KEY: 'sk_unused', ORGO_LOG_LEVEL: 'warn' });
  launched.push(l.child);
  return new URL(l.url);
}

async function servesTheApp(url: URL): Promise<void> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(await res.text()).toMatch(/<script type="module" src="\.\/bridge\.js">/);
}

describe('browser mode’s address', () => {
  it('is 127.0.0.1:7392 when that port is free', async () => {
    const url = await launch();
    expect(url.port).toBe('7392');
    await servesTheApp(url);
  }, 30_000);

  it('falls back to a free port when 7392 is taken, and still serves the app', async () => {
    // Taken by this test (the launch above holds it too; this makes the test not depend on it).
    const blocker: Server = createServer();
    await new Promise<void>((r, j) => blocker.once('error', j).listen(7392, '127.0.0.1', () => r())).catch(() => {});
    try {
      const url = await launch();
      expect(url.port).not.toBe('7392');
      expect(Number(url.port)).toBeGreaterThan(0);
      await servesTheApp(url);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
