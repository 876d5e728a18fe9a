/**
 * API keys: generated as `sk_live_` + 40 base62 characters, stored only as SHA-256 hashes
 * (the keys are random, so a slow hash adds nothing), and checked against every stored hash
 * with timingSafeEqual so that no comparison leaks how much of a guess was right.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '../../shared/node/secrets.js';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyRow, KeyStore } from '../store/keys.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  // Rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export function newApiKey(): string {
  return `sk_live_${randomToken(40)}`;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function keyPrefix(key: string): string {
  return key.slice(0, 12);
}

export class KeyChecker {
  constructor(private readonly keys: KeyStore) {}

  /** The stored key matching `presented`, or undefined; the same work whatever the answer. */
  verify(presented: string): KeyRow | undefined {
    const hash = hashKey(presented);
    let found: KeyRow | undefined;
    for (const row of this.keys.all()) {
      if (sameSecret(row.hash, hash) && !found) found = row;
    }
    return found;
  }
}

export const KEY_FILE = 'api-key';

/**
 * First start on an empty data dir: the account's first key. From ORGO_HOST_BOOTSTRAP_KEY when
 * set (scripts, tests), otherwise fresh; written to a 0600 file for the app to pick up.
 * Returns the key only when it was generated here, so the caller can print it once.
 */
export function bootstrapKey(keys: KeyStore, dataDir: string, fromEnv: string | undefined): string | null {
  if (keys.count() > 0) return null;
  const key = fromEnv && fromEnv.length > 0 ? fromEnv : newApiKey();
  keys.insert('bootstrap', hashKey(key), keyPrefix(key), null);
  const file = join(dataDir, KEY_FILE);
  writeFileSync(file, key + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return fromEnv ? null : key;
}

export function keyFileExists(dataDir: string): boolean {
  return existsSync(join(dataDir, KEY_FILE));
}
