/**
 * API keys, one per profile, in the OS keychain through keytar (libsecret's Secret Service on
 * Linux). Where no Secret Service answers, the app says so and keeps keys in memory for the
 * session; only after the user agrees does it write them to a 0600 file, the way `gh` offers
 * insecure storage. The answer is remembered in settings.json.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KeychainView } from '../shared/ipc/types.js';
import { logger } from './log.js';
import { readJson, writeJson } from './json-file.js';

const log = logger('credentials');
export const KEYCHAIN_SERVICE = 'Orgo Desktop';

/** The part of keytar this app uses; tests may pass another implementation. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export async function loadKeytar(): Promise<Keychain> {
  const mod = (await import('keytar')) as unknown as { default?: Keychain } & Keychain;
  return mod.default ?? mod;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

interface Settings {
  insecureFileConsent?: boolean;
}

export class Credentials {
  private keychain: Keychain | null = null;
  private probed: Promise<void> | null = null;
  private available = false;
  private detail = 'not checked yet';
  private problem: string | null = null;
  private readonly memory = new Map<string, string>();
  private readonly file: string;
  private readonly settingsFile: string;

  constructor(
    configDir: string,
    private readonly load: () => Promise<Keychain> = loadKeytar,
  ) {
    this.file = join(configDir, 'credentials.json');
    this.settingsFile = join(configDir, 'settings.json');
  }

  /** Asks the Secret Service once whether it is there; later calls reuse the answer. */
  probe(): Promise<void> {
    this.probed ??= (async () => {
      try {
        const k = await this.load();
        await withTimeout(k.findCredentials(KEYCHAIN_SERVICE), 5000, 'The Secret Service');
        this.keychain = k;
        this.available = true;
        this.detail = 'Keys are kept in the system keychain (Secret Service).';
      } catch (e) {
        this.available = false;
        const why = (e as Error).message || String(e);
        this.problem = why;
        this.detail = `No system keychain is available (${why}).`;
        log.warn(this.detail);
      }
    })();
    return this.probed;
  }

  private consent(): boolean | null {
    return readJson<Settings>(this.settingsFile, {}).insecureFileConsent ?? null;
  }

  async view(): Promise<KeychainView> {
    await this.probe();
    const consent = this.consent();
    return {
      backend: this.available ? 'keychain' : consent ? 'file' : 'memory',
      available: this.available,
      detail: this.available
        ? this.detail
        : consent
          ? `${this.detail} Keys are stored in ${this.file}, readable only by you.`
          : `${this.detail} Keys are kept only while the app runs unless you allow a file readable only by you.`,
      problem: this.problem,
      fileConsent: consent,
      filePath: this.file,
      memoryOnly: !this.available && !consent ? this.memory.size : 0,
    };
  }

  /** The user's answer about the 0600 file. Agreeing moves keys held in memory into it. */
  async setFileConsent(allow: boolean): Promise<void> {
    writeJson(this.settingsFile, { ...readJson<Settings>(this.settingsFile, {}), insecureFileConsent: allow });
    if (allow) {
      const stored = this.readFile();
      for (const [k, v] of this.memory) stored[k] = v;
      this.writeFile(stored);
    } else if (existsSync(this.file)) {
      rmSync(this.file, { force: true });
    }
  }

  async get(profileId: string): Promise<string | null> {
    return (await this.lookup(profileId))?.key ?? null;
  }

  /** The stored key and where it is kept. */
  async lookup(profileId: string): Promise<{ key: string; source: 'keychain' | 'file' | 'memory' } | null> {
    await this.probe();
    if (this.keychain) {
      const key = await this.keychain.getPassword(KEYCHAIN_SERVICE, profileId);
      return key ? { key, source: 'keychain' } : null;
    }
    const fromFile = this.consent() ? this.readFile()[profileId] : undefined;
    if (fromFile) return { key: fromFile, source: 'file' };
    const inMemory = this.memory.get(profileId);
    return inMemory ? { key: inMemory, source: 'memory' } : null;
  }

  async set(profileId: string, key: string): Promise<void> {
    await this.probe();
    if (this.keychain) return this.keychain.setPassword(KEYCHAIN_SERVICE, profileId, key);
    this.memory.set(profileId, key);
    if (this.consent()) this.writeFile({ ...this.readFile(), [profileId]: key });
  }

  async delete(profileId: string): Promise<void> {
    await this.probe();
    this.memory.delete(profileId);
    if (this.keychain) await this.keychain.deletePassword(KEYCHAIN_SERVICE, profileId);
    if (existsSync(this.file)) {
      const stored = this.readFile();
      delete stored[profileId];
      this.writeFile(stored);
    }
  }

  private readFile(): Record<string, string> {
    return readJson<Record<string, string>>(this.file, {});
  }

  private writeFile(map: Record<string, string>): void {
    writeJson(this.file, map);
  }
}
