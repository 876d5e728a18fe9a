/**
 * The contract with each computer: the host's typed op map (host/runtime/guest-ops.ts) and the
 * guest's op table (guest/ops.py, plus `stop` in guest.py) name the same operations. A running
 * guest is asked for its table in tests/host/actions-bash.test.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_OPS } from '../../host/runtime/guest-ops.js';

const guest = resolve(import.meta.dirname, '../../guest');

function guestOps(): string[] {
  const table = [...readFileSync(resolve(guest, 'ops.py'), 'utf8').matchAll(/^@op\("([a-z_]+)"\)/gm)].map((m) => m[1]!);
  const special = [...readFileSync(resolve(guest, 'guest.py'), 'utf8').matchAll(/if name == "([a-z_]+)":/g)].map((m) => m[1]!);
  return [...table, ...special].sort();
}

describe('guest contract', () => {
  it('reads the guest\'s table (the check is not vacuous)', () => {
    expect(guestOps()).toContain('bash');
    expect(guestOps()).toContain('stop');
  });

  it('has the same operations on both sides', () => {
    expect(guestOps()).toEqual([...GUEST_OPS].sort());
  });
});
