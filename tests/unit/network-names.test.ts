/**
 * Link names on the host are 6 hex of a hash of the computer's id (the kernel's 15 bytes leave
 * no more), so two computers' hashes can collide; the second must get a name of its own, since
 * `attach` deletes a link in its way as a leftover. Pure: no link is made.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HostNetwork } from '../../host/runtime/network.js';

const hex6 = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 6);

/** Two ids whose link names would be the same: a birthday search over 24 bits. */
function collidingIds(): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const other = seen.get(hex6(id));
    if (other) return [other, id];
    seen.set(hex6(id), id);
  }
}

describe('computer link names', () => {
  it('stay the same for a computer, fit 15 bytes, and never repeat another computer of the host', () => {
    const net = new HostNetwork('/tmp/orgo-names-unit');
    const [a, b] = collidingIds();
    const nameA = net.ifName(a);
    const nameB = net.ifName(b);
    expect(nameA).not.toBe(nameB);
    expect(nameA.length).toBeLessThanOrEqual(15);
    expect(nameB.length).toBeLessThanOrEqual(15);
    expect(net.ifName(a)).toBe(nameA);
    expect(net.ifName(b)).toBe(nameB);
  });

  it('a name is free again once its computer has let its link go', async () => {
    const net = new HostNetwork('/tmp/orgo-names-unit');
    const [a, b] = collidingIds();
    const nameA = net.ifName(a);
    await net.detach(a); // no such link here: `ip link del` fails quietly
    expect(net.ifName(b)).toBe(nameA);
  });
});
