import { randomBytes } from 'node:crypto';
import { randomToken } from '../auth/keys.js';

/** A stable id for a computer's desktop, in the shape of Orgo's (a Fly machine id). */
export function newInstanceId(): string {
  return randomBytes(7).toString('hex');
}

/**
 * VNC passwords double as the websocket token, compared in full. VNC's own DES check reads only
 * the first 8 characters, so those must carry the strength on their own: every character is
 * uniform over 62 (rejection-sampled), 47.6 bits in the first 8, and none of their 7 bits is lost
 * to DES's parity bit (VNC mirrors each byte, so the dropped bit is ASCII's zero top bit). The
 * host's RFB gate limits guesses at them (http/channels/rfb-gate.ts).
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
