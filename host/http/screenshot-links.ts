/**
 * Screenshots handed out as short-lived links, for the one client that needs them: Orgo's Python
 * SDK's `AnthropicProvider` reads `image` as a URL and fetches it with no key (`requests.get`),
 * as Orgo's cloud serves screenshots from storage. A link is a capability: 256 random bits, good
 * for one fetch within a minute, kept in memory only (a host restart forgets them, as it should).
 * Stored by the token's SHA-256, so finding one takes the same time however close a guess is.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Long enough for a client on a slow link to come back for it, short enough that a leaked one is dead. */
export const LINK_TTL_MS = 60_000;
/** A bound on the memory links hold (a 1280x720 JPEG is 50-150 KB): the oldest goes first. */
const MAX_LINKS = 64;

interface Held {
  bytes: Buffer;
  type: string;
  expires: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class ScreenshotLinks {
  private readonly held = new Map<string, Held>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new token for these bytes. */
  mint(bytes: Buffer, type: string): string {
    this.sweep();
    while (this.held.size >= MAX_LINKS) this.held.delete(this.held.keys().next().value!);
    const token = randomBytes(32).toString('base64url');
    this.held.set(digest(token), { bytes, type, expires: this.now() + LINK_TTL_MS });
    return token;
  }

  /** The image, once: a second fetch, an expired or an unknown token finds nothing. */
  take(token: string): { bytes: Buffer; type: string } | undefined {
    this.sweep();
    const key = digest(token);
    const held = this.held.get(key);
    if (!held) return undefined;
    this.held.delete(key);
    return { bytes: held.bytes, type: held.type };
  }

  get size(): number {
    this.sweep();
    return this.held.size;
  }

  private sweep(): void {
    const now = this.now();
    // Insertion order is expiry order (one TTL for all): stop at the first that still holds.
    for (const [key, held] of this.held) {
      if (held.expires > now) break;
      this.held.delete(key);
    }
  }
}
