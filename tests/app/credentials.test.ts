/**
 * Credentials against a real Secret Service (gnome-keyring on its own session bus), one entry
 * per profile; and, where no Secret Service answers, memory first and the 0600 file only after
 * the user agrees.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credentials, KEYCHAIN_SERVICE } from '../../app/credentials.js';
import { projectRoot } from '../helpers/app.js';
import { startKeyring, type Keyring } from '../helpers/keyring.js';

let keyring: Keyring;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync('/tmp/orgo-cred-');
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  keyring = await startKeyring();
  // keytar (libsecret) reads the bus address when it first connects, which is below.
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
});
afterAll(async () => {
  await keyring?.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('credentials in the keychain', () => {
  it('keeps one entry per profile in the Secret Service, and removes it on logout', async () => {
    const dir = tmp();
    const c = new Credentials(dir);
    const view = await c.view();
    expect(view).toMatchObject({ backend: 'keychain', available: true });
    await c.set('cloud', 'sk_live_cloudkey');
    await c.set('p_lab', 'sk_live_labkey');
    expect(await c.get('cloud')).toBe('sk_live_cloudkey');
    expect(await c.lookup('p_lab')).toEqual({ key: 'sk_live_labkey', source: 'keychain' });
    // Nothing on disk: the key lives in the keyring.
    expect(existsSync(join(dir, 'credentials.json'))).toBe(false);
    // Seen from outside the app, with libsecret's own tool.
    const seen = execFileSync('secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', 'p_lab'], { env: { ...process.env, ...keyring.env } }).toString();
    expect(seen).toBe('sk_live_labkey');
    await c.delete('p_lab');
    expect(await c.get('p_lab')).toBeNull();
    expect(await c.get('cloud')).toBe('sk_live_cloudkey');
  });
});

describe('credentials without a Secret Service', () => {
  /** A fresh process with no session bus: libsecret cannot reach any keychain. */
  function run(dir: string, steps: string): unknown {
    const code = `
      import { Credentials } from ${JSON.stringify(join(projectRoot, 'app/credentials.ts'))};
      const c = new Credentials(${JSON.stringify(dir)});
      const out = {};
      ${steps}
      process.stdout.write(JSON.stringify(out));`;
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '', ORGO_LOG_LEVEL: 'error' };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: projectRoot, env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  }

  it('says so, keeps keys in memory, and writes the 0600 file only after consent', () => {
    const dir = tmp();
    const out = run(
      dir,
      `out.view = await c.view();
       await c.set('cloud', 'sk_live_mem');
       out.memory = await c.lookup('cloud');
       out.fileBefore = (await import('node:fs')).existsSync(${JSON.stringify(join(dir, 'credentials.json'))});
       await c.setFileConsent(true);
       out.after = await c.view();`,
    ) as Record<string, Record<string, unknown>>;
    expect(out.view).toMatchObject({ available: false, backend: 'memory', fileConsent: null });
    expect(String(out.view!.detail)).toMatch(/No system keychain is available/);
    expect(out.memory).toEqual({ key: 'sk_live_mem', source: 'memory' });
    expect(out.fileBefore).toBe(false);
    expect(out.after).toMatchObject({ backend: 'file', fileConsent: true });
    const file = join(dir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ cloud: 'sk_live_mem' });

    // A later start reads the file, since the user agreed.
    expect(run(dir, `out.key = await c.lookup('cloud');`)).toEqual({ key: { key: 'sk_live_mem', source: 'file' } });
    // Saying no removes the file.
    run(dir, `await c.setFileConsent(false);`);
    expect(existsSync(file)).toBe(false);
  });
});
