import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSafeTransport, Profiles, normalizeBaseUrl } from '../../app/profiles.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync('/tmp/orgo-profiles-');
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const LOCAL = 'http://127.0.0.1:7391/api';

describe('profiles', () => {
  it('offers this computer and Orgo cloud, and starts on this computer', () => {
    const p = new Profiles(tmp(), LOCAL, {});
    expect(p.list().map((x) => [x.id, x.name, x.kind, x.baseUrl])).toEqual([
      ['local', 'This computer', 'local', LOCAL],
      ['cloud', 'Orgo cloud', 'cloud', 'https://www.orgo.ai/api'],
    ]);
    expect(p.active().id).toBe('local');
    expect(p.envNote).toBeNull();
  });

  it('adds a server by any spelling of its address, remembers it (0600) and the choice', () => {
    const dir = tmp();
    const p = new Profiles(dir, LOCAL, {});
    const lab = p.add('Lab', 'http://lab:7391/', true);
    expect(lab.baseUrl).toBe('http://lab:7391/api');
    p.select(lab.id);
    const again = new Profiles(dir, LOCAL, {});
    expect(again.active().name).toBe('Lab');
    expect(statSync(join(dir, 'profiles.json')).mode & 0o777).toBe(0o600);
    expect(() => again.add('lab', 'http://other')).toThrow(/exists already/);
    expect(() => again.remove('local')).toThrow(/built in/);
    again.remove(lab.id);
    expect(new Profiles(dir, LOCAL, {}).active().id).toBe('local');
    expect(JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8')).custom).toEqual([]);
  });

  it('refuses plain http to another machine unless allowed for that profile, in words; loopback and https need nothing', () => {
    const dir = tmp();
    const p = new Profiles(dir, LOCAL, {});
    for (const url of ['http://lab:7391', 'http://10.0.0.5:7391', 'http://192.168.1.2', 'http://lab.example.com/api', 'http://[fe80::1]:7391', 'http://127.0.0.1.evil.example']) {
      expect(() => p.add(url, url), url).toThrow(/your API key would cross the network unencrypted/);
    }
    expect(p.list().filter((x) => x.kind === 'remote')).toEqual([]);
    // Allowed on purpose: kept with that choice, and usable.
    const lab = p.add('Lab', 'http://lab:7391', true);
    expect(lab).toMatchObject({ baseUrl: 'http://lab:7391/api', insecure: true });
    expect(() => assertSafeTransport(new Profiles(dir, LOCAL, {}).get(lab.id))).not.toThrow();
    // This machine and https: nothing to allow, nothing marked.
    for (const [name, url] of [['lo', 'http://127.0.0.1:7391'], ['lo6', 'http://[::1]:7391'], ['lh', 'http://localhost:7391'], ['tls', 'https://lab:7391']] as const) {
      const x = p.add(name, url);
      expect(x.insecure, url).toBeUndefined();
      expect(() => assertSafeTransport(x)).not.toThrow();
    }
    // A profile stored before this rule (plain http, no choice recorded) is refused where the key would be sent.
    expect(() => assertSafeTransport({ id: 'p_old', name: 'Old', kind: 'remote', baseUrl: 'http://lab:7391/api' })).toThrow(/Remove "Old" and add it again/);
    // The environment's address is the user's explicit choice, as in Orgo's CLI: used, with a warning.
    const env = new Profiles(tmp(), LOCAL, { ORGO_API_BASE_URL: 'http://10.0.0.5:7391' });
    expect(() => assertSafeTransport(env.active())).not.toThrow();
    expect(env.envNote).toMatch(/plain http to another machine: the API key crosses the network unencrypted/);
  });

  it('normalizes addresses and refuses what is not http(s)', () => {
    expect(normalizeBaseUrl('https://h.example/api/')).toBe('https://h.example/api');
    expect(normalizeBaseUrl('https://h.example/orgo/api?x=1#y')).toBe('https://h.example/orgo/api');
    expect(() => normalizeBaseUrl('ftp://h')).toThrow(/http/);
    expect(() => normalizeBaseUrl('not a url')).toThrow();
  });

  it('ORGO_API_BASE_URL adds an active Environment profile that ORGO_API_KEY belongs to', () => {
    const p = new Profiles(tmp(), LOCAL, { ORGO_API_BASE_URL: 'http://10.0.0.5:7391', ORGO_API_KEY: 'sk_live_x' });
    expect(p.active()).toMatchObject({ id: 'env', kind: 'env', baseUrl: 'http://10.0.0.5:7391/api' });
    expect(p.envKeyProfile).toBe('env');
    expect(p.envNote).toMatch(/ORGO_API_BASE_URL/);
  });

  it('ORGO_PROFILE picks a profile by name; ORGO_API_KEY then belongs to that one only', () => {
    const dir = tmp();
    new Profiles(dir, LOCAL, {}).add('Lab', 'https://lab:7391');
    const p = new Profiles(dir, LOCAL, { ORGO_PROFILE: 'orgo cloud', ORGO_API_KEY: 'sk_live_x' });
    expect(p.active().id).toBe('cloud');
    expect(p.envKeyProfile).toBe('cloud');
    const missing = new Profiles(dir, LOCAL, { ORGO_PROFILE: 'nope' });
    expect(missing.active().id).toBe('local');
    expect(missing.envNote).toMatch(/names no profile/);
  });
});
