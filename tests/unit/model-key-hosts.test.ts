/**
 * Which hosts get the app's model keys: the built-in one always; another only once allowed, and
 * only at the address it was allowed for (the environment's profile keeps its id while
 * ORGO_API_BASE_URL changes between launches); never plain http to another machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { ModelKeyHosts } from '../../app/model-key-hosts.js';
import { ENV_ID, LOCAL_ID, Profiles } from '../../app/profiles.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync('/tmp/orgo-keyhosts-');
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const LOCAL = 'http://127.0.0.1:7391/api';

it('the built-in host always; another after a yes, kept across launches', () => {
  const dir = tmp();
  const profiles = new Profiles(dir, LOCAL, {});
  const hosts = new ModelKeyHosts(dir, profiles);
  expect(hosts.status(profiles.get(LOCAL_ID))).toMatchObject({ allowed: true, builtIn: true });
  const lab = profiles.add('Lab', 'https://lab.example:7391');
  expect(hosts.status(lab)).toMatchObject({ allowed: false, builtIn: false, refusal: null });
  expect(hosts.status(profiles.get('cloud')).allowed).toBe(false);
  hosts.allow(lab.id);
  const later = new ModelKeyHosts(dir, new Profiles(dir, LOCAL, {}));
  expect(later.status(lab).allowed).toBe(true);
  expect(later.list().map((h) => h.name)).toEqual(['Lab']);
  later.revoke(lab.id);
  expect(later.status(lab).allowed).toBe(false);
});

it('a yes is for the address it was given at: the environment profile pointed elsewhere asks again', () => {
  const dir = tmp();
  const first = new Profiles(dir, LOCAL, { ORGO_API_BASE_URL: 'http://127.0.0.1:9001/api' });
  new ModelKeyHosts(dir, first).allow(ENV_ID);
  expect(new ModelKeyHosts(dir, first).status(first.active()).allowed).toBe(true);
  const next = new Profiles(dir, LOCAL, { ORGO_API_BASE_URL: 'http://127.0.0.1:9002/api' });
  const hosts = new ModelKeyHosts(dir, next);
  expect(next.active().id).toBe(ENV_ID);
  expect(hosts.status(next.active()).allowed).toBe(false);
  expect(hosts.list()).toEqual([]);
});

it('plain http to another machine is refused even when asked', () => {
  const dir = tmp();
  const profiles = new Profiles(dir, LOCAL, {});
  const hosts = new ModelKeyHosts(dir, profiles);
  const far = profiles.add('Far', 'http://192.0.2.7:7391', true);
  expect(() => hosts.allow(far.id)).toThrow(/cross the network readable/);
  expect(hosts.status(far)).toMatchObject({ allowed: false, refusal: expect.stringMatching(/plain http on another machine/) });
});
