import { describe, expect, it } from 'vitest';
import { LINK_TTL_MS, ScreenshotLinks } from '../../host/http/screenshot-links.js';

describe('screenshot links', () => {
  it('a token fetches its image once, and only within the minute', () => {
    let now = 1_000;
    const links = new ScreenshotLinks(() => now);
    const a = links.mint(Buffer.from('a'), 'image/jpeg');
    const b = links.mint(Buffer.from('b'), 'image/jpeg');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(links.take(a)?.bytes.toString()).toBe('a');
    expect(links.take(a)).toBeUndefined();
    now += LINK_TTL_MS;
    expect(links.take(b)).toBeUndefined();
    expect(links.size).toBe(0);
  });

  it('holds at most 64 images, dropping the oldest', () => {
    const links = new ScreenshotLinks();
    const tokens = Array.from({ length: 70 }, (_, i) => links.mint(Buffer.from(String(i)), 'image/jpeg'));
    expect(links.size).toBe(64);
    expect(links.take(tokens[5]!)).toBeUndefined();
    expect(links.take(tokens[6]!)?.bytes.toString()).toBe('6');
  });
});
