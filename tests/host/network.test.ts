/**
 * A network of its own per computer, checked from inside real computers: the host's loopback
 * services and its other addresses are refused, so is another computer, while a server out
 * on the "internet" (a network namespace of the test's) is reached, DNS resolves where the host
 * resolves, a bandwidth limit holds, and the display and channel sockets work as before. Links,
 * cgroups and the firewall table go with the computers and the host.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { openChannel } from '../helpers/channels.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';
import { startInternet, type Internet } from '../helpers/internet.js';

let t: TestHost;
let a: Computer;
let b: Computer;
let inet: Internet;
const servers: Server[] = [];

const sh = async (pc: Computer, command: string, timeout = 30) => (await t.client.bash(pc.id, command, timeout)).output;
/** bash's /dev/tcp: "open", or the error connect(2) gave. */
const probe = (pc: Computer, host: string, port: number) =>
  sh(pc, `timeout 5 bash -c 'exec 3<>/dev/tcp/${host}/${port}' 2>&1 && echo open || echo "failed $?"`);

async function listen(host: string): Promise<number> {
  const server = createServer((s) => s.end('host secret\n'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  inet = await startInternet();
  t = await startTestHost();
  const ws = await t.client.createWorkspace('net');
  [a, b] = await Promise.all([
    t.client.createComputer({ workspace_id: ws.id, name: 'net-a' }),
    t.client.createComputer({ workspace_id: ws.id, name: 'net-b' }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await t?.close();
  inet?.close();
});

describe('from inside a computer', () => {
  it('a server on the host\'s 127.0.0.1, and the host\'s own API, are refused', async () => {
    const port = await listen('127.0.0.1');
    expect(await probe(a, '127.0.0.1', port)).toMatch(/Connection refused/);
    expect(await probe(a, '127.0.0.1', t.host.port)).toMatch(/Connection refused/);
  });

  it('the host\'s other addresses are refused too, whatever listens on them', async () => {
    const port = await listen('0.0.0.0');
    const addresses = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(await probe(a, address, port)).toMatch(/Connection refused/);
  });

  it('another computer is refused, though its server answers inside it', async () => {
    await sh(b, 'setsid nohup python3 -m http.server 8099 --bind 0.0.0.0 >/dev/null 2>&1 & for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/8099) 2>/dev/null && break; sleep 0.1; done');
    expect(await probe(b, '127.0.0.1', 8099)).toContain('open');
    const bAddress = (await sh(b, "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    expect(bAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await probe(a, bAddress, 8099)).toMatch(/Connection refused/);
  });

  it('a server out on the internet is reached', async () => {
    expect(await sh(a, `curl -sS -m 10 ${inet.url}/hello.txt`)).toMatch(/^hello from the internet [0-9a-f]{6}\n$/);
  });

  it('DNS resolves the names the host resolves', async () => {
    let hostAnswer = '';
    try {
      hostAnswer = execFileSync('getent', ['hosts', 'deb.debian.org']).toString();
    } catch {
      /* the host has no DNS either */
    }
    if (!hostAnswer) return void expect(await sh(a, 'getent hosts deb.debian.org; echo rc=$?')).toContain('rc=2');
    expect(await sh(a, 'getent hosts deb.debian.org | head -1 | cut -d" " -f1')).toBe(hostAnswer.split(/\s+/)[0] + '\n');
  });

  it('a 10 Mbit/s limit holds for a download, and lifting it restores the speed', async () => {
    writeFileSync(`${inet.dir}/big.bin`, Buffer.alloc(6 * 1024 * 1024, 7));
    const speed = async () => Number(await sh(a, `curl -sS -m 40 -o /dev/null -w '%{speed_download}' ${inet.url}/big.bin`, 60)) * 8 / 1e6;
    const limited = await call(t, 'PATCH', `/computers/${a.id}/resize`, { bandwidth_limit_mbps: 10 });
    expect(limited.status).toBe(200);
    expect(limited.body.bandwidth_limit_mbps).toBe(10);
    const mbps = await speed();
    expect(mbps).toBeLessThan(11.5);
    expect(mbps).toBeGreaterThan(5);
    expect((await call(t, 'PATCH', `/computers/${a.id}/resize`, { bandwidth_limit_mbps: 0 })).body.bandwidth_limit_mbps).toBe(null);
    expect(await speed()).toBeGreaterThan(30);
  }, 120_000);

  it('the display and the channel socket work as before', async () => {
    const shot = await t.client.screenshot(a.id);
    expect(shot.width).toBe(1280);
    const term = openChannel(a, 'terminal');
    await term.opened;
    term.send({ type: 'input', data: 'echo net-$((6*7))\r' });
    await term.until(() => term.output().includes('net-42'));
    term.close();
  });
});

describe('cleanup', () => {
  it('a stopped computer leaves no link, address route or cgroup behind; the host\'s exit takes the firewall table', async () => {
    const net = t.host.computers.network!;
    const ifName = net.ifName(b.id);
    expect(execFileSync('ip', ['-br', 'link', 'show', ifName]).toString()).toContain(ifName);
    await t.client.stopComputer(b.id);
    expect(() => execFileSync('ip', ['link', 'show', ifName], { stdio: 'pipe' })).toThrow();
    expect(execFileSync('ip', ['route', 'show']).toString()).not.toContain(ifName);
    // find's own complaints about other people's groups vanishing under it are not ours.
    const findDirs = (depth: number, name: string) => execFileSync('sh', ['-c', `find /sys/fs/cgroup -maxdepth ${depth} -type d -name "$1" 2>/dev/null; true`, 'sh', name]).toString();
    const groups = findDirs(6, b.id);
    expect(groups).toBe('');
    const table = `orgo_${net.tag}`;
    expect(execFileSync('nft', ['list', 'tables']).toString()).toContain(table);
    await t.close();
    expect(execFileSync('nft', ['list', 'tables']).toString()).not.toContain(table);
    expect(findDirs(5, `orgo-${net.tag}`)).toBe('');
    expect(existsSync(t.dataDir)).toBe(false);
  }, 60_000);
});
