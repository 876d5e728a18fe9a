/**
 * A computer whose first-choice address is taken (by another computer, of this host or another:
 * the /32 route is the claim) gets the next one and a working default route. Density's 1000 run
 * met this at its first collision, near 457 computers, as "Nexthop has invalid gateway".
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HostNetwork } from '../../host/runtime/network.js';
import { tempDataDir } from '../helpers/host.js';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
let dataDir: string;
let net: HostNetwork;
let inside: ChildProcess;
let taken: string;

beforeAll(() => {
  dataDir = tempDataDir('orgo-netaddr-');
  net = new HostNetwork(dataDir);
  // A process in a network namespace of its own, as a computer's first process is.
  inside = spawn('unshare', ['--net', 'sleep', '120'], { stdio: 'ignore' });
});

afterAll(async () => {
  if (taken) ip('route', 'del', `${taken}/32`, 'dev', 'lo');
  await net.detach('collision-test').catch(() => {});
  inside?.kill('SIGKILL');
  await net.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('takes the next address when its first is claimed, and still routes through its gateway', async () => {
  const [first, second] = net.candidates('collision-test');
  taken = first!;
  ip('route', 'add', `${taken}/32`, 'dev', 'lo'); // claimed, as another computer's route would be
  const link = await net.attach(inside.pid!, 'collision-test', null);
  expect(link.address).toBe(second);
  const nsip = (...args: string[]) => execFileSync('nsenter', ['-t', String(inside.pid), '-n', 'ip', ...args]).toString();
  expect(nsip('-4', '-o', 'addr', 'show', 'dev', 'eth0')).toContain(`${second}/32`);
  expect(nsip('-4', '-o', 'addr', 'show', 'dev', 'eth0')).not.toContain(`${first}/32`);
  expect(nsip('route', 'show', 'default')).toMatch(/default via 169\.254\.1\.1 dev eth0/);
});
