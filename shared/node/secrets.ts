/**
 * One constant-time comparison for every secret the app and the host check (API key hashes,
 * VNC passwords as tokens, signed links, session cookies, CSRF tokens). Both sides are hashed
 * first, so neither the content nor the length of a guess shows in the time it takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();

export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
