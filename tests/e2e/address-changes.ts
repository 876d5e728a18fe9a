/**
 * When this machine's network addresses changed, as `ip monitor address` reports them (read only).
 * Chromium aborts loads waiting for a connection, loopback ones included, on any address change
 * in the host's namespace, and logs each as "net::ERR_NETWORK_CHANGED" even when the app loads it
 * again. On this shared machine other engineers' tests add and remove addresses (an "outside
 * network" for a stream or download test gives its veth an address); a host's own computers do
 * not (their host ends carry no address, IPv6 off before they come up). So the console watch lets
 * that line through only when an address did change during the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface AddressChanges {
  /** Whether an address was added or removed at or after `at` (ms since the epoch). */
  since(at: number): boolean;
  stop(): void;
}

export function watchAddressChanges(): AddressChanges {
  const seen: number[] = [];
  let child: ChildProcess | null = null;
  try {
    child = spawn('ip', ['monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.on('error', () => (child = null));
    // Each event starts with an unindented line; continuation lines are indented.
    child.stdout!.on('data', (d: Buffer) => {
      for (const line of String(d).split('\n')) if (line && !/^\s/.test(line)) seen.push(Date.now());
    });
  } catch {
    child = null;
  }
  return {
    since: (at) => seen.some((t) => t >= at),
    stop: () => {
      if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
