/**
 * Profiles: which Orgo-compatible API the app talks to. Three kinds are built in or added:
 * "This computer" (the built-in host), Orgo's cloud, and any other URL the user adds. The
 * environment steers them as Orgo's CLI does: ORGO_API_BASE_URL adds an "Environment" profile
 * and makes it active, ORGO_PROFILE picks a profile by id or name, and ORGO_API_KEY supplies the
 * key of whichever profile the environment chose (only that one, so switching profiles never
 * sends it to another server).
 */
import { join } from 'node:path';
import { ORGO_CLOUD_URL } from '../shared/api/client.js';
import { isPlainHttpToAnotherMachine, PLAIN_HTTP_WARNING } from '../shared/ipc/plain-http.js';
import type { ProfileKind } from '../shared/ipc/types.js';
import { readJson, writeJson } from './json-file.js';

export interface Profile {
  id: string;
  name: string;
  kind: ProfileKind;
  baseUrl: string;
  /** The user allowed plain http to this server (another machine) when adding it. */
  insecure?: true;
}

interface Stored {
  active?: string;
  custom?: Profile[];
}

export const LOCAL_ID = 'local';
export const CLOUD_ID = 'cloud';
export const ENV_ID = 'env';

/** `http://server:7391` and `http://server:7391/api/` both mean `http://server:7391/api`. */
export function normalizeBaseUrl(input: string): string {
  const url = new URL(input.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('The address must start with http:// or https://');
  url.hash = '';
  url.search = '';
  let path = url.pathname.replace(/\/+$/, '');
  if (path === '') path = '/api';
  url.pathname = path;
  return url.toString().replace(/\/+$/, '');
}

/**
 * Throws, in words, when using `profile` would send its key over plain http to another machine
 * without the user's say-so. The environment's profile is the user's own explicit choice (as in
 * Orgo's CLI) and gets a warning in the session's note instead.
 */
export function assertSafeTransport(profile: Profile): void {
  if (profile.kind === 'env' || profile.insecure || !isPlainHttpToAnotherMachine(profile.baseUrl)) return;
  throw new Error(`${PLAIN_HTTP_WARNING} (Remove "${profile.name}" and add it again to allow it.)`);
}

export class Profiles {
  private readonly file: string;
  private stored: Stored;
  private activeId: string;
  /** The profile ORGO_API_KEY belongs to, if set. */
  readonly envKeyProfile: string | null;
  readonly envNote: string | null;

  constructor(
    configDir: string,
    private readonly localBaseUrl: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = join(configDir, 'profiles.json');
    this.stored = readJson<Stored>(this.file, {});
    this.activeId = this.stored.active && this.find(this.stored.active) ? this.stored.active : LOCAL_ID;
    const notes: string[] = [];
    if (env.ORGO_API_BASE_URL) {
      this.activeId = ENV_ID;
      notes.push(`ORGO_API_BASE_URL=${env.ORGO_API_BASE_URL}`);
    } else if (env.ORGO_PROFILE) {
      const p = this.find(env.ORGO_PROFILE);
      if (p) {
        this.activeId = p.id;
        notes.push(`ORGO_PROFILE=${env.ORGO_PROFILE}`);
      } else notes.push(`ORGO_PROFILE=${env.ORGO_PROFILE} names no profile; using "${this.active().name}"`);
    }
    this.envKeyProfile = env.ORGO_API_KEY ? this.activeId : null;
    if (env.ORGO_API_KEY) notes.push(`ORGO_API_KEY for "${this.active().name}"`);
    if (env.ORGO_API_BASE_URL && isPlainHttpToAnotherMachine(env.ORGO_API_BASE_URL)) notes.push('plain http to another machine: the API key crosses the network unencrypted');
    this.envNote = notes.length ? notes.join(', ') : null;
  }

  list(): Profile[] {
    const out: Profile[] = [
      { id: LOCAL_ID, name: 'This computer', kind: 'local', baseUrl: this.localBaseUrl },
      { id: CLOUD_ID, name: 'Orgo cloud', kind: 'cloud', baseUrl: ORGO_CLOUD_URL },
      ...(this.stored.custom ?? []).map((p) => ({ ...p, kind: 'remote' as const })),
    ];
    if (this.env.ORGO_API_BASE_URL) {
      let baseUrl = this.env.ORGO_API_BASE_URL;
      try {
        baseUrl = normalizeBaseUrl(baseUrl);
      } catch {
        /* shown as given; requests will fail in words */
      }
      out.push({ id: ENV_ID, name: 'Environment', kind: 'env', baseUrl });
    }
    return out;
  }

  find(idOrName: string): Profile | undefined {
    const all = this.list();
    return all.find((p) => p.id === idOrName) ?? all.find((p) => p.name.toLowerCase() === idOrName.toLowerCase());
  }

  get(id: string): Profile {
    const p = this.find(id);
    if (!p) throw new Error('No such profile');
    return p;
  }

  active(): Profile {
    return this.find(this.activeId) ?? this.list()[0]!;
  }

  select(id: string): Profile {
    const p = this.get(id);
    this.activeId = p.id;
    if (p.kind !== 'env') this.save({ ...this.stored, active: p.id });
    return p;
  }

  /** `allowPlainHttp`: the user's explicit yes to plain http for a server on another machine. */
  add(name: string, baseUrl: string, allowPlainHttp = false): Profile {
    const url = normalizeBaseUrl(baseUrl);
    const custom = this.stored.custom ?? [];
    if (this.list().some((p) => p.name.toLowerCase() === name.toLowerCase())) throw new Error(`A profile named "${name}" exists already`);
    const plain = isPlainHttpToAnotherMachine(url);
    if (plain && !allowPlainHttp) throw new Error(PLAIN_HTTP_WARNING);
    // The global Web Crypto, not node:crypto: importing that at the top would load all of crypto
    // on every `orgo` command that reads profiles.
    const p: Profile = { id: `p_${globalThis.crypto.randomUUID().slice(0, 8)}`, name, kind: 'remote', baseUrl: url, ...(plain ? { insecure: true as const } : {}) };
    this.save({ ...this.stored, custom: [...custom, p] });
    return p;
  }

  remove(id: string): void {
    const p = this.get(id);
    if (p.kind !== 'remote') throw new Error(`"${p.name}" is built in and cannot be removed`);
    if (this.activeId === id) this.activeId = LOCAL_ID;
    const active = this.stored.active === id ? LOCAL_ID : this.stored.active;
    this.save({ ...this.stored, active, custom: (this.stored.custom ?? []).filter((c) => c.id !== id) });
  }

  private save(next: Stored): void {
    this.stored = next;
    writeJson(this.file, next);
  }
}
