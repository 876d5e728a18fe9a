/**
 * Download links that carry their own permission: an HMAC over the file id and the expiry,
 * keyed with a secret that never leaves this host's data dir. Whoever holds the link may fetch
 * the bytes until it expires, without the API key (a browser's download, `curl -O`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../../shared/node/secrets.js';
import { constants, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LINK_LIFETIME_S = 60 * 60;
const KEY_FILE = 'download-links.key';

export type LinkCheck = 'ok' | 'expired' | 'invalid';

export class LinkSigner {
  private constructor(private readonly secret: Buffer) {}

  /** The host's signing secret: made once (mode 0600), kept across restarts so links stay valid. */
  static forDataDir(dataDir: string): LinkSigner {
    const file = join(dataDir, KEY_FILE);
    try {
      const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, randomBytes(32).toString('hex'));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (secret.length < 32) throw new Error(`${file} is damaged (expected 64 hex characters); delete it to make a new one (old links stop working)`);
    return new LinkSigner(secret);
  }

  /** Query parameters for a link to `fileId` that works until `expires` (unix seconds). */
  sign(fileId: string, expires: number): { expires: string; sig: string } {
    return { expires: String(expires), sig: this.mac(fileId, String(expires)) };
  }

  check(fileId: string, expires: unknown, sig: unknown, nowS = Date.now() / 1000): LinkCheck {
    if (typeof expires !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
    if (!sameSecret(sig, this.mac(fileId, expires))) return 'invalid';
    return Number(expires) < nowS ? 'expired' : 'ok';
  }

  private mac(fileId: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`orgo-file-download\n${fileId}\n${expires}`).digest('base64url');
  }
}
