/**
 * API keys, one per profile, in the same places the app keeps them so that signing in once in
 * either serves both: the OS keychain through keytar (service "Orgo Desktop", account = the
 * profile's id). Where no keychain answers, the CLI says so and keeps keys in
 * ~/.orgo/credentials.json (mode 0600), as Orgo's CLI does; it also reads the file the app
 * writes when the user allowed one.
 */
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KEYCHAIN_SERVICE, type Keychain } from '../app/credentials.js';
import { readJson, writeJson } from '../app/json-file.js';

export type StoredIn = 'keychain' | 'file';

export function cliCredentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.orgo', 'credentials.json');
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });

/**
 * keytar (CommonJS) through require rather than the app's import(): from the CLI's CommonJS
 * entry, import() would start Node's ES module loader for this one module, about 15 ms of CPU on
 * every command that asks the keychain, "This computer"'s `computers list --json` included.
 */
export const requireKeytar = async (): Promise<Keychain> => createRequire(import.meta.url)('keytar') as Keychain;

export class KeyStore {
  private keychain: Promise<Keychain | null> | null = null;
  /** Why the keychain is not used, once known. */
  problem: string | null = null;
  readonly file: string;

  constructor(
    private readonly appConfigDir: string,
    env: NodeJS.ProcessEnv = process.env,
    private readonly load: () => Promise<Keychain> = requireKeytar,
  ) {
    this.file = cliCredentialsFile(env);
  }

  /** The keychain, when a Secret Service answers (asked once per run). */
  private chain(): Promise<Keychain | null> {
    this.keychain ??= (async () => {
      try {
        const k = await this.load();
        await within(k.findCredentials(KEYCHAIN_SERVICE), 3000);
        return k;
      } catch (e) {
        this.problem = (e as Error).message || String(e);
        return null;
      }
    })();
    return this.keychain;
  }

  async get(profileId: string): Promise<{ key: string; source: StoredIn } | null> {
    const k = await this.chain();
    if (k) {
      const key = await k.getPassword(KEYCHAIN_SERVICE, profileId).catch(() => null);
      if (key) return { key, source: 'keychain' };
    }
    const fromFile = readJson<Record<string, string>>(this.file, {})[profileId] ?? readJson<Record<string, string>>(join(this.appConfigDir, 'credentials.json'), {})[profileId];
    return fromFile ? { key: fromFile, source: 'file' } : null;
  }

  async set(profileId: string, key: string): Promise<StoredIn> {
    const k = await this.chain();
    if (k) {
      try {
        await k.setPassword(KEYCHAIN_SERVICE, profileId, key);
        return 'keychain';
      } catch (e) {
        this.problem = (e as Error).message;
      }
    }
    writeJson(this.file, { ...readJson<Record<string, string>>(this.file, {}), [profileId]: key });
    return 'file';
  }

  /** Removes the key everywhere the CLI keeps it; answers whether there was one. */
  async delete(profileId: string): Promise<boolean> {
    let had = false;
    const k = await this.chain();
    if (k) had = (await k.deletePassword(KEYCHAIN_SERVICE, profileId).catch(() => false)) || had;
    const stored = readJson<Record<string, string>>(this.file, {});
    if (profileId in stored) {
      delete stored[profileId];
      writeJson(this.file, stored);
      had = true;
    }
    return had;
  }
}
