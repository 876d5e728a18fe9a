/**
 * The DNS forwarder's address after a host killed with SIGKILL: a host whose resolver is on its
 * loopback puts the forwarder on an address of its own on `lo` (host/runtime/dns.ts), which its
 * close takes away. Killed, it cannot: the address stays, claimed (its /32 route), and would
 * keep that address from every other host. The next host on the same data dir removes it before
 * anything of its own (host/runtime/leftovers.ts), and its own forwarder then works.
 * The computer is deleted before the kill, so that nothing of the next host's puts an address
 * there again before the test looks.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag } from '../../host/runtime/network.js';
import { startTime } from '../../host/runtime/processes.js';
import { OrgoClient } from '../../shared/api/client.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { eventually, tempDataDir, TEST_KEY } from '../helpers/host.js';
import { startLoopbackResolver, type LoopbackResolver } from '../helpers/loopback-resolver.js';

const NAME = 'orgo-dns-crash.test';
const dataDir = tempDataDir('orgo-dnscrash-');
const label = `lo:og${hostTag(dataDir)}`;
const hosts: HostProcess[] = [];
let resolver: LoopbackResolver;
let conf = '';

const ip = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });

/** The addresses on `lo` with this data dir's label: its hosts' forwarders. */
function forwarders(): string[] {
  return ip(['-o', '-4', 'addr', 'show', 'dev', 'lo']).split('\n')
    .filter((l) => l.replace(/\\/g, ' ').split(/\s+/).includes(label))
    .map((l) => /inet (\S+)\//.exec(l)![1]!);
}

/** Whether `address` is still claimed: the /32 route a forwarder's address holds on `lo`. */
const claimed = (address: string) => ip(['route', 'show', 'exact', `${address}/32`]).trim() !== '';

async function hostOn(): Promise<{ host: HostProcess; client: OrgoClient }> {
  const host = await startHostProcess(dataDir, { env: { ORGO_RESOLV_CONF: conf } });
  hosts.push(host);
  return { host, client: new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY }) };
}

beforeAll(async () => {
  resolver = await startLoopbackResolver(NAME);
  conf = resolver.resolvConf(dataDir);
});

afterAll(async () => {
  for (const h of hosts) if (startTime(h.pid) !== null) await h.close().catch(() => {});
  // A failed run must not leave this data dir's things on a shared machine: a host started and
  // closed clears them (what this test checks); what even that left goes by hand.
  if (forwarders().length) await (await startHostProcess(dataDir, { env: { ORGO_RESOLV_CONF: conf } })).close().catch(() => {});
  for (const a of forwarders()) {
    execFileSync('ip', ['route', 'del', `${a}/32`, 'dev', 'lo'], { stdio: 'ignore' });
    execFileSync('ip', ['addr', 'del', `${a}/32`, 'dev', 'lo'], { stdio: 'ignore' });
  }
  resolver?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a host with a loopback resolver killed with SIGKILL', () => {
  let left: string[] = [];

  beforeAll(async () => {
    const { host, client } = await hostOn();
    const ws = await client.createWorkspace('dns-crash');
    const pc = await client.createComputer({ workspace_id: ws.id, name: 'dns-crash' });
    expect(pc.status, pc.error_message ?? '').toBe('running');
    expect((await client.bash(pc.id, `getent hosts ${NAME}`, 30)).output).toContain(resolver.answer);
    await client.deleteComputer(pc.id);
    await host.kill();
    left = forwarders();
  }, 180_000);

  it('leaves its forwarder\'s address on lo, still claimed', () => {
    expect(left).toHaveLength(1);
    expect(claimed(left[0]!)).toBe(true);
  });

  it('the next host on the data dir removes it, and its own forwarder answers', async () => {
    const { client } = await hostOn();
    await eventually(() => forwarders(), (f) => f.length === 0, 30_000, 'the dead host\'s forwarder address to go');
    expect(claimed(left[0]!)).toBe(false);
    // Its own: a computer of the new host looks a name up through a forwarder of its own.
    const asked = resolver.questions.length;
    const ws = await client.createWorkspace('dns-crash-2');
    const pc = await client.createComputer({ workspace_id: ws.id, name: 'dns-crash-2' });
    expect(pc.status, pc.error_message ?? '').toBe('running');
    expect((await client.bash(pc.id, `getent hosts ${NAME}`, 30)).output).toContain(resolver.answer);
    expect(resolver.questions.slice(asked).some((q) => q.name === NAME)).toBe(true);
    expect(forwarders()).toHaveLength(1);
  }, 180_000);

  it('and its normal close takes its own away', async () => {
    await hosts.at(-1)!.close();
    expect(forwarders()).toEqual([]);
  }, 60_000);
});
