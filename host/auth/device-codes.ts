/**
 * Codes of device-code login (RFC 8628). The user code is 8 letters from 20 consonants
 * (no vowels, so no words; none of the letters people confuse with digits), shown as
 * WDJB-MJHT and accepted in any case, with or without the dash or spaces: 20^8 ≈ 2.6e10 codes,
 * which with a 10-minute life and rate-limited entry cannot be guessed (RFC 8628 §6.1). The
 * device code is 32 random bytes, stored only as a hash.
 */
import { createHash, randomBytes } from 'node:crypto';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;
export const DEVICE_CODE_TTL_S = 600;
export const POLL_INTERVAL_S = 5;
export const SLOW_DOWN_STEP_S = 5;

export function newUserCode(): string {
  let out = '';
  while (out.length < USER_CODE_LENGTH) {
    for (const b of randomBytes(16)) {
      // 240 is a multiple of 20: rejection sampling keeps every letter equally likely.
      if (b < 240 && out.length < USER_CODE_LENGTH) out += USER_CODE_ALPHABET[b % 20];
    }
  }
  return out;
}

/** What people type, folded to the stored form; null when it cannot be a code at all. */
export function normalizeUserCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]+/g, '');
  if (s.length !== USER_CODE_LENGTH) return null;
  for (const ch of s) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return s;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function newDeviceCode(): string {
  return randomBytes(32).toString('base64url');
}

export function hashDeviceCode(code: string): Buffer {
  return createHash('sha256').update(code, 'utf8').digest();
}
