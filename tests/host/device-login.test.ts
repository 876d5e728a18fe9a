/**
 * Device-code login on a real host (RFC 8628): codes, every answer of the token endpoint, the
 * verification page with the owner's sign-in, its cookie, CSRF and Origin checks, and rate limits.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollDeviceToken, requestDeviceCode } from '../../shared/api/device.js';
import { OrgoClient } from '../../shared/api/client.js';
import { request } from 'node:http';
import { DEVICE_CODES_PER_WINDOW } from '../../host/http/routes/device.js';
import { publicOriginFor } from '../../host/host.js';
import { DevicePage } from '../helpers/device-page.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
const CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

beforeAll(async () => {
  t = await startTestHost();
});
afterAll(async () => t?.close());

async function form(path: string, body: Record<string, string>) {
  const res = await fetch(t.host.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('device authorization endpoint', () => {
  it('answers a code people can type, where to type it, and how often to poll', async () => {
    const a = await requestDeviceCode(t.api, { clientName: 'Orgo Desktop on test' });
    expect(a.user_code).toMatch(CODE);
    expect(a.verification_uri).toBe(`${t.host.url}/device`);
    expect(a.verification_uri_complete).toBe(`${t.host.url}/device?user_code=${a.user_code}`);
    expect(a).toMatchObject({ expires_in: 600, interval: 5 });
    expect(a.device_code.length).toBeGreaterThanOrEqual(43);
  });

  it('requires a client_id, in OAuth words', async () => {
    const r = await form('/oauth/device/code', {});
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request', error_description: 'client_id is required' });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('pragma')).toBe('no-cache');
  });

  it('is never cached: Cache-Control no-store and Pragma no-cache on codes and tokens', async () => {
    const code = await form('/oauth/device/code', { client_id: 'cache-test' });
    expect(code.status).toBe(200);
    const token = await form('/oauth/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: String(code.body.device_code), client_id: 'cache-test' });
    for (const r of [code, token]) {
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('pragma')).toBe('no-cache');
    }
  });

  it('builds verification_uri from the host\'s own address, whatever Host the request names', async () => {
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const body = 'client_id=host-header-test';
      const r = request(`${t.host.url}/oauth/device/code`, { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      r.on('error', reject);
      r.end(body);
    });
    expect(res.verification_uri).toBe(`${t.host.url}/device`);
    expect(String(res.verification_uri_complete)).toMatch(new RegExp(`^${t.host.url}/device\\?user_code=`));
  });

  it('uses the configured public address (--public-url) when there is one', async () => {
    const other = await startTestHost({ publicUrl: 'https://lab.example.com:8443/ignored/path' });
    try {
      const a = await requestDeviceCode(other.api);
      expect(a.verification_uri).toBe('https://lab.example.com:8443/device');
    } finally {
      await other.close();
    }
    expect(publicOriginFor({ listen: '127.0.0.1', port: 7391, tls: false, hostname: 'box' })).toBe('http://127.0.0.1:7391');
    expect(publicOriginFor({ listen: '0.0.0.0', port: 7391, tls: true, hostname: 'box' })).toBe('https://box:7391');
    expect(publicOriginFor({ listen: '::1', port: 7391, tls: false, hostname: 'box' })).toBe('http://[::1]:7391');
    expect(() => publicOriginFor({ publicUrl: 'ftp://x', listen: '', port: 0, tls: false, hostname: '' })).toThrow(/http\(s\)/);
  });

  it('limits how many codes one address may ask for, in OAuth words with Retry-After', async () => {
    // A host of its own: this test uses up the address's allowance.
    const other = await startTestHost();
    try {
      const ask = () => fetch(`${other.host.url}/oauth/device/code`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=flood' });
      for (let i = 0; i < DEVICE_CODES_PER_WINDOW; i++) expect((await ask()).status, `code ${i + 1}`).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: 'slow_down', error_description: expect.stringMatching(/^Too many device codes asked for from this address; try again in \d+ minutes?$/) });
      // Nothing was stored for the refused ones.
      const db = new Database(join(other.dataDir, 'host.db'), { readonly: true });
      try {
        expect((db.prepare('SELECT count(*) AS n FROM device_codes').get() as { n: number }).n).toBe(DEVICE_CODES_PER_WINDOW);
      } finally {
        db.close();
      }
    } finally {
      await other.close();
    }
  });
});

describe('token endpoint', () => {
  it('says authorization_pending, then slow_down (+5 s each time) when polled too fast', async () => {
    const a = await requestDeviceCode(t.api);
    expect(await pollDeviceToken(t.api, a.device_code)).toMatchObject({ ok: false, error: 'authorization_pending', status: 400 });
    const fast = await pollDeviceToken(t.api, a.device_code);
    expect(fast).toMatchObject({ ok: false, error: 'slow_down' });
    expect(fast.ok === false && fast.description).toMatch(/wait 10 s/);
    const faster = await pollDeviceToken(t.api, a.device_code);
    expect(faster.ok === false && faster.description).toMatch(/wait 15 s/);
  });

  it('requires client_id (RFC 8628 §3.4), and the one the code was issued to', async () => {
    const a = await requestDeviceCode(t.api);
    const without = await form('/oauth/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: a.device_code });
    expect(without.status).toBe(400);
    expect(without.body).toEqual({ error: 'invalid_request', error_description: 'client_id is required' });
    const wrong = await form('/oauth/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: a.device_code, client_id: 'someone-else' });
    expect(wrong.body.error).toBe('invalid_grant');
  });

  it('refuses other grants and unknown codes', async () => {
    expect((await form('/oauth/token', { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect(await pollDeviceToken(t.api, 'not-a-code')).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('exchanges an approved code once for a working API key', async () => {
    const a = await requestDeviceCode(t.api, { clientName: 'Orgo Desktop on laptop' });
    const done = await new DevicePage(t.host.url).decide(a.user_code, TEST_KEY, 'approve');
    expect(done.html).toContain('Device approved');
    const token = await pollDeviceToken(t.api, a.device_code);
    if (!token.ok) throw new Error(token.description);
    expect(token.accessToken).toMatch(/^sk_live_/);
    expect(await new OrgoClient({ baseUrl: t.api, apiKey: token.accessToken }).listWorkspaces()).toEqual(expect.any(Array));
    const keys = await t.client.listKeys();
    expect(keys.find((k) => k.name === 'Orgo Desktop on laptop (device login)')).toMatchObject({ scope: 'account' });
    expect(await pollDeviceToken(t.api, a.device_code)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('says access_denied after the owner denies', async () => {
    const a = await requestDeviceCode(t.api);
    expect((await new DevicePage(t.host.url).decide(a.user_code, TEST_KEY, 'deny')).html).toContain('Request denied');
    expect(await pollDeviceToken(t.api, a.device_code)).toMatchObject({ ok: false, error: 'access_denied' });
  });

  it('says expired_token once the code has expired, and the page will not approve it', async () => {
    const a = await requestDeviceCode(t.api);
    const db = new Database(join(t.dataDir, 'host.db'));
    db.prepare('UPDATE device_codes SET expires_at = ? WHERE user_code = ?').run(Date.now() - 1000, a.user_code.replace('-', ''));
    db.close();
    expect(await pollDeviceToken(t.api, a.device_code)).toMatchObject({ ok: false, error: 'expired_token' });
    const p = new DevicePage(t.host.url);
    await p.signIn(TEST_KEY);
    const page = await p.get(`/device?user_code=${a.user_code}`);
    expect(page.html).toContain('That code has expired');
  });
});

describe('verification page', () => {
  it('asks the owner to sign in, with a strict CSP and no script', async () => {
    const p = new DevicePage(t.host.url);
    const r = await p.get('/device?user_code=WDJB-MJHT');
    expect(r.status).toBe(200);
    expect(r.html).toContain('Owner API key');
    expect(r.html).not.toMatch(/<script/i);
    expect(r.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('signs the owner in with an account-wide key into an HttpOnly SameSite=Strict cookie', async () => {
    const p = new DevicePage(t.host.url);
    expect((await p.signIn('sk_live_wrong')).status).toBe(401);
    const ws = await t.client.createWorkspace('scoped');
    const scoped = await t.client.createKey({ name: 'ci', workspace_id: ws.id });
    const refused = await p.signIn(scoped.key);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('account-wide key');
    const ok = await p.signIn(TEST_KEY, 'wdjb mjht');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/device?user_code=wdjb%20mjht');
    expect(ok.headers.get('set-cookie')).toMatch(/^orgo_device_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/device; Max-Age=1800$/);
  });

  it('takes the code in any case, with or without the dash', async () => {
    const a = await requestDeviceCode(t.api);
    const p = new DevicePage(t.host.url);
    await p.signIn(TEST_KEY);
    const typed = a.user_code.toLowerCase().replace('-', ' ');
    const page = await p.post('/device/code', { csrf: DevicePage.csrf((await p.get('/device')).html), user_code: typed });
    expect(page.status).toBe(200);
    expect(page.html).toContain(a.user_code);
    expect(page.html).toContain('Approve this device?');
  });

  it('refuses a decision without the CSRF token or from another origin', async () => {
    const a = await requestDeviceCode(t.api);
    const p = new DevicePage(t.host.url);
    await p.signIn(TEST_KEY);
    const code = a.user_code;
    expect((await p.post('/device/decide', { user_code: code, decision: 'approve', csrf: 'forged' })).status).toBe(403);
    const csrf = DevicePage.csrf((await p.get('/device')).html);
    expect((await p.post('/device/decide', { user_code: code, decision: 'approve', csrf }, { origin: 'http://evil.example' })).status).toBe(403);
    expect(await pollDeviceToken(t.api, a.device_code)).toMatchObject({ ok: false, error: 'authorization_pending' });
  });

  it('limits wrong codes to 10 per 10 minutes', async () => {
    const p = new DevicePage(t.host.url);
    await p.signIn(TEST_KEY);
    const csrf = DevicePage.csrf((await p.get('/device')).html);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await p.post('/device/code', { csrf, user_code: 'BBBB-BBBB' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    const last = await p.post('/device/code', { csrf, user_code: 'BBBB-BBBB' });
    expect(last.status).toBe(429);
    expect(last.html).toMatch(/Too many wrong codes/);
  });
});
