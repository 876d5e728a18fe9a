import { randomBytes } from 'node:crypto';
import { randomToken } from '../auth/keys.js';

/** A stable id for a computer's desktop, in the shape of Orgo's (a Fly machine id). */
export function newInstanceId(): string {
  return randomBytes(7).toString('hex');
}

/**
 * VNC passwords double as the websocket token, compared in full; VNC's own DES check reads only
 * the first 8 characters, which is why RFB itself is never reachable without the token.
 */
export function newVncPassword(): string {
  return randomToken(16);
}

/** The computer's name as a hostname (RFC 1123 label). */
export function hostnameFor(name: string): string {
  const label = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label || 'computer';
}
