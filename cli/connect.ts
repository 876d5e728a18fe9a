/**
 * Which server and key a command uses, the way the app decides it (app/profiles.ts): --profile,
 * else ORGO_API_BASE_URL ("Environment"), else ORGO_PROFILE, else the profile last chosen in the
 * app, else "This computer". Keys: ORGO_API_KEY for the profile the environment chose, then the
 * keychain or credentials file, then for "This computer" the built-in host's own key file, so
 * it needs no login where that file is readable.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrgoClient } from '../shared/api/client.js';
import { LocalHost, LOCAL_HOST_PORT } from '../app/local-host.js';
import { appDirs } from '../app/paths.js';
import { LOCAL_ID, Profiles, type Profile } from '../app/profiles.js';
import { CliError, UsageError } from './fail.js';
import { lightFetch } from './http-fetch.js';
import { KeyStore } from './keystore.js';

export type KeySource = 'environment' | 'keychain' | 'file' | 'host';

export interface Place {
  profiles: Profiles;
  profile: Profile;
  keys: KeyStore;
  localHost: LocalHost;
}

/** The project's root: out/cli/ in a build, cli/ when run from source. */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, basename(here) === 'cli' && basename(dirname(here)) === 'out' ? '../..' : '..');
  // Packaged, the bundle sits unpacked beside app.asar (electron-builder.yml); the app's root, as
  // the built-in host's starter knows a package, is the archive itself.
  return basename(root) === 'app.asar.unpacked' ? join(dirname(root), 'app.asar') : root;
}

export function place(profileFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Place {
  const dirs = appDirs(env);
  const localHost = new LocalHost({ dataDir: dirs.hostData, port: Number(env.ORGO_LOCAL_HOST_PORT) || LOCAL_HOST_PORT, projectRoot: projectRoot() });
  const profiles = new Profiles(dirs.config, localHost.baseUrl, env);
  let profile = profiles.active();
  if (profileFlag) {
    const p = profiles.find(profileFlag);
    if (!p) throw new UsageError(`No profile "${profileFlag}". Profiles: ${profiles.list().map((x) => `${x.id} (${x.name})`).join(', ')}`);
    profile = p;
  }
  return { profiles, profile, keys: new KeyStore(dirs.config, env), localHost };
}

export async function keyFor(p: Place, env: NodeJS.ProcessEnv = process.env): Promise<{ key: string; source: KeySource } | null> {
  if (env.ORGO_API_KEY && p.profiles.envKeyProfile === p.profile.id) return { key: env.ORGO_API_KEY, source: 'environment' };
  const stored = await p.keys.get(p.profile.id);
  if (stored) return stored;
  const hostKey = p.profile.id === LOCAL_ID ? p.localHost.key() : null;
  return hostKey ? { key: hostKey, source: 'host' } : null;
}

export interface Connected extends Place {
  client: OrgoClient;
  key: string;
  source: KeySource;
}

/** A client for the chosen profile; starts the built-in host first when it is "This computer". */
export async function connect(profileFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Connected> {
  const p = place(profileFlag, env);
  if (p.profile.id === LOCAL_ID) {
    try {
      await p.localHost.ensure();
    } catch (e) {
      throw new CliError(`The built-in host ("This computer") is not running: ${(e as Error).message}`, 1, 'host_not_running');
    }
  }
  const k = await keyFor(p, env);
  if (!k) {
    const flag = profileFlag ? ` --profile ${profileFlag}` : '';
    throw new CliError(`Not signed in to "${p.profile.name}" (${p.profile.baseUrl}). Run: orgo login${flag}  (or set ORGO_API_KEY)`, 1, 'not_signed_in');
  }
  return { ...p, client: new OrgoClient({ baseUrl: p.profile.baseUrl, apiKey: k.key, timeoutMs: 180_000, fetch: lightFetch }), key: k.key, source: k.source };
}
